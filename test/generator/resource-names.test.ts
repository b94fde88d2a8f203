// Method names from HTTP method + path (catalog `methodNames: resource`, used for Stripe; and,
// for operations without operationId or with a path-echo one, under their tag's namespace).
import { describe, expect, it } from "vitest";
import { deriveResourceName, distinguishCollisions, documentScope, resourceMethodName, resourceSegments, singular } from "../../generator/model/resource-names.js";

type Given = { method: string; path: string; methods?: string[]; hasItems?: boolean; lists?: boolean; scope?: { text: string; params: number } };

const facts = (g: Given) => ({ methods: new Set(g.methods ?? [g.method]), hasItems: g.hasItems ?? false, lists: g.lists ?? false, ...(g.scope ? { scope: g.scope } : {}) });
const twilio = { text: "Accounts", params: 1 };
const bitbucket = { text: "repositories", params: 2 };

describe("resource method names", () => {
  const cases: [string, { given: Given; want: string }][] = [
    ["list a collection", { given: { method: "GET", path: "/v1/customers" }, want: "customers.list" }],
    ["create in a collection", { given: { method: "POST", path: "/v1/customers" }, want: "customers.create" }],
    ["retrieve an item", { given: { method: "GET", path: "/v1/customers/{customer}" }, want: "customers.retrieve" }],
    ["update an item", { given: { method: "POST", path: "/v1/customers/{customer}" }, want: "customers.update" }],
    ["delete an item", { given: { method: "DELETE", path: "/v1/customers/{customer}" }, want: "customers.delete" }],
    ["search", { given: { method: "GET", path: "/v1/customers/search" }, want: "customers.search" }],
    ["a singleton", { given: { method: "GET", path: "/v1/balance" }, want: "balance.retrieve" }],
    ["list a sub-collection", { given: { method: "GET", path: "/v1/customers/{customer}/sources" }, want: "customers.listSources" }],
    ["create in a sub-collection", { given: { method: "POST", path: "/v1/customers/{customer}/sources" }, want: "customers.createSource" }],
    ["an item of a sub-collection", { given: { method: "GET", path: "/v1/customers/{customer}/sources/{id}" }, want: "customers.retrieveSource" }],
    ["an action", { given: { method: "POST", path: "/v1/charges/{charge}/capture" }, want: "charges.capture" }],
    ["an action on a sub-resource", { given: { method: "POST", path: "/v1/customers/{customer}/sources/{id}/verify" }, want: "customers.verifySource" }],
    ["a singular thing to read", { given: { method: "GET", path: "/v1/invoices/upcoming" }, want: "invoices.retrieveUpcoming" }],
    ["a singular resource that can be read is updated by POST", { given: { method: "POST", path: "/v1/customers/{customer}/cash_balance", methods: ["GET", "POST"] }, want: "customers.updateCashBalance" }],
    ["a singular collection with items below it", { given: { method: "GET", path: "/v1/balance/history", hasItems: true }, want: "balance.listHistory" }],
    ["find", { given: { method: "GET", path: "/v1/apps/secrets/find" }, want: "apps.findSecret" }],
    ["a nested product namespace", { given: { method: "POST", path: "/v1/billing/meters/{id}/deactivate" }, want: "billing.deactivateMeter" }],
    ["irregular plurals", { given: { method: "POST", path: "/v1/accounts/{account}/people" }, want: "accounts.createPerson" }],
    ["delete a singular sub-resource", { given: { method: "DELETE", path: "/v1/customers/{customer}/discount" }, want: "customers.deleteDiscount" }],
    // Twilio: a date is a version, `.json` is a format, /Accounts/{AccountSid} is the scope.
    ["a date version segment is a version", { given: { method: "GET", path: "/2010-04-01/Accounts.json" }, want: "accounts.list" }],
    ["a .json collection is still a collection", { given: { method: "POST", path: "/2010-04-01/Accounts/{AccountSid}/Messages.json", scope: twilio }, want: "messages.create" }],
    ["a .json item is still an item", { given: { method: "POST", path: "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json", scope: twilio }, want: "messages.update" }],
    ["below the scope", { given: { method: "GET", path: "/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Events.json", scope: twilio }, want: "calls.listEvents" }],
    ["the scope's own item is not stripped", { given: { method: "GET", path: "/2010-04-01/Accounts/{Sid}.json", scope: twilio }, want: "accounts.retrieve" }],
    ["without the scope the account is the namespace", { given: { method: "POST", path: "/2010-04-01/Accounts/{AccountSid}/Messages.json" }, want: "accounts.createMessage" }],
    ["a -ses plural whose singular keeps its s", { given: { method: "POST", path: "/v1/domains/{d}/aliases" }, want: "domains.createAlias" }],
    ["a -ches plural whose singular ends in e", { given: { method: "DELETE", path: "/v1/pipelines/{p}/caches/{c}" }, want: "pipelines.deleteCache" }],
    ["a GET that answers a list lists, whatever its last segment", { given: { method: "GET", path: "/repositories/{workspace}", lists: true }, want: "repositories.list" }],
    ["POST to a path whose GET lists creates", { given: { method: "POST", path: "/snippets/{workspace}", methods: ["GET", "POST"], lists: true }, want: "snippets.create" }],
    ["PUT updates an item", { given: { method: "PUT", path: "/pets/{id}", methods: ["GET", "PUT"] }, want: "pets.update" }],
    ["PATCH updates, PUT beside it replaces", { given: { method: "PUT", path: "/pets/{id}", methods: ["PUT", "PATCH"] }, want: "pets.replace" }],
    ["POST to an item that is also PUT creates it", { given: { method: "POST", path: "/repositories/{w}/{r}", methods: ["GET", "POST", "PUT"] }, want: "repositories.create" }],
    ["PUT to a singular sub-resource", { given: { method: "PUT", path: "/repositories/{w}/{r}/override-settings", methods: ["GET", "PUT"] }, want: "repositories.updateOverrideSettings" }],
    ["a templated segment addresses an item", { given: { method: "GET", path: "/issues/export/{repo}-issues-{task}.zip" }, want: "issues.retrieveExport" }],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    const d = deriveResourceName(given.method, given.path, facts(given));
    expect(`${d.namespace}.${d.method}`).toBe(want);
  });

  it("segments drop versions and format extensions", () => {
    expect(resourceSegments("/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json")).toEqual([
      { text: "Accounts", param: false },
      { text: "{AccountSid}", param: true },
      { text: "Messages", param: false },
      { text: "{Sid}", param: true },
    ]);
  });
});

describe("names under a namespace from elsewhere (tags), for operations without a usable operationId", () => {
  const cases: [string, { given: Given & { namespace: string }; want: string }][] = [
    ["below the namespace's own segment", { given: { namespace: "pullrequests", method: "GET", path: "/repositories/{w}/{r}/pullrequests/{id}/comments", scope: bitbucket }, want: "listComments" }],
    ["the namespace's segment in its other number", { given: { namespace: "commits", method: "GET", path: "/repositories/{w}/{r}/commit/{commit}", scope: bitbucket }, want: "retrieve" }],
    ["an action below it", { given: { namespace: "commits", method: "POST", path: "/repositories/{w}/{r}/commit/{commit}/approve", scope: bitbucket }, want: "approve" }],
    ["a path that does not start with the namespace names every segment", { given: { namespace: "commits", method: "GET", path: "/repositories/{w}/{r}/diff/{spec}", scope: bitbucket }, want: "retrieveDiff" }],
    ["a later namespace segment keeps the words before it", { given: { namespace: "workspaces", method: "GET", path: "/user/permissions/workspaces", lists: true }, want: "listUserPermissionWorkspaces" }],
    ["a singleton beside the collection", { given: { namespace: "users", method: "GET", path: "/user" }, want: "retrieve" }],
    ["the scope's own item", { given: { namespace: "repositories", method: "GET", path: "/repositories/{w}/{r}", scope: bitbucket }, want: "retrieve" }],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    expect(resourceMethodName(given.method, given.path, given.namespace, facts(given))).toBe(want);
  });
});

describe("document scope", () => {
  it("is the static+params prefix most paths share and continue past", () => {
    const paths = ["/2010-04-01/Accounts.json", "/2010-04-01/Accounts/{Sid}.json", "/2010-04-01/Accounts/{AccountSid}/Messages.json", "/2010-04-01/Accounts/{AccountSid}/Calls.json", "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json"];
    expect(documentScope(paths)).toEqual({ text: "Accounts", params: 1 });
  });
  it("is absent when no prefix covers more than half of the paths (Stripe)", () => {
    expect(documentScope(["/v1/customers", "/v1/customers/{c}", "/v1/customers/{c}/sources", "/v1/charges/{c}/capture", "/v1/balance"])).toBeUndefined();
  });
});

describe("colliding resource names", () => {
  const cases: [string, { given: { path: string; name: string }[]; want: string[] }][] = [
    [
      "the path with fewer own parameters keeps the name; a list names its owner",
      { given: [{ path: "/repositories/{w}/{r}/pullrequests", name: "list" }, { path: "/pullrequests/{selected_user}", name: "list" }], want: ["list", "listForSelectedUser"] },
    ],
    ["an item names the parameter that addresses it", { given: [{ path: "/snippets/{w}/{id}", name: "retrieve" }, { path: "/snippets/{w}/{id}/{node_id}", name: "retrieve" }], want: ["retrieve", "retrieveByNodeId"] }],
    ["a tie names both", { given: [{ path: "/repositories/{w}/{r}/commit/{commit}", name: "retrieve" }, { path: "/repositories/{w}/{r}/commits/{revision}", name: "retrieve" }], want: ["retrieveByCommit", "retrieveByRevision"] }],
  ];
  it.each(cases)("%s", (_name, { given, want }) => expect(distinguishCollisions(given, bitbucket)).toEqual(want));
});

describe("singular", () => {
  it.each([
    ["sources", "source"],
    ["entries", "entry"],
    ["policies", "policy"],
    ["keys", "key"],
    ["statuses", "status"],
    ["status", "status"],
    ["addresses", "address"],
    ["aliases", "alias"],
    ["canvases", "canvas"],
    ["cases", "case"],
    ["licenses", "license"],
    ["responses", "response"],
    ["databases", "database"],
    ["releases", "release"],
    ["boxes", "box"],
    ["indexes", "index"],
    ["indices", "index"],
    ["matches", "match"],
    ["branches", "branch"],
    ["caches", "cache"],
    ["pushes", "push"],
    ["hashes", "hash"],
    ["analyses", "analysis"],
    ["hypotheses", "hypothesis"],
    ["archives", "archive"],
    ["leaves", "leaf"],
    ["movies", "movie"],
    ["menus", "menu"],
    ["buses", "bus"],
    ["causes", "cause"],
    ["quizzes", "quiz"],
    ["people", "person"],
    ["children", "child"],
    ["data", "data"],
    ["media", "media"],
    ["settings", "settings"],
    ["news", "news"],
    ["analysis", "analysis"],
    ["access", "access"],
    ["dns", "dns"],
    ["sms", "sms"],
    ["APIs", "API"],
    ["repos", "repo"],
    ["People", "Person"],
    ["Aliases", "Alias"],
    ["known_hosts", "known_host"],
    ["branch-restrictions", "branch-restriction"],
    ["IncomingPhoneNumbers", "IncomingPhoneNumber"],
    ["SipAliases", "SipAlias"],
  ])("singular(%s) = %s", (plural, one) => expect(singular(plural)).toBe(one));
});

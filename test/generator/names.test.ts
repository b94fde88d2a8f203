// Naming rules, table-driven: method names, namespaces, fallbacks and file names.
import { describe, expect, it } from "vitest";
import { camelCase, deriveName, fallbackOperationName, firstPathSegment, isPathEcho, isVersionSegment, kebabCase, safeMember, type NameInput } from "../../generator/model/names.js";

const base: Omit<NameInput, "operationId" | "namespaceBy"> = { method: "GET", path: "/x", tags: [] };

describe("deriveName", () => {
  const cases: [string, { given: Partial<NameInput> & Pick<NameInput, "namespaceBy">; want: { namespace: string; method: string } }][] = [
    ["GitHub slash prefix", { given: { operationId: "repos/list-for-org", namespaceBy: "operationId-prefix" }, want: { namespace: "repos", method: "listForOrg" } }],
    ["Slack underscore prefix", { given: { operationId: "chat_postMessage", namespaceBy: "operationId-prefix" }, want: { namespace: "chat", method: "postMessage" } }],
    ["Slack dotted prefix", { given: { operationId: "chat.postMessage", namespaceBy: "operationId-prefix" }, want: { namespace: "chat", method: "postMessage" } }],
    ["kebab namespace becomes camelCase", { given: { operationId: "code-scanning/list-alerts", namespaceBy: "operationId-prefix" }, want: { namespace: "codeScanning", method: "listAlerts" } }],
    ["prefix mode without separator falls back to the tag", { given: { operationId: "getPets", tags: ["pets"], namespaceBy: "operationId-prefix" }, want: { namespace: "pets", method: "getPets" } }],
    ["tag mode keeps the whole operationId", { given: { operationId: "getAllDashboards", tags: ["Dashboards"], namespaceBy: "tag" }, want: { namespace: "dashboards", method: "getAllDashboards" } }],
    ["tag mode strips a qualified prefix up to the namespace", { given: { operationId: "calendar.events.list", tags: ["events"], namespaceBy: "tag" }, want: { namespace: "events", method: "list" } }],
    ["path-segment skips versions", { given: { operationId: "GetCustomersCustomer", path: "/v1/customers/{customer}", namespaceBy: "path-segment" }, want: { namespace: "customers", method: "getCustomersCustomer" } }],
    ["missing operationId falls back to method + path", { given: { operationId: undefined, method: "DELETE", path: "/pets/{petId}", tags: ["pets"], namespaceBy: "tag" }, want: { namespace: "pets", method: "deletePetsByPetId" } }],
    ["no tag and no operationId uses the path segment", { given: { operationId: undefined, method: "GET", path: "/v2/users", namespaceBy: "tag" }, want: { namespace: "users", method: "getV2Users" } }],
    ["nothing at all is `default`", { given: { operationId: undefined, method: "GET", path: "/", namespaceBy: "tag" }, want: { namespace: "default", method: "get" } }],
    ["unsafe object keys are suffixed", { given: { operationId: "things/constructor", namespaceBy: "operationId-prefix" }, want: { namespace: "things", method: "constructor_" } }],
    ["leading digits are prefixed", { given: { operationId: "v1/2fa-enable", namespaceBy: "operationId-prefix" }, want: { namespace: "v1", method: "_2faEnable" } }],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    expect(deriveName({ ...base, operationId: undefined, ...given })).toEqual(want);
  });
});

describe("camelCase / kebabCase / fallbacks", () => {
  const camel: [string, { given: string; want: string }][] = [
    ["kebab", { given: "list-for-org", want: "listForOrg" }],
    ["Pascal", { given: "GetCustomers", want: "getCustomers" }],
    ["acronym start", { given: "URLShortener", want: "urlShortener" }],
    ["all caps word", { given: "URL", want: "url" }],
    ["already camel", { given: "postMessage", want: "postMessage" }],
    ["snake", { given: "get_v1_customers", want: "getV1Customers" }],
  ];
  it.each(camel)("camelCase %s", (_n, { given, want }) => expect(camelCase(given)).toBe(want));

  const kebab: [string, { given: string; want: string }][] = [
    ["camel", { given: "codeScanning", want: "code-scanning" }],
    ["acronym", { given: "apiInsights", want: "api-insights" }],
    ["single", { given: "repos", want: "repos" }],
  ];
  it.each(kebab)("kebabCase %s", (_n, { given, want }) => expect(kebabCase(given)).toBe(want));

  it("fallback names are stable and distinct per method", () => {
    expect(fallbackOperationName("GET", "/pets/{id}")).toBe("getPetsById");
    expect(fallbackOperationName("PUT", "/pets/{id}")).toBe("putPetsById");
  });

  it("safeMember leaves ordinary names alone", () => {
    expect(safeMember("list")).toBe("list");
    expect(safeMember("__proto__")).toBe("__proto___");
  });
});

describe("isPathEcho: an operationId that only spells out its request line", () => {
  const cases: [string, { given: [operationId: string, method: string, path: string]; want: boolean }][] = [
    ["Stripe: method + every segment", { given: ["GetCustomersCustomer", "GET", "/v1/customers/{customer}"], want: true }],
    ["Stripe: deeper", { given: ["PostAccountsAccountBankAccountsId", "POST", "/v1/accounts/{account}/bank_accounts/{id}"], want: true }],
    ["our own fallback: parameters after `by`", { given: ["getPetsByPetId", "GET", "/pets/{petId}"], want: true }],
    ["generator fallback: method last", { given: ["repositoriesWorkspaceRepoSlugGet", "GET", "/repositories/{workspace}/{repo_slug}"], want: true }],
    ["snake case with the version written", { given: ["get_v1_customers_customer", "GET", "/v1/customers/{customer}"], want: true }],
    ["a date version and a format extension", { given: ["Get20100401AccountsAccountSidMessagesJson", "GET", "/2010-04-01/Accounts/{AccountSid}/Messages.json"], want: true }],
    ["format extension left out", { given: ["getAccountsAccountSidMessages", "GET", "/2010-04-01/Accounts/{AccountSid}/Messages.json"], want: true }],
    ["parameters left out: a name someone chose (GitHub)", { given: ["repos/get", "GET", "/repos/{owner}/{repo}"], want: false }],
    ["no parameter: short already", { given: ["getUsers", "GET", "/users"], want: false }],
    ["words the path does not have", { given: ["listForOrg", "GET", "/orgs/{org}/repos"], want: false }],
    ["a verb that is not the HTTP method (Twilio)", { given: ["ListMessage", "GET", "/2010-04-01/Accounts/{AccountSid}/Messages.json"], want: false }],
    ["the other HTTP method", { given: ["PostCustomersCustomer", "GET", "/v1/customers/{customer}"], want: false }],
    ["a segment left out", { given: ["GetCustomer", "GET", "/v1/customers/{customer}"], want: false }],
    ["Slack: the path is the method name", { given: ["chat_postMessage", "POST", "/chat.postMessage"], want: false }],
  ];
  it.each(cases)("%s", (_name, { given, want }) => expect(isPathEcho(...given)).toBe(want));
});

describe("path segments", () => {
  it.each([
    ["v1", true],
    ["v2.1", true],
    ["2.0", true],
    ["2010-04-01", true],
    ["2023-10", true],
    ["api", true],
    ["customers", false],
    ["2fa", false],
  ] as const)("isVersionSegment(%s) = %s", (seg, want) => expect(isVersionSegment(seg)).toBe(want));

  it("firstPathSegment skips dates and format extensions", () => {
    expect(firstPathSegment("/2010-04-01/Accounts.json")).toBe("Accounts");
    expect(firstPathSegment("/chat.postMessage")).toBe("chat.postMessage");
  });
});

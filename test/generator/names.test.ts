// Naming rules, table-driven: method names, namespaces, fallbacks and file names.
import { describe, expect, it } from "vitest";
import { camelCase, deriveName, fallbackOperationName, kebabCase, safeMember, type NameInput } from "../../generator/model/names.js";

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

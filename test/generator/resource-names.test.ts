// Method names from HTTP method + path (catalog `methodNames: resource`, used for Stripe).
import { describe, expect, it } from "vitest";
import { deriveResourceName, singular } from "../../generator/model/resource-names.js";

type Given = { method: string; path: string; methods?: string[]; hasItems?: boolean };

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
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    const d = deriveResourceName(given.method, given.path, { methods: new Set(given.methods ?? [given.method]), hasItems: given.hasItems ?? false });
    expect(`${d.namespace}.${d.method}`).toBe(want);
  });

  it.each([
    ["sources", "source"],
    ["entries", "entry"],
    ["statuses", "status"],
    ["status", "status"],
    ["addresses", "address"],
    ["people", "person"],
    ["data", "data"],
  ])("singular(%s) = %s", (plural, one) => expect(singular(plural)).toBe(one));
});

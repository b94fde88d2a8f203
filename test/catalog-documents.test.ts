// Every catalog entry against its provider's own pinned document: the document is there with the
// sha256 the lock and the entry name, base URL and hosts match its servers, OAuth endpoints and
// default scopes match its oauth2 schemes, and pagination is declared where the document pages
// (or the entry is listed below with the reason no runtime style fits). A difference the catalog
// makes on purpose is named in the entry's `deviations` with a reason.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findProvider, loadCatalog, loadLock, verifySha256, type CatalogProvider } from "../catalog/index.js";
import { checkEntry, pagingParams } from "./support/catalog-consistency.js";
import { loadStandinDocument } from "../standins/index.js";

/** Providers whose lists page in a way none of the runtime's pagination styles follows. */
const UNPAGED: Record<string, string> = {};

describe("catalog entries against their documents", async () => {
  const catalog = await loadCatalog();
  const lock = await loadLock(catalog);

  it("has at least 30 providers, each pinned in the lock", () => {
    expect(catalog.providers.length).toBeGreaterThanOrEqual(30);
    expect(lock.map((e) => e.id).sort()).toEqual(catalog.providers.map((p) => p.id).sort());
  });

  it.each(catalog.providers.map((p) => [p.id, p] as const))("%s", async (_id, entry) => {
    const bytes = await verifySha256(catalog, entry, lock);
    expect(bytes.length).toBe(lock.find((e) => e.id === entry.id)!.bytes);
    const doc = (await loadStandinDocument(catalog, entry)) as Record<string, any>;
    expect(String(doc.openapi), "an OpenAPI 3 document").toMatch(/^3\./);
    expect(checkEntry(entry, doc)).toEqual([]);
    const paging = pagingParams(doc);
    if (!entry.pagination && paging.length) expect(UNPAGED[entry.id], `${entry.id} has paging parameters ${paging.join(", ")} but no pagination`).toBeDefined();
    if (entry.pagination) expect(UNPAGED[entry.id], `${entry.id} declares pagination and is listed as unpaged`).toBeUndefined();
    for (const d of entry.deviations ?? []) expect(d.reason.length, `${entry.id}: deviation ${d.field} ${d.document}`).toBeGreaterThan(20);
  }, 60_000);

  it("keeps Microsoft Graph to a few hundred operations with its include filter", async () => {
    const graph = findProvider(catalog, "microsoft-graph");
    expect(graph.include?.length).toBeGreaterThan(5);
    const doc = (await loadStandinDocument(catalog, graph)) as Record<string, any>;
    const all = Object.values<Record<string, any>>(doc.paths).flatMap((item) => ["get", "put", "post", "delete", "patch"].filter((m) => item[m]).map((m) => item[m]));
    const kept = all.filter((op) => graph.include!.includes(op.operationId) || (op.tags ?? []).some((t: string) => graph.include!.includes(t)));
    expect(all.length).toBeGreaterThan(10_000);
    expect(kept.length).toBeGreaterThan(200);
    expect(kept.length).toBeLessThan(1_000);
    // The checked-in client has exactly those (its names lock lists every operation it names).
    const lock = JSON.parse(await readFile(join(catalog.dir, "..", "generated", "microsoft-graph", "names.lock.json"), "utf8"));
    expect(Object.keys(lock.operations).length).toBe(kept.length);
  }, 60_000);
});

// The checker must catch each kind of drift: a broken copy of a real entry, one field at a time.
describe("checkEntry finds", async () => {
  const catalog = await loadCatalog();
  const docOf = async (id: string) => (await loadStandinDocument(catalog, findProvider(catalog, id))) as Record<string, any>;
  const cases: [what: string, id: string, edit: (e: CatalogProvider) => CatalogProvider, want: RegExp][] = [
    ["a base URL that is not the server", "box", (e) => ({ ...e, baseUrl: "https://api.box.com/3.0" }), /^baseUrl https:\/\/api\.box\.com\/3\.0 is not the document's server https:\/\/api\.box\.com\/2\.0$/],
    ["a missing upload host", "box", (e) => ({ ...e, hosts: ["api.box.com"] }), /^hosts lack upload\.box\.com/],
    ["a host deviation gone", "box", (e) => ({ ...e, deviations: [] }), /^hosts lack account\.box\.com/],
    ["a wrong token endpoint", "spotify", (e) => ({ ...e, oauth: { ...e.oauth!, tokenUrl: "https://accounts.spotify.com/token" } }), /^oauth\.tokenUrl https:\/\/accounts\.spotify\.com\/token is not the document's/],
    ["a legacy Google endpoint without its deviation", "gmail", (e) => ({ ...e, deviations: [] }), /^oauth\.authorizeUrl .* is not the document's \(https:\/\/accounts\.google\.com\/o\/oauth2\/auth\)/],
    ["a scope the document does not declare", "x", (e) => ({ ...e, oauth: { ...e.oauth!, defaultScopes: ["tweet.read", "tweets.read"] } }), /^oauth\.defaultScopes has tweets\.read/],
    ["an http server without its deviation", "sendgrid", (e) => ({ ...e, deviations: [] }), /^baseUrl https:\/\/api\.sendgrid\.com\/v3 is not the document's server http:\/\/api\.sendgrid\.com\/v3$/],
    ["a pagination parameter the document lacks", "square", (e) => ({ ...e, pagination: { style: "cursor", param: "page_cursor", next: "cursor" } }), /^pagination\.param page_cursor is no query parameter/],
    ["a next-page URL field no answer has", "microsoft-graph", (e) => ({ ...e, pagination: { style: "next-url", next: "@odata.next" } }), /^pagination\.next @odata\.next is in no GET success body/],
    ["a nested next-page URL field cut short", "digitalocean", (e) => ({ ...e, pagination: { style: "next-url", next: "links.next" } }), /^pagination\.next links\.next is in no GET success body/],
  ];
  it.each(cases)("%s (%s)", async (_what, id, edit, want) => {
    const entry = findProvider(catalog, id);
    const doc = await docOf(id);
    expect(checkEntry(entry, doc)).toEqual([]);
    const problems = checkEntry(edit(entry), doc);
    expect(problems.some((p) => want.test(p)), problems.join("\n")).toBe(true);
  });
});

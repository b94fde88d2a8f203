import { describe, expect, it } from "vitest";
import type { OperationSpec, PaginationStyle } from "../../runtime/operation.js";
import { injectCredential } from "../../protocol/injection.js";
import { getPath, iterateItems, iteratePages, nextCursor, pageItems, parseLinkNext, type PageCursor } from "../../runtime/internal/paginate.js";

const op = (items?: string, params: OperationSpec["params"] = {}): OperationSpec => ({ id: "list", method: "GET", path: "/l", params, paginate: items ? { items } : {} });
const page = (data: unknown, headers: Record<string, string> = {}, cursor?: PageCursor, params: Record<string, unknown> = {}) => ({
  url: "https://api.github.com/orgs/o/repos?per_page=2",
  data,
  headers,
  cursor,
  params,
});

describe("link-header (GitHub)", () => {
  const style: PaginationStyle = { style: "link-header" };
  it("parses rel=next among several links", () => {
    expect(parseLinkNext('<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=3>; rel="next", <https://api.github.com/x?page=9>; rel="last"')).toBe("https://api.github.com/x?page=3");
    expect(parseLinkNext("<https://a/x?page=2>; rel=next")).toBe("https://a/x?page=2");
    expect(parseLinkNext('<https://a/x?page=1>; rel="first"')).toBeUndefined();
    expect(parseLinkNext(undefined)).toBeUndefined();
  });
  it("follows a next link on the same origin", () => {
    expect(nextCursor(style, op(), page([], { link: '<https://api.github.com/orgs/o/repos?per_page=2&page=2>; rel="next"' }))).toEqual({
      url: "https://api.github.com/orgs/o/repos?per_page=2&page=2",
    });
  });
  it("stops without a next link", () => expect(nextCursor(style, op(), page([], {}))).toBeUndefined());
  it("refuses a next link on another origin", () => {
    expect(() => nextCursor(style, op(), page([], { link: '<https://evil.example/steal>; rel="next"' }))).toThrow(/points to https:\/\/evil.example/);
  });
});

describe("cursor (Slack, Notion, Google)", () => {
  const slack: PaginationStyle = { style: "cursor", param: "cursor", next: "response_metadata.next_cursor" };
  it("next cursor in query", () => {
    expect(nextCursor(slack, op("channels"), page({ channels: [1], response_metadata: { next_cursor: "dXNlcj" } }))).toEqual({ query: { cursor: "dXNlcj" } });
  });
  it("empty cursor ends", () => {
    expect(nextCursor(slack, op("channels"), page({ channels: [1], response_metadata: { next_cursor: "" } }))).toBeUndefined();
  });
  it("a repeated cursor ends (no infinite loop)", () => {
    expect(nextCursor(slack, op(), page({ response_metadata: { next_cursor: "a" } }, {}, { query: { cursor: "a" } }))).toBeUndefined();
  });
  it("without `in`, a POST with a JSON body and no such query param takes the cursor in its body", () => {
    const style: PaginationStyle = { style: "cursor", param: "start_cursor", next: "next_cursor", hasMore: "has_more" };
    const post: OperationSpec = { id: "q", method: "POST", path: "/q", body: { kind: "json", mediaType: "application/json" }, paginate: { items: "results" } };
    const get: OperationSpec = { id: "l", method: "GET", path: "/l", params: { start_cursor: "query" }, paginate: { items: "results" } };
    const data = { results: [1], has_more: true, next_cursor: "c2" };
    expect(nextCursor(style, post, page(data))).toEqual({ body: { start_cursor: "c2" } });
    expect(nextCursor(style, get, page(data))).toEqual({ query: { start_cursor: "c2" } });
  });
  const notion: PaginationStyle = { style: "cursor", param: "start_cursor", next: "next_cursor", hasMore: "has_more", in: "body" };
  it("body cursor while has_more", () => {
    expect(nextCursor(notion, op("results"), page({ results: [1], has_more: true, next_cursor: "c2" }))).toEqual({ body: { start_cursor: "c2" } });
    expect(nextCursor(notion, op("results"), page({ results: [1], has_more: false, next_cursor: "c2" }))).toBeUndefined();
  });
});

describe("item-cursor (Stripe)", () => {
  const stripe: PaginationStyle = { style: "item-cursor", param: "starting_after", hasMore: "has_more", idField: "id" };
  it("uses the last item's id while has_more", () => {
    expect(nextCursor(stripe, op("data"), page({ data: [{ id: "cus_1" }, { id: "cus_2" }], has_more: true }))).toEqual({ query: { starting_after: "cus_2" } });
  });
  it("stops when has_more is false or the page is empty", () => {
    expect(nextCursor(stripe, op("data"), page({ data: [{ id: "cus_1" }], has_more: false }))).toBeUndefined();
    expect(nextCursor(stripe, op("data"), page({ data: [], has_more: true }))).toBeUndefined();
  });
});

describe("offset (Jira)", () => {
  const jira: PaginationStyle = { style: "offset", param: "startAt", total: "total" };
  const o = op("issues", { startAt: "query" });
  it("advances by the number of items", () => {
    expect(nextCursor(jira, o, page({ issues: [1, 2], total: 5 }))).toEqual({ query: { startAt: "2" } });
    expect(nextCursor(jira, o, page({ issues: [3, 4], total: 5 }, {}, { query: { startAt: "2" } }))).toEqual({ query: { startAt: "4" } });
  });
  it("starts from the caller's startAt", () => {
    expect(nextCursor(jira, o, page({ issues: [1], total: 50 }, {}, undefined, { startAt: 10 }))).toEqual({ query: { startAt: "11" } });
  });
  it("stops at total or on an empty page", () => {
    expect(nextCursor(jira, o, page({ issues: [5], total: 5 }, {}, { query: { startAt: "4" } }))).toBeUndefined();
    expect(nextCursor(jira, o, page({ issues: [], total: 5 }))).toBeUndefined();
  });
});

describe("next-url (Graph, Bitbucket, Twilio, DigitalOcean, SendGrid)", () => {
  const at = (url: string, data: unknown, cursor?: PageCursor) => ({ url, data, headers: {}, cursor, params: {} });
  const graph: PaginationStyle = { style: "next-url", next: "@odata.nextLink" };
  const twilio: PaginationStyle = { style: "next-url", next: "next_page_uri" };
  const digitalocean: PaginationStyle = { style: "next-url", next: "links.pages.next" };
  const here = "https://api.example.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=2";
  it.each<[string, PaginationStyle, string, unknown, PageCursor | undefined]>([
    ["Graph's whole nextLink (a key with a dot)", graph, "https://graph.microsoft.com/v1.0/me/messages?$top=2", { value: [1], "@odata.nextLink": "https://graph.microsoft.com/v1.0/me/messages?$top=2&$skiptoken=X1" }, { url: "https://graph.microsoft.com/v1.0/me/messages?$top=2&$skiptoken=X1" }],
    ["Twilio's next_page_uri, relative to the host", twilio, here, { messages: [1], next_page_uri: "/2010-04-01/Accounts/AC1/Messages.json?PageSize=2&Page=1&PageToken=PA1" }, { url: "https://api.example.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=2&Page=1&PageToken=PA1" }],
    ["a path relative to the page's own", twilio, here, { messages: [1], next_page_uri: "Messages.json?Page=2" }, { url: "https://api.example.com/2010-04-01/Accounts/AC1/Messages.json?Page=2" }],
    ["DigitalOcean's nested links.pages.next", digitalocean, "https://api.digitalocean.com/v2/droplets", { droplets: [1], links: { pages: { next: "https://api.digitalocean.com/v2/droplets?page=2" } } }, { url: "https://api.digitalocean.com/v2/droplets?page=2" }],
    ["the end: no next URL", graph, "https://graph.microsoft.com/v1.0/me/messages", { value: [1] }, undefined],
    ["the end: a null next URL (Twilio)", twilio, here, { messages: [], next_page_uri: null }, undefined],
    ["the end: an empty next URL", digitalocean, "https://api.digitalocean.com/v2/droplets", { links: { pages: { next: "" } } }, undefined],
    ["the end: an object where the URL should be", digitalocean, "https://api.digitalocean.com/v2/droplets", { links: { pages: { next: { href: "https://api.digitalocean.com/x" } } } }, undefined],
    ["a next URL that is the page itself (no loop)", graph, "https://graph.microsoft.com/v1.0/me/messages?$skiptoken=A", { "@odata.nextLink": "https://graph.microsoft.com/v1.0/me/messages?$skiptoken=A" }, undefined],
  ])("%s", (_name, style, url, data, want) => {
    expect(nextCursor(style, op(), at(url, data))).toEqual(want);
  });
  it.each<[string, PaginationStyle, string, unknown]>([
    ["another host", graph, "https://graph.microsoft.com/v1.0/me/messages", { "@odata.nextLink": "https://evil.example/v1.0/me/messages?$skiptoken=X" }],
    ["plain http on the same host", graph, "https://graph.microsoft.com/v1.0/me/messages", { "@odata.nextLink": "http://graph.microsoft.com/v1.0/me/messages?$skiptoken=X" }],
    ["another port", digitalocean, "https://api.digitalocean.com/v2/droplets", { links: { pages: { next: "https://api.digitalocean.com:8443/v2/droplets?page=2" } } }],
    ["a scheme-relative URL to another host", twilio, here, { next_page_uri: "//evil.example/2010-04-01/Accounts/AC1/Messages.json" }],
    ["a subdomain of the provider", twilio, here, { next_page_uri: "https://evil.api.example.com/2010-04-01/Accounts/AC1/Messages.json" }],
  ])("refuses a next URL on %s (never followed with the credential)", (_name, style, url, data) => {
    let error: unknown;
    try {
      nextCursor(style, op(), at(url, data));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "pagination_cross_origin" });
    expect(String((error as Error).message)).toMatch(/is not followed/);
  });
  it("a next URL carrying a query credential goes out with it once, re-injected (the injection strips it)", () => {
    const next = nextCursor(twilio, op(), at(here, { next_page_uri: "/2010-04-01/Accounts/AC1/Messages.json?Page=1&api_key=SCRUBBED" }))!;
    const sent = injectCredential({ type: "query", name: "api_key" }, { token: "CANARY-next-url-1" }, { method: "GET", url: next.url!, headers: {}, body: null });
    expect(new URL(sent.url).searchParams.getAll("api_key")).toEqual(["CANARY-next-url-1"]);
    expect(new URL(sent.url).searchParams.get("Page")).toBe("1");
  });
});

describe("page (Xero, Mux)", () => {
  const xero: PaginationStyle = { style: "page", param: "page" };
  const o = op("Invoices", { page: "query" });
  const at = (data: unknown, cursor?: PageCursor, params: Record<string, unknown> = {}) => ({ url: "https://api.xero.com/api.xro/2.0/Invoices", data, headers: {}, cursor, params });
  it.each<[string, PaginationStyle, ReturnType<typeof at>, PageCursor | undefined]>([
    ["asks for page 2 after the first", xero, at({ Invoices: [1, 2] }), { query: { page: "2" } }],
    ["counts on from the cursor's page", xero, at({ Invoices: [1] }, { query: { page: "4" } }), { query: { page: "5" } }],
    ["starts from the caller's page", xero, at({ Invoices: [1] }, undefined, { page: 7 }), { query: { page: "8" } }],
    ["starts from the style's start (0-based providers)", { style: "page", param: "page", start: 0 }, at({ Invoices: [1] }), { query: { page: "1" } }],
    ["stops on an empty page", xero, at({ Invoices: [] }, { query: { page: "3" } }), undefined],
    ["stops on a body without items", xero, at({}), undefined],
    ["stops at totalPages", { style: "page", param: "page", totalPages: "meta.pages" }, at({ Invoices: [1], meta: { pages: 3 } }, { query: { page: "3" } }), undefined],
    ["goes on below totalPages", { style: "page", param: "page", totalPages: "meta.pages" }, at({ Invoices: [1], meta: { pages: "3" } }, { query: { page: "2" } }), { query: { page: "3" } }],
    ["a null totalPages is no total", { style: "page", param: "page", totalPages: "meta.pages" }, at({ Invoices: [1], meta: { pages: null } }), { query: { page: "2" } }],
  ])("%s", (_name, style, seen, want) => {
    expect(nextCursor(style, o, seen)).toEqual(want);
  });
});

describe("items and iteration", () => {
  it("reads dot paths and array bodies", () => {
    expect(getPath({ a: { b: [1] } }, "a.b")).toEqual([1]);
    expect(getPath({ a: 1 }, "a.b")).toBeUndefined();
    expect(getPath({ "@odata.nextLink": "u" }, "@odata.nextLink")).toBe("u");
    expect(getPath({ a: { "b.c": 2 } }, "a.b.c")).toBe(2);
    expect(getPath({ links: { pages: { next: "n" } } }, "links.pages.next")).toBe("n");
    expect(pageItems([1, 2], undefined)).toEqual([1, 2]);
    expect(pageItems({ data: [3] }, "data")).toEqual([3]);
    expect(pageItems({ data: "x" }, "data")).toEqual([]);
  });

  it("iterates pages and items through the step function", async () => {
    const style: PaginationStyle = { style: "cursor", param: "cursor", next: "next" };
    const o = op("items");
    const served: (PageCursor | undefined)[] = [];
    const data = [
      { items: [1, 2], next: "b" },
      { items: [3], next: "c" },
      { items: [4], next: null },
    ];
    const pages = iteratePages(style, o, {}, async (cursor) => {
      served.push(cursor);
      return { data: data[served.length - 1], url: "https://h/l", headers: {} };
    });
    const items: unknown[] = [];
    for await (const i of iterateItems(pages, "items")) items.push(i);
    expect(items).toEqual([1, 2, 3, 4]);
    expect(served).toEqual([undefined, { query: { cursor: "b" } }, { query: { cursor: "c" } }]);
  });

  it("stops early when the consumer breaks (no extra page fetched)", async () => {
    let fetched = 0;
    const pages = iteratePages({ style: "cursor", param: "c", next: "n" }, op(), {}, async () => {
      fetched++;
      return { data: { n: `p${fetched}` }, url: "https://h/l", headers: {} };
    });
    for await (const _p of pages) {
      if (fetched === 2) break;
    }
    expect(fetched).toBe(2);
  });
});

import { describe, expect, it } from "vitest";
import type { OperationSpec, PaginationStyle } from "../../runtime/operation.js";
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

describe("items and iteration", () => {
  it("reads dot paths and array bodies", () => {
    expect(getPath({ a: { b: [1] } }, "a.b")).toEqual([1]);
    expect(getPath({ a: 1 }, "a.b")).toBeUndefined();
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

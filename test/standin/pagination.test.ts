// Paginated series in each catalog provider's own style, walked the way a client would: follow
// the Link header, the cursor field, starting_after/has_more, startAt/total, the next URL in the
// body, or the page number until an empty page.
import { afterEach, describe, expect, it } from "vitest";
import { request } from "undici";
import { startProviderStandin, type Standin } from "../../standins/index.js";
import { getPath } from "../../runtime/internal/paginate.js";

const TOKEN = "pagination-canary-token";

function get(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), value);
}

interface Walk {
  /** Path (after the base URL) of the first page. */
  first: string;
  method?: "GET" | "POST";
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  items: string | undefined;
}

const cases: [string, string, Walk][] = [
  ["github", "repos/list-for-org", { first: "/orgs/nodejs/repos?per_page=2", items: undefined }],
  ["slack", "conversations_list", { first: "/conversations.list?limit=2", items: "channels" }],
  ["stripe", "GetCustomers", { first: "/v1/customers?limit=2", items: "data" }],
  ["google-calendar", "calendar.calendarList.list", { first: "/users/me/calendarList?maxResults=2", items: "items" }],
  ["notion", "queryADatabase", { first: "/v1/databases/db1/query", method: "POST", body: { page_size: 2 }, items: "results" }],
  ["jira", "searchForIssuesUsingJql", { first: "/rest/api/3/search?jql=project%3DX&maxResults=2", items: "issues" }],
  ["asana", "getProjects", { first: "/projects?limit=2&workspace=1", items: "data" }],
  ["zoom", "users", { first: "/users?page_size=2", items: "users" }],
  ["microsoft-graph", "me.ListMessages", { first: "/me/messages?$top=2", items: "value" }],
  ["digitalocean", "droplets_list", { first: "/v2/droplets?per_page=2", items: "droplets" }],
  ["sendgrid", "GET_mc-lists", { first: "/marketing/lists?page_size=2", items: "result" }],
  ["xero", "getInvoices", { first: "/Invoices", headers: { "xero-tenant-id": "e2e0e8a6-0c6f-4a7a-9d6f-5c1a1f0b9c11" }, items: "Invoices" }],
];

describe("paginated series", () => {
  let standin: Standin | undefined;
  afterEach(async () => {
    await standin?.close();
    standin = undefined;
  });

  it.each(cases)("%s (%s): three pages in the catalog's style", async (id, operationId, walk) => {
    standin = await startProviderStandin(id, { credential: TOKEN });
    const s = standin;
    s.paginate(operationId, { pages: 3, perPage: 2 });
    const style = s.provider.pagination!;
    const op = s.operation(operationId);
    const schema = s.validator.responseFor(op).schema!;
    const check = s.validator.responseValidator(`pagination:${op.pointer}`, schema);

    const seen: unknown[] = [];
    let url = new URL(s.url + walk.first);
    let body = walk.body;
    for (let page = 1; page <= 5; page++) {
      const res = await request(url, {
        method: walk.method ?? "GET",
        // A client sends the catalog's default headers (Notion-Version) on every request.
        headers: { authorization: `Bearer ${TOKEN}`, ...s.provider.defaultHeaders, ...walk.headers, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const data = (await res.body.json()) as Record<string, unknown>;
      expect(res.statusCode, JSON.stringify(data)).toBe(200);
      expect(check(data), JSON.stringify(check.errors)).toBe(true);
      const items = (walk.items ? get(data, walk.items) : data) as { id: unknown }[];
      // The page style has no total: the page after the last comes back empty.
      if (style.style === "page" && page === 4) {
        expect(items).toHaveLength(0);
        break;
      }
      expect(items).toHaveLength(2);
      seen.push(...items.map((i) => i.id));

      let next: URL | undefined;
      switch (style.style) {
        case "link-header": {
          const link = res.headers.link as string | undefined;
          const m = link && /<([^>]+)>;\s*rel="next"/.exec(link);
          if (m) next = new URL(m[1]!);
          break;
        }
        case "cursor": {
          const cursor = get(data, style.next);
          if (typeof cursor === "string" && cursor !== "") {
            if (walk.method === "POST") {
              body = { ...body, [style.param]: cursor };
              next = url;
            } else {
              next = new URL(url);
              next.searchParams.set(style.param, cursor);
            }
          }
          if (style.hasMore) expect(get(data, style.hasMore)).toBe(next !== undefined);
          break;
        }
        case "item-cursor":
          if (get(data, style.hasMore) === true) {
            next = new URL(url);
            next.searchParams.set(style.param, String(items[items.length - 1]!.id));
          }
          break;
        case "offset": {
          const start = Number(url.searchParams.get(style.param) ?? "0") + items.length;
          if (start < Number(get(data, style.total))) {
            next = new URL(url);
            next.searchParams.set(style.param, String(start));
          }
          break;
        }
        case "next-url": {
          // Graph's key holds a dot: read as the runtime reads it.
          const link = getPath(data, style.next);
          if (typeof link === "string") next = new URL(link, url);
          break;
        }
        case "page":
          next = new URL(url);
          next.searchParams.set(style.param, String(Number(url.searchParams.get(style.param) ?? style.start ?? 1) + 1));
          break;
      }
      if (!next) break;
      url = next;
    }
    expect(s.requests.filter((r) => r.operationId === operationId).map((r) => r.status)).toEqual(style.style === "page" ? [200, 200, 200, 200] : [200, 200, 200]);
    expect(new Set(seen).size).toBe(6);
  });

  it.each([
    ["slack", "conversations_list", "/conversations.list?cursor=bogus", /unknown cursor/],
    ["stripe", "GetCustomers", "/v1/customers?starting_after=cus_nope", /no item of this series/],
    ["jira", "searchForIssuesUsingJql", "/rest/api/3/search?startAt=1", /not a page boundary/],
    ["github", "repos/list-for-org", "/orgs/nodejs/repos?page=4", /outside the series of 3/],
  ])("%s: a cursor that the series never handed out is a 400", async (id, operationId, path, message) => {
    standin = await startProviderStandin(id, { credential: TOKEN });
    standin.paginate(operationId, { pages: 3 });
    const res = await request(standin.url + path, { headers: { authorization: `Bearer ${TOKEN}` } });
    const data = (await res.body.json()) as { message: string };
    expect(res.statusCode).toBe(400);
    expect(data.message).toMatch(message);
  });
});

// The stand-in validates requests against the real pinned documents of github, slack and stripe:
// non-conforming ones get 400 naming the pointer, misplaced or wrong credentials get 401, and
// conforming ones get a response that validates against the operation's response schema.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { startProviderStandin, type Standin } from "../../standins/index.js";

const TOKEN = "standin-canary-token-7f3a";

interface Call {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

async function call(standin: Standin, c: Call): Promise<{ status: number; body: any; headers: Record<string, unknown>; text: string }> {
  const res = await request(standin.url + c.path, { method: c.method ?? "GET", headers: c.headers, body: c.body });
  const text = await res.body.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.statusCode, body, headers: res.headers, text };
}

const bearer = { authorization: `Bearer ${TOKEN}` };
const json = { ...bearer, "content-type": "application/json" };
const form = { ...bearer, "content-type": "application/x-www-form-urlencoded" };

type Case = [string, { given: Call; want: { status: number; pointer?: string; operationId?: string } }];

const cases: Record<string, Case[]> = {
  github: [
    ["conforming list", { given: { path: "/orgs/nodejs/repos?per_page=2&type=public", headers: bearer }, want: { status: 200, operationId: "repos/list-for-org" } }],
    ["conforming create", { given: { method: "POST", path: "/repos/o/r/issues", headers: json, body: JSON.stringify({ title: "t", labels: ["bug"] }) }, want: { status: 201, operationId: "issues/create" } }],
    ["query of the wrong type", { given: { path: "/orgs/nodejs/repos?per_page=many", headers: bearer }, want: { status: 400, pointer: "/query/per_page" } }],
    ["query outside its enum", { given: { path: "/orgs/nodejs/repos?type=secret", headers: bearer }, want: { status: 400, pointer: "/query/type" } }],
    ["an undeclared query parameter", { given: { path: "/orgs/nodejs/repos?perpage=2", headers: bearer }, want: { status: 400, pointer: "/query/perpage" } }],
    ["a missing required body field", { given: { method: "POST", path: "/repos/o/r/issues", headers: json, body: JSON.stringify({ body: "no title" }) }, want: { status: 400, pointer: "/body/title" } }],
    ["a body field of the wrong type", { given: { method: "POST", path: "/repos/o/r/issues", headers: json, body: JSON.stringify({ title: "t", labels: "bug" }) }, want: { status: 400, pointer: "/body/labels" } }],
    ["a body that is not JSON", { given: { method: "POST", path: "/repos/o/r/issues", headers: json, body: "{title:" }, want: { status: 400, pointer: "/body" } }],
    ["a missing required body", { given: { method: "POST", path: "/repos/o/r/issues", headers: json }, want: { status: 400, pointer: "/body" } }],
    ["an undeclared media type", { given: { method: "POST", path: "/repos/o/r/issues", headers: { ...bearer, "content-type": "text/plain" }, body: "title" }, want: { status: 400, pointer: "/header/content-type" } }],
    ["no credential", { given: { path: "/orgs/nodejs/repos" }, want: { status: 401 } }],
    ["the credential in the query instead of the header", { given: { path: `/user/repos?access_token=${TOKEN}` }, want: { status: 400, pointer: "/query/access_token" } }],
    ["a wrong scheme", { given: { path: "/orgs/nodejs/repos", headers: { authorization: `token ${TOKEN}` } }, want: { status: 401 } }],
    ["a wrong token", { given: { path: "/orgs/nodejs/repos", headers: { authorization: "Bearer other" } }, want: { status: 401 } }],
    ["the credential also copied into another header", { given: { path: "/orgs/nodejs/repos", headers: { ...bearer, "x-debug": TOKEN } }, want: { status: 401 } }],
    ["an unknown path", { given: { path: "/nope/nothing", headers: bearer }, want: { status: 404 } }],
    ["a wrong method", { given: { method: "PATCH", path: "/orgs/nodejs/repos", headers: bearer }, want: { status: 405 } }],
  ],
  slack: [
    ["conforming form post", { given: { method: "POST", path: "/chat.postMessage", headers: form, body: "channel=C1&text=hi&link_names=true" }, want: { status: 200, operationId: "chat_postMessage" } }],
    ["conforming list", { given: { path: "/conversations.list?limit=10&exclude_archived=true", headers: bearer }, want: { status: 200, operationId: "conversations_list" } }],
    ["a missing required form field", { given: { method: "POST", path: "/chat.postMessage", headers: form, body: "text=hi" }, want: { status: 400, pointer: "/body/channel" } }],
    ["a form field of the wrong type", { given: { method: "POST", path: "/chat.postMessage", headers: form, body: "channel=C1&link_names=maybe" }, want: { status: 400, pointer: "/body/link_names" } }],
    ["JSON where the document says form", { given: { method: "POST", path: "/chat.postMessage", headers: json, body: '{"channel":"C1"}' }, want: { status: 400, pointer: "/header/content-type" } }],
    ["query of the wrong type", { given: { path: "/conversations.list?limit=ten", headers: bearer }, want: { status: 400, pointer: "/query/limit" } }],
    ["a missing required query parameter", { given: { path: "/admin.teams.admins.list?limit=5", headers: bearer }, want: { status: 400, pointer: "/query/team_id" } }],
    ["the token as the documented query param, not the catalog's bearer header", { given: { path: `/conversations.list?token=${TOKEN}` }, want: { status: 401 } }],
    ["the token as the documented header param", { given: { path: "/conversations.list", headers: { token: TOKEN } }, want: { status: 401 } }],
    ["the token also in the query next to the bearer header", { given: { path: `/conversations.list?token=${TOKEN}`, headers: bearer }, want: { status: 401 } }],
    ["the token in the form body", { given: { method: "POST", path: "/chat.postMessage", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `channel=C1&token=${TOKEN}` }, want: { status: 401 } }],
  ],
  stripe: [
    ["conforming list with deepObject query", { given: { path: "/v1/customers?limit=3&created[gt]=1700000000&expand[]=data.default_source", headers: bearer }, want: { status: 200, operationId: "GetCustomers" } }],
    ["conforming form post with nested fields", { given: { method: "POST", path: "/v1/customers", headers: form, body: "email=a%40example.com&balance=-100&metadata[order]=42&preferred_locales[0]=en" }, want: { status: 200, operationId: "PostCustomers" } }],
    ["query of the wrong type", { given: { path: "/v1/customers?limit=lots", headers: bearer }, want: { status: 400, pointer: "/query/limit" } }],
    ["a deepObject member of the wrong type", { given: { path: "/v1/customers?created[gt]=yesterday", headers: bearer }, want: { status: 400, pointer: "/query/created" } }],
    ["a form field of the wrong type", { given: { method: "POST", path: "/v1/customers", headers: form, body: "balance=lots" }, want: { status: 400, pointer: "/body/balance" } }],
    ["an unknown form field (additionalProperties: false)", { given: { method: "POST", path: "/v1/customers", headers: form, body: "emial=a%40example.com" }, want: { status: 400, pointer: "/body/emial" } }],
    ["a missing path segment value", { given: { method: "POST", path: "/v1/refunds", headers: form, body: "amount=x" }, want: { status: 400, pointer: "/body/amount" } }],
    ["basic auth where the catalog says bearer", { given: { path: "/v1/customers", headers: { authorization: `Basic ${Buffer.from(`${TOKEN}:`).toString("base64")}` } }, want: { status: 401 } }],
    ["no credential", { given: { path: "/v1/customers" }, want: { status: 401 } }],
  ],
};

describe.each(Object.keys(cases))("%s stand-in", (id) => {
  let standin: Standin;
  beforeAll(async () => {
    standin = await startProviderStandin(id, { credential: TOKEN });
  });
  afterAll(() => standin.close());

  it.each(cases[id]!)("%s", async (_name, { given, want }) => {
    const before = standin.requests.length;
    const res = await call(standin, given);
    expect(res.status, res.text).toBe(want.status);
    const recorded = standin.requests[before]!;
    expect(recorded.status).toBe(want.status);
    if (want.operationId) expect(recorded.operationId).toBe(want.operationId);
    if (want.status === 400) {
      expect(res.body.error).toBe("invalid_request");
      expect(res.body.problems.map((p: { pointer: string }) => p.pointer)).toContain(want.pointer);
    }
    if (want.status === 401) {
      expect(res.body.message).toMatch(/credential|token/);
      // The answer never echoes what was presented.
      expect(res.text).not.toContain(TOKEN);
    }
    if (want.status >= 200 && want.status < 300) {
      // What the stand-in serves must validate against the operation's own response schema.
      const op = standin.operation(recorded.operationId!);
      const answer = standin.validator.responseFor(op);
      expect(answer.schema).toBeDefined();
      const check = standin.validator.responseValidator(`test:${op.pointer}`, answer.schema!);
      expect(check(res.body), JSON.stringify(check.errors)).toBe(true);
      expect(res.headers["content-type"]).toMatch(/json/);
    }
  });
});

describe("credential placement from the catalog entry", () => {
  it.each([
    ["header with prefix", { type: "header", name: "X-Api-Key", prefix: "Key " }, { "x-api-key": `Key ${TOKEN}` }, ""],
    ["query parameter", { type: "query", name: "api_key" }, {}, `?api_key=${TOKEN}`],
    ["basic", { type: "basic" }, { authorization: `Basic ${Buffer.from(`me:${TOKEN}`).toString("base64")}` }, ""],
  ] as const)("%s: accepted where it belongs, refused elsewhere", async (_name, injection, headers, query) => {
    const { loadCatalog, findProvider } = await import("../../catalog/index.js");
    const { loadStandinDocument, startStandin } = await import("../../standins/index.js");
    const catalog = await loadCatalog();
    const github = findProvider(catalog, "github");
    const standin = await startStandin({
      provider: { ...github, injection },
      document: await loadStandinDocument(catalog, github),
      credential: injection.type === "basic" ? { username: "me", password: TOKEN } : TOKEN,
    });
    try {
      const ok = await call(standin, { path: `/orgs/nodejs/repos${query}`, headers });
      expect(ok.status, ok.text).toBe(200);
      const misplaced = await call(standin, { path: "/orgs/nodejs/repos", headers: bearer });
      expect(misplaced.status).toBe(401);
      expect(misplaced.body.message).toMatch(injection.type === "basic" ? /Basic/ : new RegExp(injection.type === "header" ? "X-Api-Key" : "api_key"));
    } finally {
      await standin.close();
    }
  });
});

// Scripted answers: 429 with Retry-After, an expired token, 5xx, per-operation scripts, and the
// headers every answer carries (request id, rate-limit quota) from the catalog entry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { expiredToken, serverError, startProviderStandin, tooManyRequests, type Standin } from "../../standins/index.js";

const TOKEN = "scripted-canary-token";
const auth = (token = TOKEN) => ({ authorization: `Bearer ${token}` });

async function get(standin: Standin, path: string, headers = auth()) {
  const res = await request(standin.url + path, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
}

describe("github stand-in scripts", () => {
  let s: Standin;
  beforeAll(async () => {
    s = await startProviderStandin("github", { credential: TOKEN });
  });
  afterAll(() => s.close());

  it("answers 429 with Retry-After once, then the normal answer", async () => {
    s.queue(tooManyRequests(7));
    const first = await get(s, "/user");
    expect(first.status).toBe(429);
    expect(first.headers["retry-after"]).toBe("7");
    const second = await get(s, "/user");
    expect(second.status).toBe(200);
    expect(second.body).toHaveProperty("login");
  });

  it("serves a declared error body for a scripted status (GitHub's basic-error for 404)", async () => {
    s.script("repos/get", { status: 404 });
    const res = await get(s, "/repos/o/r");
    expect(res.status).toBe(404);
    const op = s.operation("repos/get");
    const declared = s.validator.responseFor(op, 404);
    expect(declared.schema).toBeDefined();
    expect(s.validator.responseValidator("scripted:404", declared.schema!)(res.body)).toBe(true);
  });

  it("a per-operation script waits for its operation", async () => {
    s.script("repos/get", serverError(503));
    expect((await get(s, "/user")).status).toBe(200);
    expect((await get(s, "/repos/o/r")).status).toBe(503);
    expect((await get(s, "/repos/o/r")).status).toBe(200);
  });

  it("scripted answers are only given to valid, authorised requests", async () => {
    s.queue(serverError(500));
    expect((await get(s, "/orgs/x/repos?per_page=lots")).status).toBe(400);
    expect((await get(s, "/user", auth("wrong"))).status).toBe(401);
    expect((await get(s, "/user")).status).toBe(500);
  });

  it("an expired credential gets 401 invalid_token until a new one is expected", async () => {
    s.expireCredential(TOKEN);
    const res = await get(s, "/user");
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("invalid_token");
    expect(res.headers["www-authenticate"]).toMatch(/invalid_token/);
    expect(res.text).not.toContain(TOKEN);
    s.expectCredential("refreshed-token");
    expect((await get(s, "/user", auth("refreshed-token"))).status).toBe(200);
    expect((await get(s, "/user")).status).toBe(401);
    s.expectCredential(TOKEN);
  });

  it("expiredToken() scripts the same answer for whatever token comes", async () => {
    s.expectCredential("fresh");
    s.queue(expiredToken());
    const res = await get(s, "/user", auth("fresh"));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("invalid_token");
    expect((await get(s, "/user", auth("fresh"))).status).toBe(200);
  });

  it("every answer carries the catalog's request-id and rate-limit headers", async () => {
    s.expectCredential(TOKEN);
    const a = await get(s, "/user");
    const b = await get(s, "/user");
    expect(a.headers["x-github-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers["x-github-request-id"]).not.toBe(b.headers["x-github-request-id"]);
    expect(a.headers["x-ratelimit-limit"]).toBe("5000");
    expect(Number(a.headers["x-ratelimit-reset"])).toBeGreaterThan(Date.now() / 1000);
  });

  it("records each request with its operation and outcome", async () => {
    const before = s.requests.length;
    await get(s, "/repos/o/r?x=1");
    const r = s.requests[before]!;
    expect(r).toMatchObject({ method: "GET", path: "/repos/o/r", operationId: "repos/get", status: 400 });
    expect(r.problems.map((p) => p.pointer)).toEqual(["/query/x"]);
  });
});

describe("base paths and templated base URLs", () => {
  it.each([
    ["slack", "/api", "/api.test"],
    ["jira", "/ex/jira/standin", "/rest/api/3/myself"],
    ["zoom", "/v2", "/users/me"],
  ])("%s serves under %s", async (id, base, path) => {
    const s = await startProviderStandin(id, { credential: TOKEN });
    try {
      expect(new URL(s.url).pathname).toBe(base);
      expect(s.provider.baseUrl).toBe(s.url);
      expect(s.provider.hosts).toEqual([new URL(s.url).host]);
      const res = await get(s, path);
      expect(res.status, res.text).toBe(200);
      const outside = await request(s.origin + path, { headers: auth() });
      await outside.body.text();
      expect(outside.statusCode).toBe(404);
    } finally {
      await s.close();
    }
  });
});

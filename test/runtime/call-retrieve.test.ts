// Retrieve-mode calls against the real local vault and a GitHub stand-in that validates each
// request against GitHub's pinned OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Socket } from "node:net";
import { AlterVault, bindOperations, ProviderAPIError, RateLimitError, GrantNotFoundError, AlterValueError, NetworkError, ScopeReauthRequiredError, TimeoutError } from "../../runtime/index.js";
import { setProviderConfig } from "../../vault/index.js";
import type { OperationTable } from "../../runtime/index.js";
import { expiredToken, serverError, tooManyRequests } from "../../standins/index.js";
import { startPeers, type Peers } from "./support/peers.js";

const ops = {
  get: { id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}", params: { owner: "path", repo: "path" } },
  listForOrg: {
    id: "repos/list-for-org",
    method: "GET",
    path: "/orgs/{org}/repos",
    params: { org: "path", type: "query", sort: "query", direction: "query", perPage: { in: "query", name: "per_page" }, page: "query" },
    paginate: {},
  },
  createIssue: {
    id: "issues/create",
    method: "POST",
    path: "/repos/{owner}/{repo}/issues",
    params: { owner: "path", repo: "path" },
    body: { kind: "json", mediaType: "application/json", required: true },
  },
} as const satisfies OperationTable;

type Client = Record<keyof typeof ops, any>;

let peers: Peers;
let vault: AlterVault;
let github: Client;
let grantId: string;
const TOKEN = "ghp_runtimeTestToken0001";

beforeAll(async () => {
  peers = await startPeers("github");
  grantId = await peers.grant(TOKEN);
  vault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, caller: "runtime-tests", retry: { baseDelayMs: 1, maxDelayMs: 5 } });
  github = bindOperations<Client>(vault, peers.provider, ops);
});

afterAll(async () => {
  await vault?.close();
  await peers?.close();
});

describe("retrieve mode", () => {
  it("gets typed data with the credential injected where the catalog says", async () => {
    const before = peers.standin.requests.length;
    const repo = await github.get(grantId, { owner: "nodejs", repo: "node" });
    expect(typeof repo.id).toBe("number");
    const req = peers.standin.requests[before]!;
    expect(req.operationId).toBe("repos/get");
    expect(req.problems).toEqual([]);
    expect(req.status).toBe(200);
    expect(req.path).toBe("/repos/nodejs/node");
  });

  it("withResponse gives status, headers and the request id from the catalog's header", async () => {
    const r = await github.get.withResponse(grantId, { owner: "o", repo: "r" });
    expect(r.status).toBe(200);
    expect(r.requestId).toBe(r.headers["x-github-request-id"]);
    expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.data).toBeTypeOf("object");
  });

  it("serialises query params and JSON bodies the stand-in accepts", async () => {
    const before = peers.standin.requests.length;
    await github.listForOrg(grantId, { org: "nodejs", type: "public", perPage: 5 });
    const created = await github.createIssue(grantId, { owner: "o", repo: "r", body: { title: "Found a bug", labels: ["bug"] } }, { idempotencyKey: "k-1" });
    expect(created).toBeTypeOf("object");
    const [list, create] = peers.standin.requests.slice(before);
    expect(list!.query).toEqual({ type: "public", per_page: "5" });
    expect(list!.problems).toEqual([]);
    expect(create!.body).toEqual({ title: "Found a bug", labels: ["bug"] });
    expect(create!.headers["idempotency-key"]).toBe("k-1");
    expect(create!.problems).toEqual([]);
    expect(create!.status).toBe(201);
  });

  it("header precedence: provider defaults < header params < client defaults < the call's headers", async () => {
    const provider = { ...peers.provider, defaultHeaders: { "x-a": "provider", "x-b": "provider", "x-c": "provider", "x-d": "provider" } };
    const table = {
      get: { ...ops.get, params: { owner: "path", repo: "path", xb: { in: "header", name: "X-B" }, xc: { in: "header", name: "X-C" } } },
    } as const satisfies OperationTable;
    const client = bindOperations<Record<"get", any>>(vault, provider, table, { headers: { "X-C": "client", "x-d": "client" } });
    const before = peers.standin.requests.length;
    await client.get(grantId, { owner: "o", repo: "r", xb: "param", xc: "param" }, { headers: { "x-d": "call" } });
    // A call that adds no headers of its own uses the method's shared set; the first call's
    // headers must not have leaked into it.
    await client.get(grantId, { owner: "o", repo: "r" });
    await client.get(grantId, { owner: "o", repo: "r" });
    const sent = peers.standin.requests.slice(before).map((r) => ({ a: r.headers["x-a"], b: r.headers["x-b"], c: r.headers["x-c"], d: r.headers["x-d"] }));
    expect(sent).toEqual([
      { a: "provider", b: "param", c: "client", d: "call" },
      { a: "provider", b: "provider", c: "client", d: "client" },
      { a: "provider", b: "provider", c: "client", d: "client" },
    ]);
    await expect(client.get(grantId, { owner: "o", repo: "r" }, { headers: { "x-e": "a\r\nb" } })).rejects.toThrow(/header "x-e" holds a carriage return \(CR\), which a header cannot carry/);
  });

  it("a provider error is a ProviderAPIError with status, body and request id; isError narrows it", async () => {
    peers.standin.script("repos/get", serverError(404, { message: "Not Found", documentation_url: "https://docs.github.com" }));
    const err = await github.get(grantId, { owner: "o", repo: "missing" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderAPIError);
    expect(github.get.isError(err)).toBe(true);
    expect(github.createIssue.isError(err)).toBe(false);
    const e = err as ProviderAPIError<{ message: string }>;
    expect(e.status).toBe(404);
    expect(e.body.message).toBe("Not Found");
    expect(e.requestId).toBe(e.headers["x-github-request-id"]);
    expect(e.operationId).toBe("repos/get");
  });

  it("retries 429 honouring Retry-After, then succeeds", async () => {
    const before = peers.standin.requests.length;
    peers.standin.script("repos/get", tooManyRequests(0), serverError(503));
    const repo = await github.get(grantId, { owner: "o", repo: "r" });
    expect(typeof repo.id).toBe("number");
    expect(peers.standin.requests.slice(before).map((r) => r.status)).toEqual([429, 503, 200]);
  });

  it("gives up after maxRetries with a RateLimitError carrying the reset time", async () => {
    peers.standin.script("repos/get", tooManyRequests(0), tooManyRequests(0), tooManyRequests(0));
    const t0 = Date.now();
    const err = await github.get(grantId, { owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).status).toBe(429);
    expect((err as RateLimitError).resetAt!.getTime()).toBeGreaterThanOrEqual(t0 - 1000);
  });

  it("does not retry a POST without an idempotency key", async () => {
    const before = peers.standin.requests.length;
    peers.standin.script("issues/create", serverError(503));
    await expect(github.createIssue(grantId, { owner: "o", repo: "r", body: { title: "x" } })).rejects.toBeInstanceOf(ProviderAPIError);
    expect(peers.standin.requests.length - before).toBe(1);
  });

  it("retries a POST with an idempotency key, replaying the same body", async () => {
    const before = peers.standin.requests.length;
    peers.standin.script("issues/create", serverError(502));
    await github.createIssue(grantId, { owner: "o", repo: "r", body: { title: "again" } }, { idempotencyKey: "k-2" });
    const sent = peers.standin.requests.slice(before);
    expect(sent.map((r) => r.status)).toEqual([502, 201]);
    expect(sent[0]!.rawBody).toBe(sent[1]!.rawBody);
  });

  it("a 401 from the provider: one fresh retrieve, then success", async () => {
    const before = peers.standin.requests.length;
    peers.standin.script("repos/get", expiredToken());
    const repo = await github.get(grantId, { owner: "o", repo: "r" });
    expect(typeof repo.id).toBe("number");
    expect(peers.standin.requests.slice(before).map((r) => r.status)).toEqual([401, 200]);
  });

  it("an unknown grant is GrantNotFoundError from the vault; nothing reaches the provider", async () => {
    const before = peers.standin.requests.length;
    await expect(github.get("00000000-0000-4000-8000-000000000000", { owner: "o", repo: "r" })).rejects.toBeInstanceOf(GrantNotFoundError);
    expect(peers.standin.requests.length).toBe(before);
  });

  it("refuses to send the credential to a host outside the grant's hosts, before any byte leaves", async () => {
    const before = peers.standin.requests.length;
    const other = bindOperations<Client>(vault, peers.provider, ops, { baseUrl: "http://localhost:1" });
    const err = await other.get(grantId, { owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlterValueError);
    expect((err as Error).message).toMatch(/localhost:1/);
    expect(peers.standin.requests.length).toBe(before);
  });

  it("refuses plain http to a non-loopback host before contacting anything", async () => {
    const other = bindOperations<Client>(vault, peers.provider, ops, { baseUrl: "http://api.github.com" });
    await expect(other.get(grantId, { owner: "o", repo: "r" })).rejects.toThrow(/only https, or http to this machine/);
  });

  it("paginates with the Link header across pages", async () => {
    peers.standin.paginate("repos/list-for-org", { pages: 3, perPage: 2 });
    const names: unknown[] = [];
    for await (const repo of github.listForOrg.paginate(grantId, { org: "nodejs", perPage: 2 })) names.push(repo.id);
    expect(names).toHaveLength(6);
    expect(new Set(names).size).toBe(6);
  });

  it("withContext puts run/thread ids on the audit context, per-call options override", async () => {
    await vault.withContext({ runId: "run-7", threadId: "th-1", reason: "outer" }, () => github.get(grantId, { owner: "o", repo: "r" }, { reason: "inner", toolCallId: "tc-1" }));
    const { readAudit } = await import("../../vault/index.js");
    const rows = (await readAudit({ dataDir: peers.dataDir })) as unknown as Record<string, unknown>[];
    const row = JSON.stringify(rows.filter((r) => JSON.stringify(r).includes("run-7")).at(-1));
    expect(row).toContain("th-1");
    expect(row).toContain("inner");
    expect(row).toContain("tc-1");
    expect(row).toContain("runtime-tests");
    expect(row).not.toContain("outer");
  });

  it("the AbortSignal ends a call while it waits out a Retry-After", async () => {
    const before = peers.standin.requests.length;
    peers.standin.script("repos/get", tooManyRequests(30));
    const ac = new AbortController();
    const pending = github.get(grantId, { owner: "o", repo: "r" }, { signal: ac.signal }).catch((e: unknown) => e);
    // Abort once the 429 has been answered (the call is then sleeping before its retry).
    while (peers.standin.requests.length === before) await new Promise((r) => setTimeout(r, 5));
    ac.abort(new Error("caller gave up"));
    const err = await pending;
    expect((err as Error).message).toBe("caller gave up");
    expect(peers.standin.requests.length - before).toBe(1);
  });

  it("403 with scope hints is ScopeReauthRequiredError naming the scopes (GitHub headers, RFC 6750)", async () => {
    peers.standin.script("repos/get", {
      status: 403,
      headers: { "x-accepted-oauth-scopes": "repo", "x-oauth-scopes": "read:user" },
      body: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com" },
    });
    const err = await github.get(grantId, { owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScopeReauthRequiredError);
    expect((err as ScopeReauthRequiredError).requiredScopes).toEqual(["repo"]);
    expect((err as ScopeReauthRequiredError).status).toBe(403);

    peers.standin.script("repos/get", {
      status: 403,
      headers: { "www-authenticate": 'Bearer error="insufficient_scope", scope="repo admin:org"' },
      body: { message: "Forbidden", documentation_url: "https://docs.github.com" },
    });
    const err2 = await github.get(grantId, { owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect((err2 as ScopeReauthRequiredError).requiredScopes).toEqual(["repo", "admin:org"]);

    peers.standin.script("repos/get", { status: 403, body: { message: "Forbidden", documentation_url: "https://docs.github.com" } });
    const plain = await github.get(grantId, { owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(ProviderAPIError);
    expect(plain).not.toBeInstanceOf(ScopeReauthRequiredError);
  });

  it("a provider that accepts the connection but never answers: TimeoutError after timeoutMs", async () => {
    // Not a provider double: a socket that swallows the request, i.e. a network condition.
    const sockets: Socket[] = [];
    const blackhole = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => blackhole.listen(0, "127.0.0.1", r));
    const host = `127.0.0.1:${(blackhole.address() as { port: number }).port}`;
    await setProviderConfig({ dataDir: peers.dataDir, provider: "github", hosts: [new URL(peers.standin.url).host, host] });
    try {
      await using slow = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, retry: false, timeoutMs: 300 });
      const client = bindOperations<Client>(slow, peers.provider, ops, { baseUrl: `http://${host}` });
      const err = await client.get(grantId, { owner: "o", repo: "r" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).message).toBe("repos/get: the provider did not answer within 300 ms");
      expect(sockets.length).toBe(1);
      // A call's own timeoutMs overrides the vault's (30 s by default) on the provider leg.
      await using patient = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, retry: false });
      const started = Date.now();
      const perCall = await bindOperations<Client>(patient, peers.provider, ops, { baseUrl: `http://${host}` })
        .get(grantId, { owner: "o", repo: "r" }, { timeoutMs: 250 })
        .catch((e: unknown) => e);
      expect(perCall).toBeInstanceOf(TimeoutError);
      expect((perCall as TimeoutError).message).toBe("repos/get: the provider did not answer within 250 ms");
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      for (const s of sockets) s.destroy();
      blackhole.close();
      await setProviderConfig({ dataDir: peers.dataDir, provider: "github", hosts: [new URL(peers.standin.url).host] });
    }
  });

  // Last: closes the stand-in.
  it("network errors on a GET are retried, then surface as NetworkError naming the operation", async () => {
    await peers.standin.close();
    const err = await github.get(grantId, { owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/^repos\/get: could not reach http:\/\/127\.0\.0\.1:\d+\/repos\/o\/r: ECONNREFUSED/);
  });
});

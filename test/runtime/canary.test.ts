// Zero token exposure: canary values for the API key, the provider credential and the user token;
// calls that succeed and fail; everything a call can print, log, throw or return is scanned, one
// channel at a time. Then a provider that echoes the credential back in every way it can, in
// both modes, for each kind of injection: no form of it may reach application code.
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault, bindOperations, asUser } from "../../runtime/index.js";
import type { OperationTable } from "../../runtime/index.js";
import { readAudit } from "../../vault/index.js";
import { serverError, tooManyRequests } from "../../standins/index.js";
import { CANARY_CREDENTIALS, ECHOES, carried, findLeak, type CanaryCredential } from "../support/canary-forms.js";
import { startPeers, type Peers } from "./support/peers.js";

const CREDENTIAL = "ghp_CANARYcredential7f3a9c";
const USER_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJDQU5BUllVU0VSIn0.CANARYusertokenSig";
const ops = {
  get: { id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}", params: { owner: "path", repo: "path" } },
  createIssue: { id: "issues/create", method: "POST", path: "/repos/{owner}/{repo}/issues", params: { owner: "path", repo: "path" }, body: { kind: "json", mediaType: "application/json" } },
} as const satisfies OperationTable;
type Client = Record<keyof typeof ops, any>;

/** What a call can leave a trace in, one list of captured text per channel. */
const CHANNELS = ["logger", "errors", "returned data", "audit rows", "stderr"] as const;
type Channel = (typeof CHANNELS)[number];

let peers: Peers;
let grantId: string;
const captured: Record<Channel, string[]> = { logger: [], errors: [], "returned data": [], "audit rows": [], stderr: [] };
const capture = (channel: Channel, label: string, value: unknown) => {
  const out = captured[channel];
  out.push(`${label}: ${typeof value === "string" ? value : inspect(value, { depth: 20, showHidden: true, getters: true })}`);
  try {
    out.push(`${label} JSON: ${JSON.stringify(value)}`);
  } catch {
    /* cyclic */
  }
  if (value instanceof Error) {
    out.push(`${label} stack: ${value.stack}`, `${label} string: ${String(value)}`);
    let cause = (value as { cause?: unknown }).cause;
    while (cause) {
      out.push(`${label} cause: ${inspect(cause, { depth: 20, showHidden: true })}`);
      cause = (cause as { cause?: unknown }).cause;
    }
  }
};
const logger = {
  debug: (m: string, f?: unknown) => capture("logger", "debug", `${m} ${inspect(f, { depth: 20 })}`),
  info: (m: string, f?: unknown) => capture("logger", "info", `${m} ${inspect(f, { depth: 20 })}`),
  warn: (m: string, f?: unknown) => capture("logger", "warn", `${m} ${inspect(f, { depth: 20 })}`),
  error: (m: string, f?: unknown) => capture("logger", "error", `${m} ${inspect(f, { depth: 20 })}`),
};

beforeAll(async () => {
  peers = await startPeers("github");
  grantId = await peers.grant(CREDENTIAL);
});
afterAll(async () => {
  await peers?.close();
});

describe("canary", () => {
  let apiKeySecret: string;

  // One run of successes and failures; each channel is then checked on its own.
  beforeAll(async () => {
    apiKeySecret = peers.apiKey.split("_").slice(3).join("_");
    const origWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured.stderr.push(String(chunk));
      return origWrite(chunk as string, ...(rest as []));
    }) as typeof process.stderr.write;
    try {
      const vault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, logger, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
      // A user token source makes every call carry the (here bogus) token, so it gets its own client.
      const asUserVault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, logger, userTokenGetter: () => USER_TOKEN });
      capture("returned data", "asUserVault", asUserVault);
      const github = bindOperations<Client>(vault, peers.provider, ops);
      capture("returned data", "vault", vault);
      capture("returned data", "client", github);
      capture("returned data", "method", github.get);

      // Successes (one whose body echoes the credential back).
      capture("returned data", "data", await github.get(grantId, { owner: "o", repo: "r" }));
      capture("returned data", "withResponse", await github.get.withResponse(grantId, { owner: "o", repo: "r" }));
      peers.standin.script("repos/get", { status: 200, body: { id: 1, name: `echo ${CREDENTIAL}`, full_name: "o/r" } });
      const echoed = await github.get(grantId, { owner: "o", repo: "r" });
      capture("returned data", "echoed", echoed);
      expect(echoed.name).toBe("echo [REDACTED]");

      // Failures: provider errors (one echoing the token), rate limit, bad grant, bad user token,
      // wrong API key, unreachable vault, bad input.
      const failures: Promise<unknown>[] = [];
      peers.standin.script("repos/get", serverError(400, { message: `token ${CREDENTIAL} is not allowed here` }));
      failures.push(github.get(grantId, { owner: "o", repo: "r" }));
      peers.standin.script("repos/get", tooManyRequests(0), tooManyRequests(0), tooManyRequests(0));
      failures.push(github.get(grantId, { owner: "o", repo: "r" }));
      failures.push(github.get("00000000-0000-4000-8000-000000000000", { owner: "o", repo: "r" }));
      failures.push(bindOperations<Client>(asUserVault, peers.provider, ops).get(asUser({ account: "x" }), { owner: "o", repo: "r" }));
      failures.push(github.createIssue(grantId, { owner: "o", repo: "r", body: { title: 1n } }));
      const wrongKey = new AlterVault({ apiKey: `alter_sk_${"z".repeat(16)}_${apiKeySecret}`, baseUrl: peers.vault.url, logger });
      failures.push(bindOperations<Client>(wrongKey, peers.provider, ops).get(grantId, { owner: "o", repo: "r" }));
      const down = new AlterVault({ apiKey: peers.apiKey, baseUrl: "http://127.0.0.1:9", logger, timeoutMs: 2000, retry: false });
      failures.push(bindOperations<Client>(down, peers.provider, ops).get(grantId, { owner: "o", repo: "r" }));
      failures.push(Promise.resolve().then(() => new AlterVault({ apiKey: peers.apiKey.slice(0, -1) + "!" })));
      const results = await Promise.allSettled(failures);
      for (const [i, r] of results.entries()) {
        expect(r.status, `failure #${i} should fail`).toBe("rejected");
        capture("errors", `error#${i}`, (r as PromiseRejectedResult).reason);
      }
      await vault.close();
      await asUserVault.close();
      await wrongKey.close();
      await down.close();
      capture("audit rows", "audit", await readAudit({ dataDir: peers.dataDir }));
    } finally {
      process.stderr.write = origWrite;
    }
  });

  it("saw something on every channel it checks", () => {
    for (const channel of CHANNELS.filter((c) => c !== "stderr")) expect(captured[channel].join("\n").length, channel).toBeGreaterThan(200);
    expect(captured.errors.join("\n")).toContain("repos/get"); // the scan did see the errors
    expect(captured.logger.join("\n")).toContain("retrying");
  });

  const canaries = [
    ["API key secret", () => apiKeySecret],
    ["credential", () => CREDENTIAL],
    ["user token", () => USER_TOKEN],
    ["user token signature", () => "CANARYusertokenSig"],
  ] as const;
  it.each(CHANNELS.flatMap((channel) => canaries.map(([name, value]) => [channel, name, value] as const)))("%s: no %s", (channel, name, value) => {
    const text = captured[channel].join("\n");
    const canary = value();
    const at = text.indexOf(canary);
    expect(at, `${name} leaked into ${channel}: …${text.slice(Math.max(0, at - 200), at + 50)}…`).toBe(-1);
  });
});

// ---------------------------------------------------------------------------------------------
// A provider that quotes the credential back (test/support/canary-forms.ts), for each kind of
// injection and in both modes: what application code gets (data, withResponse headers, errors
// with their headers and bodies), the logger and the audit rows hold no form of it.

const echoOps = {
  get: ops.get,
  getRaw: { id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}", params: { owner: "path", repo: "path" }, response: "binary" },
  listForOrg: { id: "repos/list-for-org", method: "GET", path: "/orgs/{org}/repos", params: { org: "path", per_page: "query", page: "query" }, paginate: {} },
} as const satisfies OperationTable;
type EchoClient = Record<keyof typeof echoOps, any>;
const MODES = ["retrieve", "proxy"] as const;

const shown = (value: unknown) =>
  [inspect(value, { depth: 20, showHidden: true, getters: true }), JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? String(v) : v)), value instanceof Error ? value.stack : ""].join("\n");

describe.each(CANARY_CREDENTIALS)("a provider echoing a $name credential", (cred: CanaryCredential) => {
  let p: Peers;
  let grant: string;
  let vault: AlterVault;
  const logged: string[] = [];
  const log = (m: string, f?: unknown) => logged.push(`${m} ${inspect(f, { depth: 20 })}`);

  beforeAll(async () => {
    p = await startPeers("github", { catalog: { injection: cred.injection } });
    grant = await p.grant(cred.secret.value, cred.secret.type === "token" ? {} : { type: cred.secret.type });
    vault = new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, retry: false, logger: { debug: log, info: log, warn: log, error: log } });
  });
  afterAll(async () => {
    await vault?.close();
    await p?.close();
  });

  it.each(ECHOES.flatMap((echo) => MODES.map((mode) => [echo.name, mode, echo] as const)))("%s (%s mode)", async (_name, mode, echo) => {
    // `manual`: the redirect echo is handed back (scrubbed) instead of followed; following one
    // that quotes the credential is test/e2e/redirects.test.ts.
    const github = bindOperations<EchoClient>(vault, p.provider, echoOps, { mode, redirect: "manual" });
    const from = p.standin.requests.length;
    p.standin.script("repos/get", echo.response(cred, p.standin.origin));
    const got: unknown = echo.ok
      ? await github.get.withResponse(grant, { owner: "o", repo: "r" })
      : await github.get(grant, { owner: "o", repo: "r" }).then(
          () => expect.fail("the provider's error should be thrown"),
          (e: unknown) => e,
        );
    const sent = p.standin.requests.slice(from);
    // One request, accepted: the echo really quoted the credential, and the redirect was handed back.
    expect(sent.map((r) => `${r.method} ${r.path} ${r.problems.length}`)).toEqual(["GET /repos/o/r 0"]);
    const text = shown(got) + "\n" + logged.join("\n");
    expect(findLeak(cred, text, carried(cred, sent[0]!).headerValue)).toBeUndefined();
    expect(text).toContain("[REDACTED]");
  });

  it.each(MODES)("a binary body keeps every byte but the credential's (%s mode)", async (mode) => {
    const github = bindOperations<EchoClient>(vault, p.provider, echoOps, { mode });
    const head = Buffer.from([0xff, 0xd8, 0x00, 0x80, 0xfe]);
    const tail = Buffer.from([0x00, 0xc3, 0x28, 0xff]);
    p.standin.script("repos/get", { status: 200, respond: (req) => ({ body: Buffer.concat([head, Buffer.from(carried(cred, req).secret), tail]) }) });
    const data: Uint8Array = await github.getRaw(grant, { owner: "o", repo: "r" });
    expect(Buffer.from(data).equals(Buffer.concat([head, Buffer.from("[REDACTED]"), tail]))).toBe(true);
  });

  it.each(MODES)("pagination: the next-page link's copy of the credential is scrubbed, never sent twice or shown (%s mode)", async (mode) => {
    const github = bindOperations<EchoClient>(vault, p.provider, echoOps, { mode });
    p.standin.paginate("repos/list-for-org", { pages: 3, perPage: 2 });
    const from = p.standin.requests.length;
    const pages: unknown[] = [];
    for await (const page of github.listForOrg.pages(grant, { org: "nodejs", per_page: 2 })) pages.push(page);
    expect(pages).toHaveLength(3);
    const sent = p.standin.requests.slice(from);
    // The stand-in refuses a credential that is missing, repeated or also sent elsewhere.
    expect(sent.map((r) => `${r.status} ${r.query.page ?? "1"} ${r.problems.length}`)).toEqual(["200 1 0", "200 2 0", "200 3 0"]);
    if (cred.injection.type === "query") expect(sent.every((r) => r.url.split("access_token=").length === 2)).toBe(true);
    expect(findLeak(cred, shown(pages) + logged.join("\n"))).toBeUndefined();
  });

  it("the audit rows of all these calls hold no form of it", async () => {
    const rows = await readAudit({ dataDir: p.dataDir });
    expect(rows.length).toBeGreaterThan(ECHOES.length);
    expect(findLeak(cred, JSON.stringify(rows))).toBeUndefined();
  });
});

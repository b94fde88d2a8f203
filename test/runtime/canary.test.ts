// Zero token exposure: canary values for the API key, the provider credential and the user token;
// calls that succeed and fail; everything a call can print, log, throw or return is scanned.
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault, bindOperations, asUser } from "../../runtime/index.js";
import type { OperationTable } from "../../runtime/index.js";
import { readAudit } from "../../vault/index.js";
import { serverError, tooManyRequests } from "../support/standin/index.js";
import { startPeers, type Peers } from "./support/peers.js";

const CREDENTIAL = "ghp_CANARYcredential7f3a9c";
const USER_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJDQU5BUllVU0VSIn0.CANARYusertokenSig";
const ops = {
  get: { id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}", params: { owner: "path", repo: "path" } },
  createIssue: { id: "issues/create", method: "POST", path: "/repos/{owner}/{repo}/issues", params: { owner: "path", repo: "path" }, body: { kind: "json", mediaType: "application/json" } },
} as const satisfies OperationTable;
type Client = Record<keyof typeof ops, any>;

let peers: Peers;
let grantId: string;
const captured: string[] = [];
const capture = (label: string, value: unknown) => {
  captured.push(`${label}: ${typeof value === "string" ? value : inspect(value, { depth: 20, showHidden: true, getters: true })}`);
  try {
    captured.push(`${label} JSON: ${JSON.stringify(value)}`);
  } catch {
    /* cyclic */
  }
  if (value instanceof Error) {
    captured.push(`${label} stack: ${value.stack}`, `${label} string: ${String(value)}`);
    let cause = (value as { cause?: unknown }).cause;
    while (cause) {
      captured.push(`${label} cause: ${inspect(cause, { depth: 20, showHidden: true })}`);
      cause = (cause as { cause?: unknown }).cause;
    }
  }
};
const logger = {
  debug: (m: string, f?: unknown) => capture("log.debug", `${m} ${inspect(f, { depth: 20 })}`),
  info: (m: string, f?: unknown) => capture("log.info", `${m} ${inspect(f, { depth: 20 })}`),
  warn: (m: string, f?: unknown) => capture("log.warn", `${m} ${inspect(f, { depth: 20 })}`),
  error: (m: string, f?: unknown) => capture("log.error", `${m} ${inspect(f, { depth: 20 })}`),
};

beforeAll(async () => {
  peers = await startPeers("github");
  grantId = await peers.grant(CREDENTIAL);
});
afterAll(async () => {
  await peers?.close();
});

describe("canary", () => {
  it("no API key secret, credential or user token appears anywhere a call can leave a trace", async () => {
    const apiKeySecret = peers.apiKey.split("_").slice(3).join("_");
    const stderr: string[] = [];
    const origWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      stderr.push(String(chunk));
      return origWrite(chunk as string, ...(rest as []));
    }) as typeof process.stderr.write;
    try {
      const vault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, logger, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
      // A user token source makes every call carry the (here bogus) token, so it gets its own client.
      const asUserVault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, logger, userTokenGetter: () => USER_TOKEN });
      capture("asUserVault", asUserVault);
      const github = bindOperations<Client>(vault, peers.provider, ops);
      capture("vault", vault);
      capture("client", github);
      capture("method", github.get);

      // Successes (one whose body echoes the credential back).
      capture("data", await github.get(grantId, { owner: "o", repo: "r" }));
      capture("withResponse", await github.get.withResponse(grantId, { owner: "o", repo: "r" }));
      peers.standin.script("repos/get", { status: 200, body: { id: 1, name: `echo ${CREDENTIAL}`, full_name: "o/r" } });
      const echoed = await github.get(grantId, { owner: "o", repo: "r" });
      capture("echoed", echoed);
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
        capture(`error#${i}`, (r as PromiseRejectedResult).reason);
      }
      await vault.close();
      await asUserVault.close();
      await wrongKey.close();
      await down.close();
      capture("audit", await readAudit({ dataDir: peers.dataDir }));
    } finally {
      process.stderr.write = origWrite;
    }
    const everything = captured.join("\n") + stderr.join("");
    expect(everything.length).toBeGreaterThan(2000);
    expect(everything).toContain("repos/get"); // the scan did see the errors
    for (const [name, canary] of [
      ["API key secret", apiKeySecret],
      ["credential", CREDENTIAL],
      ["user token", USER_TOKEN],
      ["user token signature", "CANARYusertokenSig"],
    ] as const) {
      const at = everything.indexOf(canary);
      expect(at, `${name} leaked: …${everything.slice(Math.max(0, at - 200), at + 50)}…`).toBe(-1);
    }
  });
});

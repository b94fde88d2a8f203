// A vault process killed (SIGKILL) in the middle of a refresh leaves its refresh lease behind.
// The restarted vault must take that lease over at once — its holder is a dead process — rather
// than stall every call to the grant until the lease expires (~30 s), and with rotating refresh
// tokens (oidc-provider) the provider must never see the same refresh token twice.
//
// The killed vault is a real server in a child process; its refresh request is held at a gate
// in front of the token endpoint (as a network partition would hold it) so that it never reaches
// the provider, and dropped when the process dies.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { VaultTransport } from "../../../runtime/internal/transport.js";
import { initVault, setProviderConfig, startVault, type RunningVault, setOAuthEndpoints } from "../../support/vault-admin.js";
import { engineEnv } from "../../support/vault-engine.js";
import { openTestDb } from "../../support/vault-db.js";
import { completeIdpLogin, confirmConnect, launchBrowser, type TestBrowser } from "../../support/browser.js";
import { startIdp, type TestIdp } from "../../support/idp.js";

const CLIENT = { clientId: "gh-oauth-app", clientSecret: "gh-secret-CANARY-crash-51f0" };
const EXPIRED = 25_000; // the 20 s access token has expired on the vault's clock

interface Gate {
  url: string;
  /** The next refresh_token request is held, never forwarded; resolves with its refresh token. */
  holdNextRefresh(): Promise<string>;
  /** Requests forwarded to the token endpoint. */
  forwarded: { grantType: string | null; refreshToken: string | null; at: number }[];
  close(): Promise<void>;
}

async function startGate(target: string): Promise<Gate> {
  let held: ((refreshToken: string) => void) | null = null;
  const forwarded: Gate["forwarded"] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const form = new URLSearchParams(body);
      if (held && form.get("grant_type") === "refresh_token") {
        held(form.get("refresh_token") ?? "");
        held = null;
        return; // never answered, never forwarded
      }
      forwarded.push({ grantType: form.get("grant_type"), refreshToken: form.get("refresh_token"), at: Date.now() });
      void fetch(target, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body }).then(
        async (r) => res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" }).end(Buffer.from(await r.arrayBuffer())),
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    holdNextRefresh: () => new Promise((resolve) => (held = resolve)),
    forwarded,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let idp: TestIdp;
let gate: Gate;
let browser: TestBrowser;
let dataDir: string;
let apiKey: string;
let child: ChildProcess | undefined;
let restarted: RunningVault | undefined;

beforeAll(async () => {
  [idp, browser] = await Promise.all([
    startIdp({ users: [{ sub: "alice", email: "alice@example.test" }], accessTokenTtl: 20, rotateRefreshToken: true, extraScopes: ["repo"] }),
    launchBrowser(),
  ]);
  gate = await startGate(idp.endpoints.token);
  dataDir = await mkdtemp(join(tmpdir(), "alter-crash-"));
  apiKey = (await initVault({ dataDir, env: {} })).apiKey;
  await setProviderConfig({ dataDir, provider: "github", ...CLIENT });
  await setOAuthEndpoints({ dataDir, provider: "github", authorizeUrl: idp.endpoints.authorize, tokenUrl: gate.url, revokeUrl: idp.endpoints.revocation });
});
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await restarted?.close();
  await browser?.close();
  await gate?.close();
  await idp?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const nextSecond = () => new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));

async function startChildVault(): Promise<{ url: string; send(line: string): Promise<void> }> {
  const script = fileURLToPath(new URL("./vault-server-process.ts", import.meta.url));
  child = spawn(process.execPath, ["--import", "tsx", script, dataDir], {
    cwd: fileURLToPath(new URL("../../..", import.meta.url)),
    env: { ...process.env, ...engineEnv(dataDir) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error("the child vault exited");
    return r.value;
  };
  const first = await next();
  const url = /^url (\S+)$/.exec(first)?.[1];
  if (!url) throw new Error(`unexpected child output: ${first}`);
  await nextSecond();
  return {
    url,
    async send(line) {
      child!.stdin!.write(line + "\n");
      expect(await next()).toBe("ok");
    },
  };
}

async function retrieve(transport: VaultTransport, grantId: string): Promise<string> {
  const request = { operationId: "users/getAuthenticated", method: "GET", url: "https://api.github.com/user" };
  const res = await transport.request<{ credential: unknown }>("POST", "/v1/credentials/retrieve", { body: { grant: { grantId }, provider: "github", request } });
  return transport.unseal<{ token: string }>(res.data.credential, res.nonce).token;
}

it("a vault restarted after SIGKILL mid-refresh takes the dead lease over at once, and refreshes with the unspent token", async () => {
  // 1. A real vault server in a child process; the user connects GitHub through it.
  const first = await startChildVault();
  idp.addClient({ ...CLIENT, redirectUris: [`${first.url}/connect/callback/github`] });
  const t1 = new VaultTransport({ baseUrl: first.url, apiKey });
  const session = (await t1.request<{ sessionId: string; connectUrl: string }>("POST", "/v1/connect/sessions", { body: { providers: ["github"], scopes: { github: ["openid", "repo"] } } })).data;
  const page = await browser.newPage();
  await page.goto(session.connectUrl);
  await confirmConnect(page);
  await completeIdpLogin(page, { issuer: idp.issuer, username: "alice" });
  expect(await page.locator("#message").getAttribute("data-outcome")).toBe("completed");
  await page.close();
  const grantId = (await t1.request<{ grants: { grantId: string }[] }>("GET", `/v1/connect/sessions/${session.sessionId}`)).data.grants[0]!.grantId;
  expect(gate.forwarded.map((f) => f.grantType)).toEqual(["authorization_code"]);
  expect(idp.activeRefreshTokens()).toBe(1);

  // 2. Its token has expired; a retrieval starts a refresh, which the gate holds.
  await first.send(`offset ${EXPIRED}`);
  const held = gate.holdNextRefresh();
  const dying = retrieve(t1, grantId).then(
    () => "answered",
    () => "cut off",
  );
  const spentCandidate = await held;
  const db = await openTestDb(dataDir);
  const [lease] = await db.all<{ holder_pid: number; expires_at: number }>("SELECT * FROM refresh_leases WHERE grant_id = ?", grantId);
  if (!lease) throw new Error("the killed vault left no refresh lease");
  expect(lease.holder_pid).toBe(child!.pid);
  expect(lease.expires_at).toBeGreaterThan(Date.now() + 20_000);

  // 3. SIGKILL: the lease stays behind, held by a process that no longer exists.
  const exited = new Promise((r) => child!.once("exit", r));
  child!.kill("SIGKILL");
  await exited;
  expect(await dying).toBe("cut off");
  await t1.close();

  // 4. The restarted vault refreshes at the first call, long before the dead lease expires.
  let offset = 0;
  restarted = await startVault({ dataDir, port: 0, now: () => Date.now() + offset });
  await nextSecond();
  offset = EXPIRED;
  const t2 = new VaultTransport({ baseUrl: restarted.url, apiKey });
  const token = await retrieve(t2, grantId);
  await t2.close();

  const refreshes = gate.forwarded.filter((f) => f.grantType === "refresh_token");
  expect(refreshes).toHaveLength(1);
  expect(refreshes[0]!.at).toBeLessThan(lease.expires_at);
  // The refresh token the dead process never got to send is the one sent now, once.
  expect(refreshes[0]!.refreshToken).toBe(spentCandidate);
  expect(idp.tokenRequests("refresh_token")).toEqual([expect.objectContaining({ status: 200, outcome: "success" })]);
  expect(idp.isActiveAccessToken(token)).toBe(true);

  expect(await db.all("SELECT status FROM grants WHERE id = ?", grantId)).toEqual([{ status: "active" }]);
  expect(await db.all("SELECT * FROM refresh_leases")).toEqual([]);
  // The refresh's row is written beside the answer, not before it: on PostgreSQL its group commit
  // may land a moment after the call returned.
  const audit = await vi.waitFor(async () => {
    const rows = await db.all<{ outcome: string; details: string }>("SELECT outcome, details FROM audit WHERE action = 'grant.refresh'");
    expect(rows).toHaveLength(1);
    return rows;
  });
  await db.close();
  expect(JSON.parse(audit[0]!.details)).toMatchObject({ takeover: true, rotated: true });
}, 90_000);

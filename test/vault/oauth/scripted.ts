// A vault whose OAuth provider (asana, from the catalog) is the scripted authorization server of
// test/support/oauth-server.ts, and a connect driver that needs no browser: that server's
// authorize endpoint redirects straight back, so following the redirects by hand is the whole
// user journey. For the behaviours of broken and hostile authorization servers.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initVault, setProviderConfig, startVault, type RunningVault, setOAuthEndpoints } from "../../support/vault-admin.js";
import { openTestDb } from "../../support/vault-db.js";
import { VaultTransport } from "../../../runtime/internal/transport.js";
import { startOAuthServer, type OAuthServer } from "../../support/oauth-server.js";
import { pressConfirm } from "../identity/flows.js";

export const CLIENT = { clientId: "asana-oauth-app", clientSecret: "asana-secret-CANARY-6d0c" };

export interface Scripted {
  as: OAuthServer;
  provider: string;
  vault: RunningVault;
  dataDir: string;
  apiKey: string;
  transport: VaultTransport;
  sql<T>(query: string, ...args: unknown[]): Promise<T[]>;
  setClockOffset(ms: number): void;
  /** Runs a whole connect for `provider` with no browser; the outcome of the vault's result page. */
  connect(provider?: string): Promise<ConnectRun>;
  /** The grant's current access token, unsealed (optionally reporting a refused token first). */
  retrieve(grantId: string, rejected?: string): Promise<string>;
  close(): Promise<void>;
}

export interface ConnectRun {
  sessionId: string;
  /** data-outcome of the vault's page (connected, completed, error, denied). */
  outcome: string | null;
  message: string;
  /** The page's technical details (the provider's error), "" when none. */
  details: string;
  status: { status: string; grants: { grantId: string; scopes: string[]; account: string | null }[]; error: { code: string; message: string } | null };
}

export async function startScripted(options: { provider?: string; as?: OAuthServer } = {}): Promise<Scripted> {
  const provider = options.provider ?? "asana";
  const as = options.as ?? (await startOAuthServer());
  const dataDir = await mkdtemp(join(tmpdir(), "alter-oauth-"));
  const init = await initVault({ dataDir, env: {} });
  let offset = 0;
  const vault = await startVault({ dataDir, port: 0, now: () => Date.now() + offset });
  await setProviderConfig({ dataDir, provider, ...CLIENT });
  await setOAuthEndpoints({
    dataDir,
    provider,
    authorizeUrl: as.endpoints.authorize,
    tokenUrl: as.endpoints.token,
    revokeUrl: as.endpoints.revoke,
    userinfoUrl: as.endpoints.userinfo,
  });
  // The vault refuses requests signed in the second it started (possible replays from before).
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
  const transport = new VaultTransport({ baseUrl: vault.url, apiKey: init.apiKey });
  const db = await openTestDb(dataDir);
  const s: Scripted = {
    as,
    provider,
    vault,
    dataDir,
    apiKey: init.apiKey,
    transport,
    sql: <T>(query: string, ...args: unknown[]) => db.all<T>(query, ...args),
    setClockOffset: (ms) => {
      offset = ms;
    },
    connect: (p = provider) => headlessConnect(s, p),
    async retrieve(grantId, rejected) {
      const request = { operationId: "x", method: "GET", url: "https://app.asana.com/api/1.0/users/me", rejectedCredential: rejected };
      const res = await transport.request<{ credential: unknown }>("POST", "/v1/credentials/retrieve", { body: { grant: { grantId }, provider, request } });
      return transport.unseal<{ token: string }>(res.data.credential, res.nonce).token;
    },
    async close() {
      await db.close();
      await transport.close();
      await Promise.allSettled([vault.close(), options.as ? Promise.resolve() : as.close()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return s;
}

async function headlessConnect(s: Scripted, provider: string): Promise<ConnectRun> {
  const session = (await s.transport.request<{ sessionId: string; connectUrl: string }>("POST", "/v1/connect/sessions", { body: { providers: [provider] } })).data;
  // The confirmation page (issue 9.8) -> authorization server -> (maybe another) -> the vault's callback page
  let next = await pressConfirm(session.connectUrl, await fetch(session.connectUrl));
  let res: Response | undefined;
  for (let hop = 0; hop < 6; hop++) {
    res = await fetch(next, { redirect: "manual" });
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) break;
    await res.arrayBuffer();
    next = new URL(location, next).toString();
  }
  const html = await res!.text();
  const outcome = /data-outcome="([^"]*)"/.exec(html)?.[1] ?? null;
  const text = (s: string) => s.replace(/<[^>]+>/g, "").trim().replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const message = text(/id="message"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? html.slice(0, 300));
  // The technical reason (a provider's error) sits under the page's details disclosure.
  const details = text(/id="details"[^>]*>([\s\S]*?)<\/details>/.exec(html)?.[1] ?? "").replace(/^Technical details/, "").trim();
  const status = (await s.transport.request<ConnectRun["status"]>("GET", `/v1/connect/sessions/${session.sessionId}`)).data;
  return { sessionId: session.sessionId, outcome, message, details, status };
}

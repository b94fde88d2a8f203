// One end-to-end world per test file: the test IDP (oidc-provider: the app's IDP and, for every
// provider, its OAuth authorization server), a local vault in a fresh data folder, a stand-in per
// provider that validates requests against the provider's pinned document, and Chromium for the
// browser steps. The vault's provider config points base URL and hosts at the stand-ins, as an
// operator would point them at the real APIs; clients are the checked-in generated ones.
import { rm, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { AlterVault, type AlterVaultOptions, type GrantInfo } from "alter-gen/runtime";
import {
  addManagedSecret,
  approverLink,
  initVault,
  issueGrant,
  readAudit,
  setProviderConfig,
  startVault,
  type AuditRow,
  type GrantPolicy,
  type RunningVault,
  setIdp,
  setOAuthEndpoints,
} from "./vault-admin.js";
import { databaseOf, dropVaultDatabase, type VaultDatabase } from "./vault-engine.js";
import { storedAtRest } from "./vault-db.js";
import { completeIdpLogin, confirmConnect, launchBrowser, type TestBrowser } from "./browser.js";
import { startIdp, type IdpUser, type StartIdpOptions, type TestIdp } from "./idp.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";

export const APP_CLIENT = { clientId: "e2e-app", clientSecret: "app-secret-CANARY-e2e-41d7" };
export const USERS: IdpUser[] = [
  { sub: "alice", email: "alice@example.test", groups: ["eng"] },
  { sub: "bob", email: "bob@example.test", groups: [] },
];
/** Scopes the connect flow asks the stand-in provider's OAuth server (the IDP) for. */
export const CONNECT_SCOPES: Record<string, string[]> = {
  github: ["openid", "email", "repo"],
  // One scope each: the catalog's separators differ ("," for Slack) and the IDP takes spaces.
  slack: ["openid"],
  stripe: ["openid"],
};

export interface E2EOptions {
  providers: string[];
  idp?: StartIdpOptions;
  /** Default true: the vault trusts the IDP for end-user JWTs. */
  withIdp?: boolean;
}

export interface E2E {
  idp: TestIdp;
  vault: RunningVault;
  dataDir: string;
  /** The vault's own PostgreSQL database when the run is on PostgreSQL (test/support/vault-engine.ts). */
  database: VaultDatabase | undefined;
  apiKey: string;
  standins: Record<string, Standin>;
  /** Every secret handed to the world (provider tokens, client secrets, the API key's secret). */
  canaries: string[];
  /** The vault's log lines and every SDK logger line. */
  logs: string[];
  /** An AlterVault for this vault (closed with the world), logging into `logs`. */
  client(options?: Partial<AlterVaultOptions>): AlterVault;
  /** A managed secret for `token` and a grant of it; the stand-in accepts the token from now on. */
  managedGrant(provider: string, token: string, options?: { principal?: string; account?: string; policy?: GrantPolicy }): Promise<string>;
  /** AlterVault.connect() for one provider, the person's browser being Chromium signed in as `username`. */
  connect(vault: AlterVault, provider: string, username: string, options?: { asUser?: boolean }): Promise<GrantInfo>;
  /** AlterVault.authenticate() with Chromium signing in as `username`. */
  signIn(vault: AlterVault, username: string): Promise<void>;
  /** Clicks approve or deny on the vault's approval page in Chromium. */
  /** A person opens the approver link an operator printed (`vault approvals link`) and decides. */
  decideInBrowser(approvalId: string, decision: "approve" | "deny"): Promise<void>;
  browser(): Promise<TestBrowser>;
  audit(): Promise<AuditRow[]>;
  /** Moves the vault's clock ahead of real time (keep it under the signature window). */
  setClockOffset(ms: number): void;
  /** Where any canary shows up: audit rows, logs, what the vault keeps at rest (data folder files; on PostgreSQL also every table). Empty when clean. */
  findSecrets(extra?: unknown[]): Promise<string[]>;
  close(): Promise<void>;
}

export async function startE2E(options: E2EOptions): Promise<E2E> {
  const idp = await startIdp({ users: USERS, extraScopes: ["repo", "read:user"], ...options.idp });
  const dataDir = await mkdtemp(join(tmpdir(), "alter-e2e-"));
  const init = await initVault({ dataDir, env: {} });
  const logs: string[] = [];
  const canaries = [APP_CLIENT.clientSecret, init.apiKey.split("_").slice(3).join("_")];
  const standins: Record<string, Standin> = {};
  const accepted: Record<string, string[]> = {};
  const oauthToken = (value: string) => idp.isActiveAccessToken(value);

  await Promise.all(
    options.providers.map(async (id) => {
      const standin = await startProviderStandin(id);
      standins[id] = standin;
      accepted[id] = [];
      standin.expectCredential(oauthToken);
    }),
  );
  let offset = 0;
  const vault = await startVault({ dataDir, port: 0, now: () => Date.now() + offset, log: (line) => logs.push(line) });
  idp.addClient({ ...APP_CLIENT, redirectUris: [`${vault.url}/auth/callback`] });
  if (options.withIdp !== false) {
    await setIdp({ dataDir, issuer: idp.issuer, clientId: APP_CLIENT.clientId, clientSecret: APP_CLIENT.clientSecret });
  }
  for (const id of options.providers) {
    const standin = standins[id]!;
    const client = { clientId: `${id}-oauth-app`, clientSecret: `${id}-client-secret-CANARY-9e1b` };
    canaries.push(client.clientSecret);
    idp.addClient({ ...client, redirectUris: [`${vault.url}/connect/callback/${id}`] });
    await setProviderConfig({ dataDir, provider: id, baseUrl: standin.url, hosts: [new URL(standin.url).host], ...client });
    await setOAuthEndpoints({ dataDir, provider: id, authorizeUrl: idp.endpoints.authorize, tokenUrl: idp.endpoints.token, revokeUrl: idp.endpoints.revocation });
  }
  // The vault refuses requests signed in the second it started (possible replays from before).
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));

  const clients: AlterVault[] = [];
  let browser: Promise<TestBrowser> | undefined;
  const getBrowser = () => (browser ??= launchBrowser());
  const sdkLogger = (level: string) => (message: string, fields?: Record<string, unknown>) => logs.push(`sdk.${level} ${message} ${inspect(fields, { depth: 10 })}`);

  /** Opens `url` in a fresh Chromium page and signs in at the IDP as `username`. */
  async function runPage(url: string, username: string): Promise<void> {
    const b = await getBrowser();
    await b.context.clearCookies(); // a fresh IDP session per flow, so the user is who we say
    const page = await b.newPage();
    try {
      await page.goto(url);
      await confirmConnect(page);
      await completeIdpLogin(page, { issuer: idp.issuer, username });
    } finally {
      await page.close();
    }
  }

  const world: E2E = {
    idp,
    vault,
    dataDir,
    database: databaseOf(dataDir),
    apiKey: init.apiKey,
    standins,
    canaries,
    logs,
    client(extra = {}) {
      const v = new AlterVault({
        apiKey: init.apiKey,
        baseUrl: vault.url,
        logger: { warn: sdkLogger("warn"), debug: sdkLogger("debug"), info: sdkLogger("info"), error: sdkLogger("error") },
        ...extra,
      });
      clients.push(v);
      return v;
    },
    async managedGrant(provider, token, opts = {}) {
      const secret = await addManagedSecret({ dataDir, provider, value: token, label: opts.account ?? "bot" });
      const g = await issueGrant({
        dataDir,
        secretId: secret.id,
        principal: opts.principal ?? "system",
        ...(opts.account ? { account: opts.account } : {}),
        ...(opts.policy ? { policy: opts.policy } : {}),
      });
      canaries.push(token);
      accepted[provider]!.push(token);
      standins[provider]!.expectCredential(oauthToken, ...accepted[provider]!);
      return g.grantId;
    },
    async connect(client, provider, username, opts = {}) {
      const pages: Promise<void>[] = [];
      const grants = await client.connect({
        providers: [provider],
        scopes: { [provider]: CONNECT_SCOPES[provider] ?? ["openid"] },
        ...(opts.asUser !== undefined ? { asUser: opts.asUser } : {}),
        openBrowser: (url) => void pages.push(runPage(url, username)),
        pollIntervalMs: 100,
        timeoutMs: 30_000,
      });
      await Promise.all(pages);
      if (grants.length !== 1) throw new Error(`connect ${provider}: expected one grant, got ${grants.length}`);
      return grants[0]!;
    },
    async signIn(client, username) {
      const pages: Promise<void>[] = [];
      await client.authenticate({ openBrowser: (url) => void pages.push(runPage(url, username)), pollIntervalMs: 100, timeoutMs: 30_000 });
      await Promise.all(pages);
    },
    async decideInBrowser(approvalId, decision) {
      const page = await (await getBrowser()).newPage();
      try {
        await page.goto(await approverLink({ dataDir, approvalId }));
        // The app has an IDP: the approver signs in there first (as alice).
        await page.click("#sign-in");
        await completeIdpLogin(page, { issuer: idp.issuer, username: "alice" });
        await page.waitForSelector("#approver-identity");
        await page.click(`button#${decision}`);
        await page.waitForSelector("p.status");
      } finally {
        await page.close();
      }
    },
    browser: getBrowser,
    audit: () => readAudit({ dataDir }),
    setClockOffset(ms) {
      offset = ms;
    },
    async findSecrets(extra = []) {
      const places: [string, string][] = [
        ["audit", JSON.stringify(await readAudit({ dataDir }))],
        ["logs", logs.join("\n")],
        ...extra.map((x, i): [string, string] => [`extra[${i}]`, traces(x)]),
      ];
      places.push(...(await storedAtRest(dataDir)));
      // OAuth access tokens were minted by the IDP; the stand-ins saw every one that was used.
      const seen = Object.values(standins).flatMap((st) => st.requests.map((r) => /^Bearer (.+)$/.exec(r.headers.authorization ?? "")?.[1]));
      const secrets = [...new Set([...canaries, ...seen.filter((t): t is string => t !== undefined)])];
      const found: string[] = [];
      for (const [where, text] of places) for (const c of secrets) if (text.includes(c)) found.push(`${where} contains a canary (${c.slice(0, 6)}…)`);
      return found;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      if (browser) await (await browser).close();
      await Promise.allSettled([vault.close(), idp.close(), ...Object.values(standins).map((s) => s.close())]);
      await rm(dataDir, { recursive: true, force: true });
      const database = databaseOf(dataDir);
      if (database) await dropVaultDatabase(database);
    },
  };
  return world;
}

/** Everything a value shows when printed, serialised or thrown (stack and causes included). */
function traces(value: unknown): string {
  if (typeof value === "string") return value;
  const out = [inspect(value, { depth: 20, showHidden: true, getters: true })];
  try {
    out.push(JSON.stringify(value) ?? "");
  } catch {
    // cyclic: inspect above has it
  }
  let e: unknown = value;
  while (e instanceof Error) {
    out.push(String(e), e.stack ?? "");
    e = (e as { cause?: unknown }).cause;
  }
  return out.join("\n");
}

/** The rows a block of work left, for asserting "exactly one row per call". */
export async function auditDuring<T>(world: E2E, work: () => Promise<T>): Promise<{ result: T; rows: AuditRow[] }> {
  const before = (await world.audit()).length;
  const result = await work();
  return { result, rows: (await world.audit()).slice(before) };
}

/** The provider-call rows among `rows` (credential retrievals and proxied calls). */
export function callRows(rows: AuditRow[]): AuditRow[] {
  return rows.filter((r) => r.action === "credential.retrieve" || r.action === "proxy.call");
}

// One multi-instance world per test file (issue 14): N `alter-gen vault start` processes over one
// database, each with its own data folder holding a copy of the master key file, behind the
// loopback balancer (test/support/balancer.ts) whose URL is every instance's --public-url, so a
// request signed for the balancer verifies on any instance. The IDP (oidc-provider) is the app's
// IDP and GitHub's OAuth server; GitHub's stand-in checks each call against its document and
// accepts the IDP's live access tokens and the managed tokens the test grants.
//
// Engines: "postgres" (a throwaway cluster, test/support/postgres.ts; what the cases are for) and
// "sqlite" (one instance only: one server per data folder), which proves the harness itself.
// Setup goes through the operator's functions (providers, OAuth endpoints, managed secrets); only
// what no operator command makes, an OAuth grant whose token already expired, is written through
// a store in the test process, before the instances start.
import { copyFileSync, mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { AlterVault, type AlterVaultOptions } from "alter-gen/runtime";
import { addManagedSecret, initVault, issueGrant, setProviderConfig } from "../../../vault/index.js";
import { setOAuthEndpoints } from "../../../vault/admin/oauth.js";
import { AtRest } from "../../../vault/crypto/at-rest.js";
import { loadMasterKey, masterKeyPath } from "../../../vault/crypto/master-key.js";
import { sealTokens } from "../../../vault/oauth/tokens.js";
import { openDatabase } from "../../../vault/storage/db.js";
import { DB_FILE } from "../../../vault/state.js";
import { postgresStore, sqliteStore, type Store } from "../../../vault/storage/store/index.js";
import { AuditRepo, type ChainCheck } from "../../../vault/storage/store/audit.js";
import { startProviderStandin, type Standin } from "../../../standins/index.js";
import { startBalancer, type Balancer } from "../../support/balancer.js";
import { startIdp, type StartIdpOptions, type TestIdp } from "../../support/idp.js";
import { asRole, queryRows, startPostgres, type PgCluster } from "../../support/postgres.js";
import { migratePostgres } from "../../../vault/storage/sql/pg-migrate.js";
import { startVaultProcess, stopAllVaultProcesses, type VaultProcess } from "../../support/vault-process.js";

export type Engine = "postgres" | "sqlite";

const RUNTIME_ROLE = "vault_runtime";

export const GITHUB_CLIENT = { clientId: "github-oauth-app", clientSecret: "github-client-secret-CANARY-m7" };
export const APP_CLIENT = { clientId: "multi-app", clientSecret: "app-secret-CANARY-multi-5c" };

export interface MultiOptions {
  engine: Engine;
  instances: number;
  idp?: StartIdpOptions;
}

/** One audit row as stored (the columns the cases match on). */
export interface StoredAuditRow {
  action: string;
  run_id: string | null;
  outcome: string;
  status: number | null;
  grant_id: string | null;
  chain: string;
}

export interface Multi {
  engine: Engine;
  idp: TestIdp;
  github: Standin;
  lb: Balancer;
  instances: VaultProcess[];
  apiKey: string;
  appId: string;
  /** The URL the instances use: the running vault's role, which may only append to the audit log (PostgreSQL only). */
  databaseUrl: string | undefined;
  /** The superuser URL of the same database, for the test's own reads. */
  ownerUrl: string | undefined;
  /** Data folders, one per instance (each with its own copy of the key file). */
  dataDirs: string[];
  /** An AlterVault talking to the balancer (closed with the world). */
  client(options?: Partial<AlterVaultOptions>): AlterVault;
  /** Starts instance `i` (again) over the same folder and database. */
  startInstance(i: number): Promise<VaultProcess>;
  /** A managed GitHub token granted to the system principal (before or while instances serve). */
  managedGrant(token: string): Promise<string>;
  /** Every audit row in the database, in insertion order per chain. */
  auditRows(): Promise<StoredAuditRow[]>;
  close(): Promise<void>;
}

/** Operator functions take the folder, plus the database on PostgreSQL. */
type Where = { dataDir: string; databaseUrl?: string };

export async function startMulti(opts: MultiOptions): Promise<Multi> {
  if (opts.engine === "sqlite" && opts.instances !== 1) throw new Error("SQLite serves one instance per data folder");
  const root = await mkdtemp(join(tmpdir(), "alter-multi-"));
  const cleanup: (() => Promise<unknown>)[] = [() => rm(root, { recursive: true, force: true })];
  const clients: AlterVault[] = [];
  try {
    const [idp, github, lb] = await Promise.all([
      startIdp({ users: [{ sub: "alice", email: "alice@example.test", groups: ["eng"] }], extraScopes: ["repo"], ...opts.idp }),
      startProviderStandin("github"),
      startBalancer(),
    ]);
    cleanup.push(() => idp.close(), () => github.close(), () => lb.close());
    let cluster: PgCluster | undefined;
    let databaseUrl: string | undefined;
    let ownerUrl: string | undefined;
    if (opts.engine === "postgres") {
      cluster = await startPostgres();
      cleanup.push(() => cluster!.stop());
      // What an operator does: `vault migrate` as the schema's owner, granting the role the
      // instances connect as its limited privileges.
      ownerUrl = await cluster.createDatabase();
      await cluster.sql("postgres", `CREATE ROLE ${RUNTIME_ROLE} LOGIN`);
      await migratePostgres({ url: ownerUrl, runtimeRole: RUNTIME_ROLE });
      databaseUrl = asRole(ownerUrl, RUNTIME_ROLE);
    }
    const dataDirs = Array.from({ length: opts.instances }, (_, i) => join(root, `instance-${i}`));
    const init = await initVault({ dataDir: dataDirs[0]!, env: {}, ...(databaseUrl ? { databaseUrl } : {}) });
    for (const dir of dataDirs.slice(1)) {
      mkdirSync(dir, { mode: 0o700 });
      copyFileSync(masterKeyPath(dataDirs[0]!), masterKeyPath(dir));
    }
    const where: Where = { dataDir: dataDirs[0]!, ...(databaseUrl ? { databaseUrl } : {}) };
    idp.addClient({ ...APP_CLIENT, redirectUris: [`${lb.url}/auth/callback`] });
    idp.addClient({ ...GITHUB_CLIENT, redirectUris: [`${lb.url}/connect/callback/github`] });
    await setProviderConfig({ ...where, provider: "github", baseUrl: github.url, hosts: [new URL(github.url).host], ...GITHUB_CLIENT });
    await setOAuthEndpoints({ ...where, provider: "github", authorizeUrl: idp.endpoints.authorize, tokenUrl: idp.endpoints.token, revokeUrl: idp.endpoints.revocation });
    const accepted: string[] = [];
    const acceptTokens = () => github.expectCredential((t: string) => idp.isActiveAccessToken(t), ...accepted);
    acceptTokens();

    const instances: VaultProcess[] = [];
    const startInstance = async (i: number) => {
      const p = await startVaultProcess({
        name: String.fromCharCode(65 + i),
        dataDir: dataDirs[i]!,
        ...(databaseUrl ? { databaseUrl } : {}),
        args: ["--public-url", lb.url],
        // Each instance its own audit chain (on one host they would all default to the host name).
        env: { ALTER_VAULT_INSTANCE_ID: chainOf(i) },
      });
      instances[i] = p;
      lb.setBackends(instances.filter((x) => !x.exited).map((x) => x.url));
      return p;
    };
    cleanup.push(() => stopAllVaultProcesses());

    const world: Multi = {
      engine: opts.engine,
      idp,
      github,
      lb,
      instances,
      apiKey: init.apiKey,
      appId: init.appId,
      databaseUrl,
      ownerUrl,
      dataDirs,
      client(extra = {}) {
        const v = new AlterVault({ apiKey: init.apiKey, baseUrl: lb.url, caller: "multi", ...extra });
        clients.push(v);
        return v;
      },
      startInstance,
      async managedGrant(token) {
        const secret = await addManagedSecret({ ...where, provider: "github", value: token, label: "bot" });
        const g = await issueGrant({ ...where, secretId: secret.id, principal: "system" });
        accepted.push(token);
        acceptTokens();
        return g.grantId;
      },
      async auditRows() {
        const cols = "action, run_id, outcome, status, grant_id";
        if (ownerUrl) return queryRows<StoredAuditRow>(ownerUrl, `SELECT ${cols}, chain FROM audit ORDER BY chain, seq`);
        // SQLite has one chain and no column for it.
        const db = openDatabase(join(dataDirs[0]!, DB_FILE));
        try {
          return db.prepare(`SELECT ${cols}, 'main' AS chain FROM audit ORDER BY seq`).all() as StoredAuditRow[];
        } finally {
          db.close();
        }
      },
      async close() {
        await Promise.allSettled(clients.map((c) => c.close()));
        for (const step of cleanup.reverse()) await step().catch(() => {});
      },
    };
    return world;
  } catch (e) {
    await Promise.allSettled(clients.map((c) => c.close()));
    for (const step of cleanup.reverse()) await step().catch(() => {});
    throw e;
  }
}

/** The audit chain of instance `i` on PostgreSQL (its ALTER_VAULT_INSTANCE_ID): instance-A, -B, … */
export function chainOf(i: number): string {
  return `instance-${String.fromCharCode(65 + i)}`;
}

/** Starts every instance of `world`, in order. */
export async function startAll(world: Multi, n: number): Promise<VaultProcess[]> {
  for (let i = 0; i < n; i++) await world.startInstance(i);
  return world.instances;
}

/**
 * A store over the world's database from the test process, for what no operator command makes.
 * Use it before the instances start (they read what they cache at their own pace).
 */
export async function withStore<T>(world: Multi, fn: (store: Store, crypto: AtRest) => Promise<T>): Promise<T> {
  const crypto = new AtRest(loadMasterKey(world.dataDirs[0]!, {}).key);
  if (world.engine === "postgres") {
    const store = await postgresStore(world.databaseUrl!, crypto, { auditChain: "test-seed", max: 2 });
    try {
      return await fn(store, crypto);
    } finally {
      await store.close();
    }
  }
  const db = openDatabase(join(world.dataDirs[0]!, DB_FILE));
  try {
    return await fn(sqliteStore(db, crypto), crypto);
  } finally {
    db.close();
  }
}

/**
 * A system OAuth grant for GitHub holding alice's real tokens from the IDP (its refresh token
 * live there), whose access token the vault believes expired a minute ago: the next call must
 * refresh it at the IDP's token endpoint first.
 */
export async function expiredOAuthGrant(world: Multi): Promise<{ grantId: string; staleToken: string }> {
  const tokens = await world.idp.login("alice", { clientId: GITHUB_CLIENT.clientId, scope: "openid offline_access repo" });
  const refreshToken = tokens.refreshToken;
  if (!refreshToken) throw new Error("the IDP gave no refresh token");
  const id = randomUUID();
  const now = Date.now();
  await withStore(world, async (store, crypto) => {
    const stored = { token: tokens.accessToken, refreshToken, tokenType: "Bearer", scope: tokens.scope ?? null, obtainedAt: now - 3_600_000 };
    await store.grants.insert(
      {
        id,
        appId: world.appId,
        provider: "github",
        account: "alice",
        principalType: "system",
        principalId: null,
        principalLabel: "multi",
        scopes: ["openid", "offline_access", "repo"],
        source: "oauth",
        credentialSealed: sealTokens(crypto, id, stored),
        credentialExpiresAt: new Date(now - 60_000).toISOString(),
        policy: {},
        expiresAt: null,
      },
      now,
    );
  });
  return { grantId: id, staleToken: tokens.accessToken };
}

/** Every audit chain in the database, each verified on its own (hashes, links, seq holes). */
export async function verifyChains(world: Multi): Promise<ChainCheck[]> {
  return withStore(world, async (store) => {
    const checks: ChainCheck[] = [];
    for (const chain of await store.audit.chains()) checks.push(await new AuditRepo(store.sql, chain).verify());
    return checks;
  });
}

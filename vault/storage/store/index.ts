// The vault's asynchronous store: one object holding every repository over one SQL driver
// (SQLite or PostgreSQL). Callers move here from the synchronous modules in ../ one use case at
// a time; docs/architecture.md ("Storage") lists which repositories exist and what is left.
import type { AtRest } from "../../crypto/at-rest.js";
import { VaultUsageError } from "../../errors.js";
import { MAIN_CHAIN } from "../../crypto/audit-chain.js";
import type { Db } from "../db.js";
import type { SqlDriver } from "../sql/driver.js";
import { SqliteDriver } from "../sql/sqlite-driver.js";
import { PostgresDriver } from "../sql/postgres-driver.js";
import { ApiKeysRepo, AppsRepo, ProvidersRepo, SecretsRepo, UsersRepo } from "./records.js";
import { GrantsRepo } from "./grants.js";
import { AuditRepo } from "./audit.js";
import { NoncesRepo } from "./nonces.js";
import { DeploymentRepo } from "./deployment.js";
import { LeasesRepo } from "./leases.js";
import { OAuthStatesRepo } from "./oauth-states.js";
import { ConnectSessionsRepo } from "./connect-sessions.js";
import { ProviderOperationsRepo } from "./provider-operations.js";
import { IdpConfigsRepo } from "./idp-configs.js";
import { OAuthEndpointsRepo } from "./oauth-endpoints.js";
import { DeviceAuthorizationsRepo } from "./device-authorizations.js";
import { AuthSessionsRepo } from "./auth-sessions.js";
import { ApprovalsRepo } from "./approvals.js";
import { ApprovalWebhooksRepo } from "./approval-webhooks.js";
import { RecordCache } from "./record-cache.js";

export interface Store {
  readonly sql: SqlDriver;
  readonly apps: AppsRepo;
  readonly apiKeys: ApiKeysRepo;
  readonly users: UsersRepo;
  readonly providers: ProvidersRepo;
  readonly secrets: SecretsRepo;
  readonly grants: GrantsRepo;
  readonly audit: AuditRepo;
  readonly nonces: NoncesRepo;
  readonly deployment: DeploymentRepo;
  readonly leases: LeasesRepo;
  readonly oauthStates: OAuthStatesRepo;
  readonly connectSessions: ConnectSessionsRepo;
  readonly providerOperations: ProviderOperationsRepo;
  readonly idpConfigs: IdpConfigsRepo;
  readonly oauthEndpoints: OAuthEndpointsRepo;
  readonly deviceAuthorizations: DeviceAuthorizationsRepo;
  readonly authSessions: AuthSessionsRepo;
  readonly approvals: ApprovalsRepo;
  readonly approvalWebhooks: ApprovalWebhooksRepo;
  /** The records a signed request reads, cached with version counters (record-cache.ts). */
  readonly records: RecordCache;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** This instance's audit chain (PostgreSQL: one per instance; SQLite: always `main`). */
  auditChain?: string;
}

export function createStore(sql: SqlDriver, crypto: AtRest, opts: StoreOptions = {}): Store {
  const users = new UsersRepo(sql);
  const cached = { apps: new AppsRepo(sql), apiKeys: new ApiKeysRepo(sql, crypto), providers: new ProvidersRepo(sql, crypto), secrets: new SecretsRepo(sql, crypto), grants: new GrantsRepo(sql, users) };
  const records = new RecordCache(sql, cached);
  cached.apiKeys.onTouch = cached.grants.onTouch = (id, at) => records.noteUse(id, at);
  return {
    sql,
    ...cached,
    users,
    records,
    audit: new AuditRepo(sql, opts.auditChain ?? MAIN_CHAIN),
    nonces: new NoncesRepo(sql),
    deployment: new DeploymentRepo(sql),
    leases: new LeasesRepo(sql),
    oauthStates: new OAuthStatesRepo(sql),
    connectSessions: new ConnectSessionsRepo(sql),
    providerOperations: new ProviderOperationsRepo(sql),
    idpConfigs: new IdpConfigsRepo(sql, crypto),
    oauthEndpoints: new OAuthEndpointsRepo(sql),
    deviceAuthorizations: new DeviceAuthorizationsRepo(sql),
    authSessions: new AuthSessionsRepo(sql),
    approvals: new ApprovalsRepo(sql),
    approvalWebhooks: new ApprovalWebhooksRepo(sql),
    close: () => sql.close(),
  };
}

/** The store over an open SQLite vault database (../db.ts openDatabase migrated it). */
export function sqliteStore(db: Db, crypto: AtRest): Store {
  return createStore(new SqliteDriver(db), crypto);
}

/**
 * The SQLite handle under `store`, for what still reads the file directly (`what`, named in the
 * refusal on PostgreSQL).
 */
export function sqliteHandle(store: Store, what: string): Db {
  if (store.sql instanceof SqliteDriver) return store.sql.db;
  throw new VaultUsageError(`${what} does not run on PostgreSQL yet (--database-url / ALTER_VAULT_DATABASE_URL); it reads a SQLite data folder.`);
}

/** The store over a PostgreSQL database `vault migrate` brought up to date. */
export async function postgresStore(url: string, crypto: AtRest, opts: StoreOptions & { max?: number } = {}): Promise<Store> {
  return createStore(await PostgresDriver.open({ url, max: opts.max }), crypto, opts);
}

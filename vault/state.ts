// Opens a vault: master key, database, audit log, catalog. Shared by the server and admin
// functions. The database is SQLite in the data folder (the default), or the PostgreSQL database
// `--database-url` / ALTER_VAULT_DATABASE_URL names (storage/database-url.ts); then the data
// folder holds only the master key file. The SQLite handle stays inside the SQLite opening:
// everything after it reads and writes through the store, and closing the state closes it.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadCatalog, type CatalogProvider } from "../catalog/index.js";
import { AtRest } from "./crypto/at-rest.js";
import { loadMasterKey, MASTER_KEY_ENV, masterKeyPath } from "./crypto/master-key.js";
import { settleMasterKey } from "./crypto/rotation-files.js";
import { adoptKeyState } from "./crypto/kek-state.js";
import { openSealingOn } from "./crypto/open-sealing.js";
import { SqliteDriver } from "./storage/sql/sqlite-driver.js";
import { openDatabase, type Db } from "./storage/db.js";
import { openAuditLog } from "./audit/open.js";
import { auditChainId } from "./audit/chain-id.js";
import type { AuditLog } from "./audit/log.js";
import { createStore, sqliteStore, type Store } from "./storage/store/index.js";
import type { SqlRunner } from "./storage/sql/driver.js";
import { chooseDatabase, choosePoolSize, type DatabaseChoice } from "./storage/database-url.js";
import { openPostgresDriver } from "./storage/open-postgres.js";
import { VaultUsageError } from "./errors.js";
import type { OpenedVault } from "./context.js";
import { maskSecrets } from "./quote.js";

export const DB_FILE = "vault.db";

/** Connections of a PostgreSQL vault's pool when nothing says otherwise (a 2-core instance). */
export const DEFAULT_POOL = 10;

export interface OpenOptions {
  now?: () => number;
  baseUrl?: string;
  /** Folder holding providers.yaml; defaults to the package's specs/. */
  specsDir?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * A postgres:// URL: run on that database instead of SQLite in the data folder.
   * @default env ALTER_VAULT_DATABASE_URL, else SQLite
   */
  databaseUrl?: string;
  /** PostgreSQL: how long to wait for a new connection or one statement's answer, in ms. @default 10000 */
  databaseTimeoutMs?: number;
  /** Connections in the PostgreSQL pool. @default env ALTER_VAULT_DATABASE_POOL, else 10 */
  databasePool?: number;
  /** PostgreSQL: the audit chain this instance appends to (docs/architecture.md "Audit log"). @default env ALTER_VAULT_INSTANCE_ID, else the host name */
  auditChain?: string;
}

/**
 * The AtRest for this folder's key, after settling what an interrupted rotation left behind
 * (crypto/rotation-files.ts: a pending key is moved into place or removed, whichever the data says).
 */
export async function openWithMasterKey(dir: string, db: Db, env?: NodeJS.ProcessEnv): Promise<AtRest> {
  const crypto = settleMasterKey(dir, db, loadMasterKey(dir, env), { env });
  // The database's current KEK and MAC root, followed while the vault runs (crypto/kek-state.ts).
  await adoptKeyState(new SqliteDriver(db), crypto, { follow: true });
  return crypto;
}

/** Throws VaultUsageError unless `dataDir` holds a vault database; returns the absolute folder. */
export function assertVaultFolder(dataDir: string): string {
  const dir = resolve(dataDir);
  if (!existsSync(join(dir, DB_FILE))) {
    throw new VaultUsageError(`${maskSecrets(dir)} is not a vault data folder (no ${DB_FILE}). Run \`alter-gen vault init --data ${maskSecrets(dataDir)}\` first.`);
  }
  return dir;
}

/** The PostgreSQL database chosen by `opts` (flag, then environment), or undefined for SQLite. */
export function databaseOf(opts: Pick<OpenOptions, "databaseUrl" | "env">): DatabaseChoice | undefined {
  return chooseDatabase(opts.databaseUrl, opts.env ?? process.env);
}

interface Opened {
  dir: string;
  store: Store;
  crypto: AtRest;
  /** Where to run `vault init` when the database holds no app. */
  initHint: string;
}

export async function openVaultState(dataDir: string, opts: OpenOptions = {}): Promise<OpenedVault> {
  const database = databaseOf(opts);
  const opened = database ? await openPostgres(dataDir, database, opts) : await openSqlite(dataDir, opts.env);
  const { dir, store, crypto } = opened;
  let audit: AuditLog | undefined;
  try {
    const app = await store.apps.first();
    if (!app) throw new VaultUsageError(opened.initHint);
    const now = opts.now ?? Date.now;
    // Opened once the app is known to exist: it may write the first checkpoint (audit/open.ts).
    audit = await openAuditLog({ dataDir: dir, store, crypto, now });
    const catalog = await loadCatalog(opts.specsDir);
    const byId = new Map<string, CatalogProvider>(catalog.providers.map((p) => [p.id, p]));
    const log = audit;
    let closing: Promise<void> | undefined;
    return {
      dataDir: dir,
      store,
      crypto,
      now,
      startedAt: now(),
      audit: log,
      catalogProvider: (id) => byId.get(id),
      baseUrl: opts.baseUrl ?? "",
      app,
      close() {
        // Rows still queued for their group commit are written before the database closes.
        closing ??= log.drain().finally(async () => {
          log.close();
          crypto.close();
          await store.close();
        });
        return closing;
      },
    };
  } catch (e) {
    audit?.close();
    crypto.close();
    await store.close().catch(() => {});
    throw e;
  }
}

/** The data folder's SQLite file, its key files settled; the handle is the store's from here on. */
async function openSqlite(dataDir: string, env: NodeJS.ProcessEnv | undefined): Promise<Opened> {
  const dir = assertVaultFolder(dataDir);
  const db = openDatabase(join(dir, DB_FILE));
  let crypto: AtRest;
  try {
    crypto = await openWithMasterKey(dir, db, env);
  } catch (e) {
    db.close();
    throw e;
  }
  return {
    dir,
    store: sqliteStore(db, crypto),
    crypto,
    initHint: `${maskSecrets(dir)} holds no app; run \`alter-gen vault init --data ${maskSecrets(dataDir)}\` again in an empty folder.`,
  };
}

/** The PostgreSQL database `database` names, with the data folder's master key. */
async function openPostgres(dataDir: string, database: DatabaseChoice, opts: OpenOptions): Promise<Opened> {
  const dir = resolve(dataDir);
  const env = opts.env ?? process.env;
  if (!env[MASTER_KEY_ENV] && !existsSync(masterKeyPath(dir))) {
    throw new VaultUsageError(
      `No master key for the vault in ${database.where}: ${maskSecrets(masterKeyPath(dir))} does not exist and ${MASTER_KEY_ENV} is not set. With ${database.from} the data folder (--data) holds only the master key: copy master.key from the machine that ran \`vault init\` (mode 0600), or set ${MASTER_KEY_ENV}.`,
    );
  }
  // Each instance appends to its own audit chain (audit/chain-id.ts: ALTER_VAULT_INSTANCE_ID, else the host name).
  const chain = opts.auditChain ?? auditChainId(env);
  const driver = await openPostgresDriver(database, choosePoolSize(opts.databasePool?.toString(), env, DEFAULT_POOL), `alter-vault ${chain}`, opts.databaseTimeoutMs);
  let crypto: AtRest;
  try {
    crypto = await sealingOn(driver, dir, env, database);
  } catch (e) {
    await driver.close().catch(() => {});
    throw e;
  }
  const store = createStore(driver, crypto, { auditChain: chain });
  return { dir, store, crypto, initHint: noVaultIn(database) };
}

/**
 * The sealing object of an instance on `r`'s database (crypto/open-sealing.ts: the folder's
 * keyring checked against the database, its key state followed). No key files to settle: a
 * rotation's leftovers are SQLite's.
 */
export async function sealingOn(r: SqlRunner, dir: string, env: NodeJS.ProcessEnv, database: DatabaseChoice, opts: { follow?: boolean } = {}): Promise<AtRest> {
  try {
    return await openSealingOn(r, dir, env, opts);
  } catch (e) {
    // No check row: the schema is there (open-postgres checked it) but `vault init` never ran.
    if (e instanceof VaultUsageError && /no master key check/.test(e.message)) throw new VaultUsageError(noVaultIn(database));
    throw e;
  }
}

function noVaultIn(database: DatabaseChoice): string {
  return `The database ${database.where} (${database.from}) holds no vault yet: run \`alter-gen vault init --database-url …\` (after \`vault migrate\`), or point ${database.from} at the vault's database.`;
}

// `vault init`: data folder, master key, database, the app and its first API key. On SQLite the
// database is a new file in the folder; on PostgreSQL (`--database-url`) it is a database `vault
// migrate` has brought up to date, and the folder gets only the master key file.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { generateApiKey } from "../../protocol/keys.js";
import { AtRest } from "../crypto/at-rest.js";
import { decodeMasterKey, generateMasterKey, MASTER_KEY_ENV, masterKeyPath, writeMasterKeyFile } from "../crypto/master-key.js";
import { writeMasterKeyCheck } from "../crypto/key-check.js";
import { openDatabase } from "../storage/db.js";
import { loadSqlite } from "../storage/sqlite.js";
import { sqliteStore, type Store } from "../storage/store/index.js";
import { DEFAULT_SCOPES } from "../keys/scopes.js";
import { AuditWriter } from "../audit/writer.js";
import type { AuditEntry, AuditLog } from "../audit/log.js";
import { openAuditLog, openAuditWriter } from "../audit/open.js";
import { VaultUsageError } from "../errors.js";
import { databaseOf, DB_FILE } from "../state.js";
import type { DatabaseChoice } from "../storage/database-url.js";
import { checkSchema, connectPostgres } from "../storage/open-postgres.js";
import { createStore } from "../storage/store/index.js";
import { DEFAULT_DATA_DIR } from "./open.js";
import { maskSecrets } from "../quote.js";

export interface InitOptions {
  dataDir?: string;
  /** A master key to use (base64url/hex of 32 bytes, or the bytes). Not written to disk. */
  masterKey?: string | Uint8Array;
  appName?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * A postgres:// URL: create the vault in that (migrated, empty) database; the data folder gets
   * only the master key. @default env ALTER_VAULT_DATABASE_URL, else SQLite in the data folder
   */
  databaseUrl?: string;
}

export interface InitResult {
  appId: string;
  keyId: string;
  /** The full API key: shown once, stored nowhere. */
  apiKey: string;
  dataDir: string;
  masterKeySource: "file" | "env" | "option";
  /** host:port/database of the PostgreSQL database, or null for SQLite in the data folder. */
  database: string | null;
}

/** Where the vault's records go, and how its first audit row is written and attested. */
interface Target {
  store: Store;
  /** Writes the init row inside the creating transaction (it joins it: both engines' logs do). */
  auditInTransaction(entry: AuditEntry): void;
  /** After the commit: the first checkpoint attesting that row. */
  attest(crypto: AtRest): Promise<void>;
  close(): Promise<void>;
}

export async function initVault(opts: InitOptions = {}): Promise<InitResult> {
  const dir = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  const env = opts.env ?? process.env;
  const database = databaseOf({ env, ...(opts.databaseUrl !== undefined ? { databaseUrl: opts.databaseUrl } : {}) });
  if (database) {
    // Schema and emptiness are checked before a key file is written, so a refusal leaves nothing.
    await usableDatabase(database);
  } else {
    // A missing or unbuilt better-sqlite3 fails here, with the fix, before anything is written.
    loadSqlite();
    if (existsSync(join(dir, DB_FILE))) {
      throw new VaultUsageError(`${maskSecrets(dir)} already holds a vault (${DB_FILE}); use another --data folder or remove it first.`);
    }
  }
  const createdDir = mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  try {
    return await createVault(dir, env, opts, written, database);
  } catch (error) {
    // Never leave a half-made data folder that blocks the next `vault init`.
    for (const file of written) rmSync(file, { force: true });
    if (createdDir) rmSync(createdDir, { recursive: true, force: true });
    throw error;
  }
}

async function createVault(dir: string, env: NodeJS.ProcessEnv, opts: InitOptions, written: string[], database: DatabaseChoice | undefined): Promise<InitResult> {
  const { crypto, source } = masterKeyFor(dir, env, opts, written);
  const target = database ? await postgresTarget(dir, database, crypto) : sqliteTarget(dir, crypto, written);
  try {
    const { store } = target;
    const now = Date.now();
    const generated = generateApiKey();
    // The key check, the app, its first key and the audit row commit together or not at all.
    const app = await store.sql.transaction(async (tx) => {
      if (tx.dialect === "postgres") {
        // Two `vault init` runs on one database take turns; the second finds the first's app.
        await tx.get("SELECT pg_advisory_xact_lock(?)", [INIT_LOCK]);
        if (await tx.get("SELECT 1 AS one FROM apps LIMIT 1")) throw new VaultUsageError(alreadyHeld(database!));
      }
      await writeMasterKeyCheck(tx, crypto);
      const app = await store.apps.create(opts.appName ?? "default", now, undefined, tx);
      // The first key is the operator's own service key: every scope (vault/keys/scopes.ts).
      await store.apiKeys.insert({ id: generated.keyId, appId: app.id, label: "initial", derived: generated.keys, kind: "service", scopes: DEFAULT_SCOPES.service }, now, tx);
      target.auditInTransaction({
        action: "admin",
        outcome: "success",
        appId: app.id,
        keyId: generated.keyId,
        caller: "alter-gen vault",
        callerType: "service",
        details: { command: "init" },
      });
      return app;
    });
    await target.attest(crypto);
    return { appId: app.id, keyId: generated.keyId, apiKey: generated.apiKey, dataDir: dir, masterKeySource: source, database: database?.where ?? null };
  } finally {
    await target.close();
  }
}

/** `pg_advisory_xact_lock` key of `vault init` ("init"). */
const INIT_LOCK = 0x696e6974;

function masterKeyFor(dir: string, env: NodeJS.ProcessEnv, opts: InitOptions, written: string[]): { crypto: AtRest; source: InitResult["masterKeySource"] } {
  let key: Buffer;
  let source: InitResult["masterKeySource"];
  if (opts.masterKey !== undefined) {
    key = typeof opts.masterKey === "string" ? decodeMasterKey(opts.masterKey, "The masterKey option") : Buffer.from(opts.masterKey);
    if (key.length !== 32) throw new VaultUsageError("The masterKey option must be 32 bytes.");
    source = "option";
  } else if (env[MASTER_KEY_ENV]) {
    key = decodeMasterKey(env[MASTER_KEY_ENV]!, `The environment variable ${MASTER_KEY_ENV}`);
    source = "env";
  } else {
    if (existsSync(masterKeyPath(dir))) throw new VaultUsageError(`${maskSecrets(masterKeyPath(dir))} already exists; remove it or init another folder.`);
    key = generateMasterKey();
    written.push(masterKeyPath(dir));
    writeMasterKeyFile(masterKeyPath(dir), key);
    source = "file";
  }
  const crypto = new AtRest(key);
  key.fill(0);
  return { crypto, source };
}

function sqliteTarget(dir: string, crypto: AtRest, written: string[]): Target {
  // The database only holds sealed secrets, but nobody else needs to read it either.
  written.push(...["", "-wal", "-shm", "-journal"].map((suffix) => join(dir, DB_FILE + suffix)));
  closeSync(openSync(join(dir, DB_FILE), "a", 0o600));
  chmodSync(join(dir, DB_FILE), 0o600);
  const db = openDatabase(join(dir, DB_FILE));
  return {
    store: sqliteStore(db, crypto),
    // Inside a store transaction the writer's row joins it (sql/sqlite-driver.ts storeTransaction).
    auditInTransaction: (entry) => void new AuditWriter(db).write(entry),
    // The first checkpoint, attesting the row above (audit/open.ts).
    attest: async (c) => openAuditWriter(dir, db, c).close(),
    close: async () => {
      db.close();
    },
  };
}

async function postgresTarget(dir: string, database: DatabaseChoice, crypto: AtRest): Promise<Target> {
  const store = createStore(await connectPostgres(database, 2), crypto);
  let log: AuditLog;
  try {
    log = await openAuditLog({ dataDir: dir, store, crypto });
  } catch (e) {
    await store.close();
    throw e;
  }
  return {
    store,
    // Written inside the store transaction, the row joins it (audit/pg-log.ts).
    auditInTransaction: (entry) => void log.write(entry),
    attest: async () => {
      await log.drain();
    },
    close: async () => {
      await log.drain().catch(() => {});
      log.close();
      await store.close();
    },
  };
}

/** Refuses a database without the current schema, or one that already holds a vault. */
async function usableDatabase(database: DatabaseChoice): Promise<void> {
  const driver = await connectPostgres(database, 1);
  try {
    await checkSchema(driver, database);
    if (await driver.get("SELECT 1 AS one FROM apps LIMIT 1")) throw new VaultUsageError(alreadyHeld(database));
  } finally {
    await driver.close();
  }
}

function alreadyHeld(database: DatabaseChoice): string {
  return `The database ${database.where} (${database.from}) already holds a vault; \`vault init\` creates one only in an empty, migrated database. To serve it from another machine, copy its master key file into that machine's --data folder instead.`;
}

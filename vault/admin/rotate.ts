// `vault rotate-master-key` on a SQLite data folder: a KEK rotation (admin/rotate-keks.ts) over
// the folder's database, while a server may be serving it. The server picks up the new KEK from
// the database (crypto/kek-state.ts) and the folder (keyring.json), so it need not stop; only
// with the key in ALTER_VAULT_MASTER_KEY, which a running server cannot re-read, must it be
// stopped. What an interrupted rotation of the format before envelopes left behind (master.key.new)
// is settled first (crypto/rotation-files.ts).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { decodeMasterKey, loadMasterKey } from "../crypto/master-key.js";
import { settleMasterKey, takeRotationLock } from "../crypto/rotation-files.js";
import { PENDING_KEY_SUFFIX } from "../crypto/rotation-files.js";
import { openDatabase, type Db } from "../storage/db.js";
import { openAuditLog, openAuditWriter } from "../audit/open.js";
import { sqliteStore } from "../storage/store/index.js";
import { VaultUsageError } from "../errors.js";
import { databaseOf, DB_FILE, sealingOn } from "../state.js";
import { DEFAULT_DATA_DIR } from "./open.js";
import { acquireServerLock, type ServerLock } from "./server-lock.js";
import { maskSecrets } from "../quote.js";
import { rotateKeks, type KekRotationOptions, type KekRotationResult } from "./rotate-keks.js";
import type { AtRest } from "../crypto/at-rest.js";
import { MASTER_KEY_ENV } from "../crypto/master-key.js";
import type { DatabaseChoice } from "../storage/database-url.js";
import { openPostgresDriver } from "../storage/open-postgres.js";
import type { PostgresDriver } from "../storage/sql/postgres-driver.js";
import { auditChainId } from "../audit/chain-id.js";
import { createStore } from "../storage/store/index.js";

export { PENDING_KEY_SUFFIX };

export interface RotateOptions {
  dataDir?: string;
  /** The new key (base64url/hex). Required when the current key comes from ALTER_VAULT_MASTER_KEY. */
  newMasterKey?: string;
  env?: NodeJS.ProcessEnv;
  /** Rotate the KEK of the PostgreSQL database several instances serve (each follows it). */
  databaseUrl?: string;
  /** Stop once the new KEK is in this folder's keyring.json and known to the database (copy it to other instances, then run again). */
  addOnly?: boolean;
  /** Overrides how long to wait for serving instances to follow the new KEK (tests). */
  settleMs?: number;
  batchSize?: number;
  afterBatch?: KekRotationOptions["afterBatch"];
}

export interface RotateResult {
  /** How many sealed values were rewrapped under the new KEK. */
  resealed: number;
  /** Where the new key lives: the key file, or the caller must put it in the environment. */
  keyDestination: "file" | "env";
  kekId: string;
  phase: KekRotationResult["phase"];
  retired: string[];
}

export async function rotateMasterKey(opts: RotateOptions = {}): Promise<RotateResult> {
  const dir = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  const database = databaseOf(opts);
  if (database) return rotateOnPostgres(dir, database, opts);
  if (!existsSync(join(dir, DB_FILE))) throw new VaultUsageError(`${maskSecrets(dir)} is not a vault data folder (no ${DB_FILE}).`);
  const current = loadMasterKey(dir, opts.env);
  if (current.source === "env" && !opts.newMasterKey) {
    throw new VaultUsageError(
      "The master key comes from ALTER_VAULT_MASTER_KEY, so the new key must too: generate one, pass it with --new-key-from-env <VAR>, then set ALTER_VAULT_MASTER_KEY to it.",
    );
  }
  const newKey = opts.newMasterKey ? decodeMasterKey(opts.newMasterKey, "The new master key") : undefined;
  // No server may serve a folder whose key comes from the environment (it could not learn the new
  // KEK); with key files the server lock only tells whether one serves, and so how long to wait.
  let serverLock: ServerLock | undefined;
  try {
    serverLock = await acquireServerLock(dir, "rotating the master key (it still holds the old key)", "rotating the master key of");
  } catch (e) {
    if (current.source === "env") throw e;
  }
  let releaseFiles: (() => void) | undefined;
  let db: Db | undefined;
  try {
    // master.key.lock: nobody settles this folder's key files while the rotation changes them.
    releaseFiles = takeRotationLock(dir);
    db = openDatabase(join(dir, DB_FILE));
    const crypto = settleMasterKey(dir, db, current, { holdsLock: true, env: opts.env ?? process.env, ...(newKey ? { alsoKeys: [newKey] } : {}) });
    const store = sqliteStore(db, crypto);
    const r = await rotateKeks({
      sql: store.sql,
      crypto,
      ...(current.source === "file" ? { dataDir: dir } : {}),
      ...(newKey ? { newKey } : {}),
      ...(opts.addOnly ? { addOnly: true } : {}),
      // Nobody serves: nobody to wait for.
      settleMs: opts.settleMs ?? (serverLock ? 0 : undefined),
      ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
      ...(opts.afterBatch ? { afterBatch: opts.afterBatch } : {}),
    });
    const audit = openAuditWriter(dir, db, crypto);
    const app = await store.apps.first();
    await audit.commit({
      action: "admin",
      outcome: "success",
      appId: app?.id ?? null,
      caller: "alter-gen vault",
      callerType: "service",
      details: { command: "rotate-master-key", kek: r.kekId, phase: r.phase, resealed: r.rewrapped, retired: r.retired },
    });
    audit.close();
    crypto.close();
    return { resealed: r.rewrapped, keyDestination: current.source, kekId: r.kekId, phase: r.phase, retired: r.retired };
  } finally {
    newKey?.fill(0);
    db?.close();
    releaseFiles?.();
    serverLock?.release();
  }
}

/**
 * The same KEK rotation on the PostgreSQL database instances serve: this folder's keyring gets the
 * new KEK (copy keyring.json to every other instance's folder after an --add-only run), and each
 * instance follows the database's current KEK (crypto/kek-state.ts). Key files only: an instance
 * holding its key in ALTER_VAULT_MASTER_KEY could not learn the new one.
 */
async function rotateOnPostgres(dir: string, database: DatabaseChoice, opts: RotateOptions): Promise<RotateResult> {
  if (opts.newMasterKey !== undefined) {
    throw new VaultUsageError(`--new-key-from-env is for a SQLite folder whose key is in ${MASTER_KEY_ENV}. On ${database.where} (${database.from}) the new KEK is generated into this folder's keyring.json, which the instances read: leave the flag out.`);
  }
  const env = opts.env ?? process.env;
  if (env[MASTER_KEY_ENV]) {
    throw new VaultUsageError(`Rotating the key of ${database.where} (${database.from}) needs the master key in the data folder's key file, not in ${MASTER_KEY_ENV}: serving instances follow the new KEK through their keyring files.`);
  }
  const releaseFiles = takeRotationLock(dir);
  let driver: PostgresDriver;
  try {
    driver = await openPostgresDriver(database, 2);
  } catch (e) {
    releaseFiles();
    throw e;
  }
  let crypto: AtRest | undefined;
  try {
    crypto = await sealingOn(driver, dir, env, database, { follow: false });
    // The row goes to this machine's chain, as every admin command's does (audit/chain-id.ts).
    const store = createStore(driver, crypto, { auditChain: auditChainId(env) });
    const r = await rotateKeks({
      sql: driver,
      crypto,
      dataDir: dir,
      ...(opts.addOnly ? { addOnly: true } : {}),
      ...(opts.settleMs !== undefined ? { settleMs: opts.settleMs } : {}),
      ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
      ...(opts.afterBatch ? { afterBatch: opts.afterBatch } : {}),
    });
    const app = await store.apps.first();
    // Opened as every command's log is, so the row is attested by the chain's checkpoint row.
    const audit = await openAuditLog({ dataDir: dir, store, crypto });
    await audit.commit({
      action: "admin",
      outcome: "success",
      appId: app?.id ?? null,
      caller: "alter-gen vault",
      callerType: "service",
      details: { command: "rotate-master-key", kek: r.kekId, phase: r.phase, resealed: r.rewrapped, retired: r.retired },
    });
    await audit.drain();
    audit.close();
    return { resealed: r.rewrapped, keyDestination: "file", kekId: r.kekId, phase: r.phase, retired: r.retired };
  } finally {
    crypto?.close();
    await driver.close();
    releaseFiles();
  }
}

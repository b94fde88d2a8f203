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
import { openAuditWriter } from "../audit/open.js";
import { sqliteStore } from "../storage/store/index.js";
import { VaultUsageError } from "../errors.js";
import { DB_FILE } from "../state.js";
import { DEFAULT_DATA_DIR } from "./open.js";
import { acquireServerLock, type ServerLock } from "./server-lock.js";
import { maskSecrets } from "../quote.js";
import { rotateKeks, type KekRotationOptions, type KekRotationResult } from "./rotate-keks.js";

export { PENDING_KEY_SUFFIX };

export interface RotateOptions {
  dataDir?: string;
  /** The new key (base64url/hex). Required when the current key comes from ALTER_VAULT_MASTER_KEY. */
  newMasterKey?: string;
  env?: NodeJS.ProcessEnv;
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

// `vault rotate-master-key`: re-seals every sealed column under a new master key in one
// transaction. The steps, and which key file is authoritative after each, are described in
// crypto/rotation-files.ts, which also settles what an interrupted rotation left on the next open.
import { existsSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { AtRest } from "../crypto/at-rest.js";
import { decodeMasterKey, generateMasterKey, loadMasterKey, masterKeyPath, syncDir, writeMasterKeyFile } from "../crypto/master-key.js";
import { checkMasterKey } from "../crypto/key-check.js";
import { PENDING_KEY_SUFFIX, settleMasterKey, takeRotationLock } from "../crypto/rotation-files.js";
import { resealAll } from "../crypto/sealed-columns.js";
import { openDatabase, type Db } from "../storage/db.js";
import { AuditWriter } from "../audit/writer.js";
import { CheckpointFile } from "../audit/checkpoint.js";
import { checkpointHolds } from "../audit/open.js";
import { sqliteStore } from "../storage/store/index.js";
import { VaultUsageError } from "../errors.js";
import { databaseOf, DB_FILE } from "../state.js";
import { DEFAULT_DATA_DIR } from "./open.js";
import { acquireServerLock } from "./server-lock.js";
import { maskSecrets } from "../quote.js";

export { PENDING_KEY_SUFFIX };

export interface RotateOptions {
  dataDir?: string;
  /** The new key (base64url/hex). Required when the current key comes from ALTER_VAULT_MASTER_KEY. */
  newMasterKey?: string;
  env?: NodeJS.ProcessEnv;
  /** Refused: a rotation here re-seals one SQLite data folder (see the refusal below). */
  databaseUrl?: string;
}

export interface RotateResult {
  /** How many sealed values were re-sealed. */
  resealed: number;
  /** Where the new key lives: the key file, or the caller must put it in the environment. */
  keyDestination: "file" | "env";
}

export async function rotateMasterKey(opts: RotateOptions = {}): Promise<RotateResult> {
  const dir = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  const database = databaseOf(opts);
  if (database) {
    // Instances serving one PostgreSQL database each hold the key; swapping it under them needs
    // the envelope format's rotation while serving, not this stop-the-world re-seal.
    throw new VaultUsageError(
      `vault rotate-master-key re-seals a SQLite data folder with its server stopped; it does not rotate the key of the PostgreSQL database ${database.where} (${database.from}). ${database.from === "--database-url" ? "Leave out --database-url" : `Unset ${database.from}`} to rotate the folder's SQLite vault.`,
    );
  }
  if (!existsSync(join(dir, DB_FILE))) throw new VaultUsageError(`${maskSecrets(dir)} is not a vault data folder (no ${DB_FILE}).`);
  // The server lock, held for the whole rotation: no server can start on the old key meanwhile.
  // master.key.lock (taken inside) keeps every other opener from settling the key files under it.
  const lock = await acquireServerLock(dir, "rotating the master key (it still holds the old key)", "rotating the master key of");
  try {
    return await rotateLocked(dir, opts);
  } finally {
    lock.release();
  }
}

async function rotateLocked(dir: string, opts: RotateOptions): Promise<RotateResult> {
  const current = loadMasterKey(dir, opts.env);
  if (current.source === "env" && !opts.newMasterKey) {
    throw new VaultUsageError(
      "The master key comes from ALTER_VAULT_MASTER_KEY, so the new key must too: generate one, pass it with --new-key-from-env <VAR>, then set ALTER_VAULT_MASTER_KEY to it.",
    );
  }
  const next = opts.newMasterKey ? decodeMasterKey(opts.newMasterKey, "The new master key") : generateMasterKey();
  const release = takeRotationLock(dir);
  const db = openDatabase(join(dir, DB_FILE));
  const file = masterKeyPath(dir);
  const pending = file + PENDING_KEY_SUFFIX;
  let oldCrypto: AtRest | undefined;
  try {
    // A rotation interrupted earlier is completed (or its leftover removed) before this one starts.
    oldCrypto = settleMasterKey(dir, db, current, { holdsLock: true });
    const newCrypto = new AtRest(next);
    // The re-sealed data must reach the disk before the new key file replaces the old one.
    db.pragma("synchronous = FULL");
    const checkpoints = reSignCheckpoint(dir, db, oldCrypto, newCrypto);
    if (current.source === "file") {
      rmSync(pending, { force: true });
      writeMasterKeyFile(pending, next);
    }
    const audit = new AuditWriter(db, Date.now, { seqFloor: checkpoints.floor });
    // The store over this handle: the re-sealing and its audit row commit together.
    const store = sqliteStore(db, newCrypto);
    const app = await store.apps.first();
    const resealed = await store.sql.transaction(async (tx) => {
      const n = await resealAll(tx, oldCrypto!, newCrypto);
      audit.write({
        action: "admin",
        outcome: "success",
        appId: app?.id ?? null,
        caller: "alter-gen vault",
        callerType: "service",
        details: { command: "rotate-master-key", resealed: n },
      });
      return n;
    });
    checkpoints.after(audit.head());
    if (current.source === "file") {
      renameSync(pending, file);
      syncDir(dir);
    }
    next.fill(0);
    return { resealed, keyDestination: current.source };
  } catch (e) {
    if (current.source === "file" && existsSync(pending) && oldCrypto) {
      // The transaction rolled back: the old key is still the right one.
      try {
        checkMasterKey(db, oldCrypto);
        rmSync(pending, { force: true });
      } catch {
        // keep the pending key: the next open settles whichever key opens the data
      }
    }
    throw e;
  } finally {
    db.close();
    release();
  }
}

/**
 * The audit checkpoint is signed with a key derived from the master key. Before the data moves to
 * the new key, the newest checkpoint is re-signed with it into the other slot (so whichever key
 * ends up authoritative finds a checkpoint it can verify); after the commit the rotation's own row
 * is attested. A checkpoint that does not hold is left alone, so a rotation never launders damage.
 */
function reSignCheckpoint(dir: string, db: Db, oldCrypto: AtRest, newCrypto: AtRest): { floor: number; after(head: { seq: number; hash: string }): void } {
  const oldFile = new CheckpointFile(dir, oldCrypto);
  const state = oldFile.read();
  const floor = state.status === "ok" ? state.checkpoint.seq : 0;
  if (state.status !== "ok" || !checkpointHolds(db, state)) return { floor, after() {} };
  const slot = oldFile.nextSlot;
  const newFile = new CheckpointFile(dir, newCrypto);
  newFile.write(state.checkpoint, slot);
  newFile.syncNow();
  return {
    floor,
    after(head) {
      newFile.write({ ...head, time: new Date().toISOString() }, 1 - slot);
      newFile.syncNow();
    },
  };
}

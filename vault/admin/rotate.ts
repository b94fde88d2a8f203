// `vault rotate-master-key`: re-seals every sealed column under a new master key in one
// transaction. The new key file is written next to the old one first and renamed into place
// after the commit; if the process dies in between, opening the vault finds the pending key
// (see state.ts), so data and key never disagree.
import { existsSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { AtRest } from "../crypto/at-rest.js";
import { decodeMasterKey, generateMasterKey, loadMasterKey, masterKeyPath, writeMasterKeyFile } from "../crypto/master-key.js";
import { checkMasterKey } from "../crypto/key-check.js";
import { sealedColumns } from "../crypto/sealed-columns.js";
import { openDatabase } from "../storage/db.js";
import { AuditWriter } from "../audit/writer.js";
import { defaultApp } from "../storage/apps.js";
import { VaultUsageError } from "../errors.js";
import { DB_FILE } from "../state.js";
import { DEFAULT_DATA_DIR } from "./open.js";
import { acquireServerLock } from "./server-lock.js";

export const PENDING_KEY_SUFFIX = ".new";

export interface RotateOptions {
  dataDir?: string;
  /** The new key (base64url/hex). Required when the current key comes from ALTER_VAULT_MASTER_KEY. */
  newMasterKey?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RotateResult {
  /** How many sealed values were re-sealed. */
  resealed: number;
  /** Where the new key lives: the key file, or the caller must put it in the environment. */
  keyDestination: "file" | "env";
}

export async function rotateMasterKey(opts: RotateOptions = {}): Promise<RotateResult> {
  const dir = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  if (!existsSync(join(dir, DB_FILE))) throw new VaultUsageError(`${dir} is not a vault data folder (no ${DB_FILE}).`);
  // The server lock, held for the whole rotation: no server can start on the old key meanwhile.
  const lock = await acquireServerLock(dir, "rotating the master key (it still holds the old key)", "rotating the master key of");
  try {
    return rotateLocked(dir, opts);
  } finally {
    lock.release();
  }
}

function rotateLocked(dir: string, opts: RotateOptions): RotateResult {
  const current = loadMasterKey(dir, opts.env);
  if (current.source === "env" && !opts.newMasterKey) {
    throw new VaultUsageError(
      "The master key comes from ALTER_VAULT_MASTER_KEY, so the new key must too: generate one, pass it with --new-key-from-env <VAR>, then set ALTER_VAULT_MASTER_KEY to it.",
    );
  }
  const next = opts.newMasterKey ? decodeMasterKey(opts.newMasterKey, "The new master key") : generateMasterKey();
  const oldCrypto = new AtRest(current.key);
  const newCrypto = new AtRest(next);
  current.key.fill(0);
  const db = openDatabase(join(dir, DB_FILE));
  const file = masterKeyPath(dir);
  const pending = file + PENDING_KEY_SUFFIX;
  try {
    checkMasterKey(db, oldCrypto);
    if (current.source === "file") {
      rmSync(pending, { force: true });
      writeMasterKeyFile(pending, next);
    }
    let resealed = 0;
    db.transaction(() => {
      for (const c of sealedColumns) {
        const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(c.table);
        if (!exists) continue;
        const rows = db
          .prepare(`SELECT rowid AS rid, ${c.idColumn} AS rec, ${c.column} AS val FROM ${c.table} WHERE ${c.column} IS NOT NULL${c.where ? ` AND (${c.where})` : ""}`)
          .all() as { rid: number; rec: string; val: string }[];
        const update = db.prepare(`UPDATE ${c.table} SET ${c.column} = ? WHERE rowid = ?`);
        for (const r of rows) {
          const plain = oldCrypto.open(c.purpose, String(r.rec), r.val);
          update.run(newCrypto.seal(c.purpose, String(r.rec), plain), r.rid);
          plain.fill(0);
          resealed++;
        }
      }
      const app = defaultApp(db);
      new AuditWriter(db).write({
        action: "admin",
        outcome: "success",
        appId: app?.id ?? null,
        caller: "alter-gen vault",
        callerType: "service",
        details: { command: "rotate-master-key", resealed },
      });
    })();
    if (current.source === "file") renameSync(pending, file);
    next.fill(0);
    return { resealed, keyDestination: current.source };
  } catch (e) {
    if (current.source === "file" && existsSync(pending)) {
      // The transaction rolled back: the old key is still the right one.
      try {
        checkMasterKey(db, oldCrypto);
        rmSync(pending, { force: true });
      } catch {
        // keep the pending key: state.ts will pick whichever key opens the data
      }
    }
    throw e;
  } finally {
    db.close();
  }
}

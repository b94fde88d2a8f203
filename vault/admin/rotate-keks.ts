// Master-key rotation while instances serve, on either engine (issue 14). The steps, each
// recorded in the database (keks, migration 094) so a run interrupted anywhere is finished by
// running the command again:
//   a. a new KEK is generated, added to this data folder's keyring.json and recorded as `known`
//      (with `addOnly` the run stops here, so the operator can copy keyring.json to every other
//      instance's data folder first; an instance also reads its folder again when it meets a KEK
//      it does not hold);
//   b. it is made `current` and the previous one `retiring`, in one transaction; instances follow
//      within CURRENT_KEK_SETTLE_MS (crypto/kek-state.ts), which the run waits out;
//   c. every sealed value not under it is rewrapped in short batches (crypto/rewrap.ts);
//   d. once no value is under any other KEK, the retiring KEKs become `retired`, and this folder's
//      master.key holds the new KEK (keyring.json keeps only what is not retired).
// A second rotation over the same database is refused (crypto/rotation-lease.ts).
import { setTimeout as sleep } from "node:timers/promises";
import { VaultUsageError } from "../errors.js";
import type { AtRest } from "../crypto/at-rest.js";
import { addKekToFolder, kekIdOf, readKeyringFile, writeKeyringFile } from "../crypto/folder-keyring.js";
import { adoptKeyState, CURRENT_KEK_SETTLE_MS, keks, recordKek } from "../crypto/kek-state.js";
import { generateMasterKey, masterKeyPath, writeMasterKeyFile } from "../crypto/master-key.js";
import { countNotUnder, rewrapAll, type RewrapOptions } from "../crypto/rewrap.js";
import { takeRotationLease } from "../crypto/rotation-lease.js";
import type { SqlDriver } from "../storage/sql/driver.js";

export interface KekRotationOptions {
  sql: SqlDriver;
  /** The rotation's own sealing object over this folder's keyring (not an instance's). */
  crypto: AtRest;
  /** The data folder whose keyring gets the new KEK; none when the key comes from the environment. */
  dataDir?: string;
  /** The new KEK (from the environment); generated when absent. */
  newKey?: Buffer;
  /** Stop after step a (the KEK is added and known, not current). */
  addOnly?: boolean;
  /** How long to wait for instances to follow a new current KEK. @default CURRENT_KEK_SETTLE_MS */
  settleMs?: number;
  batchSize?: RewrapOptions["batchSize"];
  /** Called after each rewrap batch (tests interrupt a rotation here). */
  afterBatch?: RewrapOptions["afterBatch"];
  now?: () => number;
}

export interface KekRotationResult {
  /** The new KEK's id. */
  kekId: string;
  /** How far this run went. */
  phase: "added" | "retired";
  /** Values rewrapped by this run. */
  rewrapped: number;
  /** KEKs retired by this run. */
  retired: string[];
}

export async function rotateKeks(opts: KekRotationOptions): Promise<KekRotationResult> {
  const { sql, crypto } = opts;
  const now = opts.now ?? Date.now;
  const lease = await takeRotationLease(sql, now);
  try {
    await adoptKeyState(sql, crypto, { now: now() });
    const unsettled = opts.dataDir ? await unsettledFolder(sql, opts.dataDir) : undefined;
    if (unsettled) {
      // A run stopped between retiring and settling the folder's files: only that is left.
      settleFolder(opts.dataDir!, crypto, unsettled, []);
      return { kekId: unsettled, phase: "retired", rewrapped: 0, retired: [] };
    }
    const target = await targetKek(opts, now);
    if (opts.addOnly) {
      // Only ever adds: a KEK added before is reported again, a rotation under way is left alone.
      if (!target.makeCurrent) throw new VaultUsageError(`A rotation to KEK "${target.id}" is under way; run the command without --add-only to finish it.`);
      return { kekId: target.id, phase: "added", rewrapped: 0, retired: [] };
    }
    if (target.makeCurrent) {
      await sql.transaction(async (tx) => {
        const at = new Date(now()).toISOString();
        await tx.run("UPDATE keks SET status = 'retiring', changed_at = ? WHERE status = 'current'", [at]);
        const n = await tx.run("UPDATE keks SET status = 'current', changed_at = ? WHERE id = ? AND status = 'known'", [at, target.id]);
        if (n.changes !== 1) throw new Error(`KEK "${target.id}" is no longer known to the database`);
      });
      // Every instance re-reads the current KEK; after this none wraps under the old one any more.
      await sleep(opts.settleMs ?? CURRENT_KEK_SETTLE_MS);
    }
    if (!crypto.keyring.useCurrent(target.id)) throw new VaultUsageError(`This data folder's keyring does not hold the current KEK "${target.id}".`);
    await lease.renew();
    const rewrapped = await rewrapAll(sql, crypto, {
      ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
      afterBatch: async (n) => {
        await lease.renew();
        await opts.afterBatch?.(n);
      },
    });
    const retired = await retire(sql, target.id, now);
    if (opts.dataDir) settleFolder(opts.dataDir, crypto, target.id, retired);
    return { kekId: target.id, phase: "retired", rewrapped, retired };
  } finally {
    await lease.release();
  }
}

/** The KEK this run moves to: one a previous run made current or added (resumed), else a new one. */
async function targetKek(opts: KekRotationOptions, now: () => number): Promise<{ id: string; added: boolean; makeCurrent: boolean }> {
  const rows = await keks(opts.sql);
  const current = rows.find((r) => r.status === "current")!;
  // A run that made its KEK current and stopped: finish rewrapping towards it.
  if (rows.some((r) => r.status === "retiring")) return { id: current.id, added: false, makeCurrent: false };
  const newId = opts.newKey ? kekIdOf(opts.newKey) : undefined;
  const known = rows.find((r) => r.status === "known" && (newId === undefined || r.id === newId));
  if (known) {
    if (opts.newKey) opts.crypto.keyring.adopt(opts.newKey);
    if (!opts.crypto.keyring.holds(known.id)) {
      throw new VaultUsageError(`A rotation added KEK "${known.id}", which this data folder's keyring does not hold: run the command where it was added, or copy that folder's keyring.json here.`);
    }
    return { id: known.id, added: false, makeCurrent: true };
  }
  const key = opts.newKey ?? generateMasterKey();
  try {
    // The key is in the folder (durably) before the database names it.
    const id = opts.dataDir && !opts.newKey ? addKekToFolder(opts.dataDir, key) : kekIdOf(key);
    opts.crypto.keyring.adopt(key);
    await recordKek(opts.sql, id, "known", now());
    return { id, added: true, makeCurrent: true };
  } finally {
    if (!opts.newKey) key.fill(0);
  }
}

/** The current KEK when a finished rotation left it in keyring.json instead of master.key. */
async function unsettledFolder(sql: SqlDriver, dataDir: string): Promise<string | undefined> {
  const rows = await keks(sql);
  if (rows.some((r) => r.status === "known" || r.status === "retiring")) return undefined;
  const current = rows.find((r) => r.status === "current")?.id;
  return current && readKeyringFile(dataDir).has(current) ? current : undefined;
}

/** Step d: the retiring KEKs become retired once no value is under anything but `target`. */
async function retire(sql: SqlDriver, target: string, now: () => number): Promise<string[]> {
  const left = await countNotUnder(sql, target);
  if (left > 0) throw new Error(`${left} sealed values are still under another KEK than "${target}"; run the rotation again`);
  const retiring = (await keks(sql)).filter((r) => r.status === "retiring").map((r) => r.id);
  const at = new Date(now()).toISOString();
  for (const id of retiring) await sql.run("UPDATE keks SET status = 'retired', changed_at = ? WHERE id = ? AND status = 'retiring'", [at, id]);
  return retiring;
}

/**
 * This folder after the rotation: master.key holds the current KEK (written first, atomically),
 * keyring.json keeps only KEKs that are neither retired nor in master.key (removed when empty).
 */
function settleFolder(dataDir: string, crypto: AtRest, target: string, retired: readonly string[]): void {
  const inFile = readKeyringFile(dataDir);
  const key = inFile.get(target);
  if (key) writeMasterKeyFile(masterKeyPath(dataDir), key);
  for (const id of [target, ...retired]) inFile.delete(id);
  writeKeyringFile(dataDir, inFile);
  crypto.keyring.drop(retired);
}

// What a master-key rotation of the format before envelopes left in the data folder, and putting
// it right on the next open. (Rotations now rotate KEKs with their state in the database,
// admin/rotate-keks.ts, and leave no master.key.new; a folder an older version was rotating may.)
//
// Such a rotation held master.key.lock for its whole run and goes:
//   1. writes the new key to master.key.new (tmp file, fsync, rename, fsync of the folder);
//   2. re-seals every sealed column in one transaction and commits it durably;
//   3. renames master.key.new over master.key (fsync of the folder).
// Which file is authoritative is never guessed from the step: the key that opens the database's
// sealed check value is the key of the data. Before 2 commits that is master.key, and a
// master.key.new beside it is the leftover of a rotation that never happened: it is removed.
// After 2 and before 3 it is master.key.new: it is moved into place (the rotation is completed).
// Temporary files of dead processes (master.key*.tmp-<pid>) are removed. None of this runs while
// a live process holds the lock, so a rotation in progress is never undone under it.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { VaultUsageError } from "../errors.js";
import type { Db } from "../storage/db.js";
import { AtRest } from "./at-rest.js";
import { checkMasterKey } from "./key-check.js";
import { decodeMasterKey, loadMasterKey, MASTER_KEY_FILE, masterKeyPath, syncDir, type LoadedMasterKey } from "./master-key.js";
import { FolderKeyring } from "./folder-keyring.js";

export const PENDING_KEY_SUFFIX = ".new";
export const ROTATION_LOCK = "master.key.lock";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes master.key.lock (O_EXCL), taking over a lock whose process is dead. Returns the release
 * function, or undefined when a live process holds it.
 */
export function tryRotationLock(dataDir: string): (() => void) | undefined {
  const file = join(dataDir, ROTATION_LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A folder we may not write (a read-only copy being inspected): nothing to settle here.
      if (code === "EACCES" || code === "EPERM" || code === "EROFS") return undefined;
      if (code !== "EEXIST") throw e;
      const pid = Number.parseInt(readText(file) ?? "", 10);
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) return undefined;
      // A lock left by a dead process (or half-written): take it over.
      rmSync(file, { force: true });
    }
  }
  return undefined;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function opens(db: Db, crypto: AtRest): boolean {
  try {
    checkMasterKey(db, crypto);
    return true;
  } catch {
    return false;
  }
}

/**
 * The AtRest over this folder's keyring (crypto/folder-keyring.ts), after settling any leftover of an interrupted rotation.
 * `loaded` is the configured key (file or environment).
 */
export function settleMasterKey(
  dataDir: string,
  db: Db,
  loaded: LoadedMasterKey,
  opts: { holdsLock?: boolean; env?: NodeJS.ProcessEnv; alsoKeys?: readonly Buffer[] } = {},
): AtRest {
  const ring = FolderKeyring.fromFolder(dataDir, loaded, opts.env);
  // A KEK given to a rotation from the environment: the data may already be partly under it.
  for (const key of opts.alsoKeys ?? []) ring.adopt(key);
  const current = new AtRest(ring);
  loaded.key.fill(0);
  const pendingFile = masterKeyPath(dataDir) + PENDING_KEY_SUFFIX;
  const taken = loaded.source === "file" && !opts.holdsLock ? tryRotationLock(dataDir) : undefined;
  // Files are only changed by whoever holds the lock.
  const release = opts.holdsLock && loaded.source === "file" ? () => {} : taken;
  try {
    const pending = existsSync(pendingFile) ? new AtRest(decodeMasterKey(readFileSync(pendingFile, "utf8"), pendingFile)) : undefined;
    if (opens(db, current)) {
      if (pending && release) rmSync(pendingFile, { force: true });
      if (release) removeDeadTempFiles(dataDir);
      return current;
    }
    if (pending && opens(db, pending)) {
      if (release) {
        renameSync(pendingFile, masterKeyPath(dataDir));
        syncDir(dataDir);
        removeDeadTempFiles(dataDir);
        return new AtRest(FolderKeyring.fromFolder(dataDir, loadMasterKey(dataDir, opts.env), opts.env));
      }
      return pending;
    }
    checkMasterKey(db, current); // throws the clear "does not open this vault" error
    return current;
  } finally {
    taken?.();
  }
}

/** master.key.tmp-<pid> and master.key.new.tmp-<pid> of processes that are gone. */
function removeDeadTempFiles(dataDir: string): void {
  for (const name of readdirSync(dataDir)) {
    const m = new RegExp(`^${MASTER_KEY_FILE.replace(".", "\\.")}(?:\\${PENDING_KEY_SUFFIX})?\\.tmp-(\\d+)$`).exec(name);
    if (m && !alive(Number(m[1]))) rmSync(join(dataDir, name), { force: true });
  }
}

/** The pid of a live process rotating this folder's master key, if any. */
export function rotationHolder(dataDir: string): number | undefined {
  const pid = Number.parseInt(readText(join(dataDir, ROTATION_LOCK)) ?? "", 10);
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

export function takeRotationLock(dataDir: string): () => void {
  const release = tryRotationLock(dataDir);
  if (!release) throw new VaultUsageError(`A master key rotation of ${dataDir} is in progress (${ROTATION_LOCK}); wait for it to finish.`);
  return release;
}

// One server per data folder: the nonce cache lives in the server's memory (two servers would
// accept each other's replays), and rotate-master-key must not re-seal data under a running
// server that still holds the old key.
//
// The lock is an exclusive SQLite lock on `server-lock.db` (an empty database), held by an open
// transaction for as long as the server runs: taking it is atomic however many processes try at
// once, and the operating system drops it when its process dies, so a crashed server never
// leaves a stale lock behind. `server.lock` (JSON) says who holds it, for messages and for the
// admin commands that need the running server's URL; it is written only by the holder.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Database as SqliteDb } from "better-sqlite3";
import { VaultUsageError } from "../errors.js";
import { loadSqlite } from "../storage/sqlite.js";

export const LOCK_DB = "server-lock.db";
export const LOCK_FILE = "server.lock";

export interface LockInfo {
  pid: number;
  /** What the holder does with the folder: "serving", or e.g. "rotating the master key of". */
  holding?: string;
  /** The URL the server listens on; null while it is starting. */
  url: string | null;
  /** ISO time the lock was taken. */
  since: string;
}

export interface ServerLock {
  /** Records the URL the server listens on (read by `vault approvals link`). */
  setUrl(url: string): void;
  /** Drops the lock (idempotent). */
  release(): void;
}

/** How long a process that lost the race waits for the winner to say who it is. */
const HOLDER_WAIT_MS = 2000;

function readInfo(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), "utf8")) as LockInfo;
    return typeof info.pid === "number" ? info : undefined;
  } catch {
    return undefined;
  }
}

function writeInfo(dataDir: string, info: LockInfo): void {
  // Written aside and renamed: a reader sees the old content or the new, never half of it.
  const tmp = join(dataDir, `${LOCK_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(info) + "\n", { mode: 0o600 });
  renameSync(tmp, join(dataDir, LOCK_FILE));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Opens the lock database and takes its exclusive lock; undefined when another process has it. */
function tryLock(dataDir: string, mustExist = false): SqliteDb | undefined {
  // better-sqlite3 is loaded on first use (storage/sqlite.ts), like every database of the vault.
  const Database = loadSqlite();
  const db = new Database(join(dataDir, LOCK_DB), { timeout: 0, fileMustExist: mustExist });
  try {
    db.exec("BEGIN EXCLUSIVE");
    return db;
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === "SQLITE_BUSY") return undefined;
    throw e;
  }
}

function busyMessage(dataDir: string, info: LockInfo | undefined, what: string): string {
  if (info === undefined) return `Another process holds the server lock of ${dataDir} (${LOCK_DB}); stop it before ${what}.`;
  if (info.holding !== undefined && info.holding !== SERVING) {
    return `Another alter-gen process is ${info.holding} ${dataDir} (pid ${info.pid}, since ${info.since}); wait for it to finish before ${what}.`;
  }
  const where = info.url ?? "still starting";
  return `A vault is already serving ${dataDir} (pid ${info.pid}, ${where}, since ${info.since}); stop it before ${what}.`;
}

const SERVING = "serving";

/** The lock's holder as it describes itself, waiting a moment for a holder that just took it. */
async function holder(dataDir: string): Promise<LockInfo | undefined> {
  const deadline = Date.now() + HOLDER_WAIT_MS;
  for (;;) {
    const info = readInfo(dataDir);
    if ((info !== undefined && alive(info.pid)) || Date.now() >= deadline) return info;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Takes the data folder's server lock, or throws VaultUsageError naming the process that holds
 * it. `what` completes "stop it before …"; `holding` says what this process does with the
 * folder, for the message another one gets ("serving", "rotating the master key of").
 */
export async function acquireServerLock(dataDir: string, what: string, holding = SERVING): Promise<ServerLock> {
  const db = tryLock(dataDir);
  if (db === undefined) throw new VaultUsageError(busyMessage(dataDir, await holder(dataDir), what));
  const info: LockInfo = { pid: process.pid, holding, url: null, since: new Date().toISOString() };
  writeInfo(dataDir, info);
  let held = true;
  return {
    setUrl(url) {
      if (held) writeInfo(dataDir, { ...info, url });
    },
    release() {
      if (!held) return;
      held = false;
      // The file goes first: once the lock is free, the file belongs to the next holder.
      const current = readInfo(dataDir);
      if (current?.pid === info.pid && current.since === info.since) rmSync(join(dataDir, LOCK_FILE), { force: true });
      db.close();
    },
  };
}

/**
 * The live holder of this folder's lock, if any (a server, or e.g. a master key rotation): the
 * lock is probed (taken and dropped at once), so the answer does not depend on what a crashed
 * server left in `server.lock`.
 */
export function runningServer(dataDir: string): LockInfo | undefined {
  let db: SqliteDb | undefined;
  try {
    db = tryLock(dataDir, true);
  } catch {
    return undefined; // no lock database (never served) or an unreadable folder: nobody holds it
  }
  if (db !== undefined) {
    db.close();
    return undefined;
  }
  return readInfo(dataDir) ?? { pid: 0, url: null, since: "" };
}

export function assertNoServer(dataDir: string, what: string): void {
  const s = runningServer(dataDir);
  if (s) throw new VaultUsageError(busyMessage(dataDir, s.pid === 0 ? undefined : s, what));
}

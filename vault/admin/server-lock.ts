// One server per data folder: the nonce cache lives in the server's memory (two servers would
// accept each other's replays), and rotate-master-key must not re-seal data under a running
// server that still holds the old key. `server.lock` names the serving process.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { VaultUsageError } from "../errors.js";

export const LOCK_FILE = "server.lock";

interface LockInfo {
  pid: number;
  url: string;
}

function readLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), "utf8")) as LockInfo;
    return typeof info.pid === "number" ? info : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The live server of this folder, if any (a lock left by a killed process does not count). */
export function runningServer(dataDir: string, ignore?: { pid: number; url: string }): LockInfo | undefined {
  const info = readLock(dataDir);
  if (!info || !alive(info.pid)) return undefined;
  if (ignore && info.pid === ignore.pid && info.url === ignore.url) return undefined;
  return info;
}

export function assertNoServer(dataDir: string, what: string): void {
  const s = runningServer(dataDir);
  if (s) throw new VaultUsageError(`A vault is serving ${dataDir} (pid ${s.pid}, ${s.url}); stop it before ${what}.`);
}

export function takeLock(dataDir: string, url: string): () => void {
  assertNoServer(dataDir, "starting another one on the same data folder");
  const info: LockInfo = { pid: process.pid, url };
  writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify(info) + "\n", { mode: 0o600 });
  return () => {
    const current = readLock(dataDir);
    if (current && current.pid === info.pid && current.url === info.url) rmSync(join(dataDir, LOCK_FILE), { force: true });
  };
}

// The `refresh_leases` row of a grant: which process may send its refresh token right now, and,
// after a failed attempt, when the next attempt may go out (the cool-down). One row per grant;
// the row disappears when a refresh succeeds or the grant needs re-authorization.
//
// Two clocks: lease expiry is real time (Date.now(): it bounds a real HTTP exchange, across
// processes), the cool-down is the vault's clock (ctx.now(): policy time, which tests move).
import { randomUUID } from "node:crypto";
import type { Db } from "../storage/db.js";
import { currentProcess, isProcessGone } from "../process-identity.js";

/** How long one refresh may hold the lease before another live process may take over. */
export const LEASE_MS = 30_000;
/** Cool-down after the first failed attempt is 1-2 s, doubling per failure in a row up to 15-30 s. */
export const COOLDOWN_BASE_MS = 2_000;
export const COOLDOWN_MAX_MS = 30_000;

/** This process's lease holder id (one per process: the in-process map joins its own callers). */
const HOLDER = randomUUID();

export type LeaseTake =
  /** `takeover`: the previous holder's lease was unexpired, but that process is gone. */
  | { kind: "taken"; takeover: boolean; failures: number }
  | { kind: "busy"; expiresAt: number }
  | { kind: "cooling"; retryAt: number; failures: number; lastError: string | null };

interface Row {
  holder: string;
  expires_at: number;
  holder_host: string | null;
  holder_pid: number | null;
  holder_start: string | null;
  retry_at: number | null;
  failures: number;
  last_error: string | null;
}

function holderGone(r: Row): boolean {
  if (r.holder_host === null || r.holder_pid === null) return false; // a lease from before holders were recorded
  return isProcessGone({ host: r.holder_host, pid: r.holder_pid, start: r.holder_start });
}

/** Takes the grant's lease, unless a live process holds it or the cool-down is not over. */
export function takeLease(db: Db, grantId: string, realNow: number, vaultNow: number): LeaseTake {
  return db
    .transaction((): LeaseTake => {
      const r = db.prepare("SELECT * FROM refresh_leases WHERE grant_id = ?").get(grantId) as Row | undefined;
      const live = r !== undefined && r.holder !== "" && r.holder !== HOLDER && r.expires_at >= realNow;
      if (live && !holderGone(r)) return { kind: "busy", expiresAt: r.expires_at };
      if (!live && r?.retry_at != null && r.retry_at > vaultNow) {
        return { kind: "cooling", retryAt: r.retry_at, failures: r.failures, lastError: r.last_error };
      }
      const me = currentProcess();
      db.prepare(
        `INSERT INTO refresh_leases (grant_id, holder, expires_at, holder_host, holder_pid, holder_start, retry_at, failures, last_error)
         VALUES (?, ?, ?, ?, ?, ?, NULL, 0, NULL)
         ON CONFLICT (grant_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
           holder_host = excluded.holder_host, holder_pid = excluded.holder_pid, holder_start = excluded.holder_start,
           retry_at = NULL`,
      ).run(grantId, HOLDER, realNow + LEASE_MS, me.host, me.pid, me.start);
      return { kind: "taken", takeover: live, failures: r?.failures ?? 0 };
    })
    .immediate();
}

/** The attempt succeeded, or the grant is beyond refreshing: no lease, no cool-down. */
export function dropLease(db: Db, grantId: string): void {
  db.prepare("DELETE FROM refresh_leases WHERE grant_id = ? AND holder = ?").run(grantId, HOLDER);
}

/** Full jitter over the upper half: uniform in [ceiling/2, ceiling). */
export function cooldownMs(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(COOLDOWN_MAX_MS, COOLDOWN_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}

/** Releases the lease after a failed attempt, leaving the cool-down for every process to see. */
export function recordFailure(db: Db, grantId: string, retryAt: number, failures: number, message: string): void {
  db.prepare(
    `UPDATE refresh_leases SET holder = '', expires_at = 0, holder_host = NULL, holder_pid = NULL, holder_start = NULL,
       retry_at = ?, failures = ?, last_error = ?
     WHERE grant_id = ? AND holder = ?`,
  ).run(retryAt, failures, message.slice(0, 500), grantId, HOLDER);
}

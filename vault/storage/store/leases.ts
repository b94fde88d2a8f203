// Refresh leases across processes and instances: which holder may send a grant's refresh token
// now, and the cool-down after failures (the same row and rules as vault/oauth/refresh-lease.ts).
// Taking is one conditional upsert, so two holders racing on any engine get one winner: on
// PostgreSQL the loser's INSERT waits on the winner's row and then finds its condition false.
import type { SqlDriver } from "../sql/driver.js";

export interface LeaseHolder {
  /** One id per process (the in-process single-flight joins its own callers). */
  id: string;
  host: string;
  pid: number;
  start: string | null;
}

export type LeaseTake =
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

const SET_HOLDER = `holder = excluded.holder, expires_at = excluded.expires_at, holder_host = excluded.holder_host,
  holder_pid = excluded.holder_pid, holder_start = excluded.holder_start, retry_at = NULL`;

export class LeasesRepo {
  constructor(private readonly sql: SqlDriver) {}

  /**
   * Takes the grant's lease for `leaseMs` of real time unless another live holder has it or the
   * cool-down (vault time) is not over. `isGone` says whether a live lease's holder process has
   * died (checkable on its own host only), which allows taking it over at once.
   */
  async take(
    grantId: string,
    me: LeaseHolder,
    realNow: number,
    vaultNow: number,
    leaseMs: number,
    isGone: (h: { host: string; pid: number; start: string | null }) => boolean = () => false,
  ): Promise<LeaseTake> {
    const taken = await this.sql.get<{ failures: number }>(
      `INSERT INTO refresh_leases (grant_id, holder, expires_at, holder_host, holder_pid, holder_start, retry_at, failures, last_error)
       VALUES (?, ?, ?, ?, ?, ?, NULL, 0, NULL)
       ON CONFLICT (grant_id) DO UPDATE SET ${SET_HOLDER}
       WHERE (refresh_leases.holder = '' OR refresh_leases.holder = excluded.holder OR refresh_leases.expires_at < ?)
         AND (refresh_leases.retry_at IS NULL OR refresh_leases.retry_at <= ?)
       RETURNING failures`,
      [grantId, me.id, realNow + leaseMs, me.host, me.pid, me.start, realNow, vaultNow],
    );
    if (taken) return { kind: "taken", takeover: false, failures: taken.failures };
    const r = await this.sql.get<Row>("SELECT * FROM refresh_leases WHERE grant_id = ?", [grantId]);
    if (!r) return this.take(grantId, me, realNow, vaultNow, leaseMs, isGone); // dropped meanwhile
    const live = r.holder !== "" && r.holder !== me.id && r.expires_at >= realNow;
    if (!live) return { kind: "cooling", retryAt: r.retry_at ?? 0, failures: r.failures, lastError: r.last_error };
    const gone = r.holder_host !== null && r.holder_pid !== null && isGone({ host: r.holder_host, pid: r.holder_pid, start: r.holder_start });
    if (!gone) return { kind: "busy", expiresAt: r.expires_at };
    // Compare-and-set on the dead holder's lease, so only one of several takers wins it.
    const won = await this.sql.run(
      `UPDATE refresh_leases SET holder = ?, expires_at = ?, holder_host = ?, holder_pid = ?, holder_start = ?, retry_at = NULL
       WHERE grant_id = ? AND holder = ? AND expires_at = ?`,
      [me.id, realNow + leaseMs, me.host, me.pid, me.start, grantId, r.holder, r.expires_at],
    );
    return won.changes === 1 ? { kind: "taken", takeover: true, failures: r.failures } : { kind: "busy", expiresAt: r.expires_at };
  }

  /** The refresh succeeded, or the grant is beyond refreshing: no lease, no cool-down. */
  async drop(grantId: string, holderId: string): Promise<void> {
    await this.sql.run("DELETE FROM refresh_leases WHERE grant_id = ? AND holder = ?", [grantId, holderId]);
  }

  /** Releases the lease after a failed attempt, leaving the cool-down for every holder to see. */
  async recordFailure(grantId: string, holderId: string, retryAt: number, failures: number, message: string): Promise<void> {
    await this.sql.run(
      `UPDATE refresh_leases SET holder = '', expires_at = 0, holder_host = NULL, holder_pid = NULL, holder_start = NULL,
         retry_at = ?, failures = ?, last_error = ? WHERE grant_id = ? AND holder = ?`,
      [retryAt, failures, message.slice(0, 500), grantId, holderId],
    );
  }
}

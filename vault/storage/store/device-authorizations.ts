// Device authorizations of sign-in and connect sessions (`device_authorizations`, RFC 8628),
// shared by every instance: the SDK's status polls may land on any of them. Row-level only; the
// domain (vault/oauth/device-sessions.ts) seals the device code and decides the next step. A
// poll is claimed by compare-and-set on next_poll_at, so two instances asked for the same
// session's status at once send one poll to the token endpoint.
import type { SqlDriver } from "../sql/driver.js";

export type DeviceStatus = "pending" | "done" | "denied" | "expired" | "failed";

export interface DeviceAuthorizationRow {
  id: string;
  app_id: string;
  flow: "auth" | "connect";
  session_id: string;
  provider: string | null;
  device_code_sealed: string | null;
  interval_s: number;
  next_poll_at: number;
  polls: number;
  status: DeviceStatus;
  created_at: string;
  expires_at: string;
}

export type NewDeviceAuthorization = Omit<DeviceAuthorizationRow, "polls" | "status">;

export class DeviceAuthorizationsRepo {
  constructor(private readonly sql: SqlDriver) {}

  async insert(d: NewDeviceAuthorization): Promise<void> {
    await this.sql.run(
      `INSERT INTO device_authorizations (id, app_id, flow, session_id, provider, device_code_sealed, interval_s, next_poll_at, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [d.id, d.app_id, d.flow, d.session_id, d.provider, d.device_code_sealed, d.interval_s, d.next_poll_at, d.created_at, d.expires_at],
    );
  }

  /** The session's device authorizations, whatever their status (ordered by provider). */
  async ofSession(sessionId: string, onlyPending = false): Promise<DeviceAuthorizationRow[]> {
    return this.sql.all<DeviceAuthorizationRow>(
      `SELECT * FROM device_authorizations WHERE session_id = ?${onlyPending ? " AND status = 'pending'" : ""} ORDER BY provider, id`,
      [sessionId],
    );
  }

  /** Ends a pending authorization and forgets its device code; false when it had already ended. */
  async end(id: string, status: Exclude<DeviceStatus, "pending">): Promise<boolean> {
    const r = await this.sql.run("UPDATE device_authorizations SET status = ?, device_code_sealed = NULL WHERE id = ? AND status = 'pending'", [status, id]);
    return r.changes === 1;
  }

  /** Claims the poll that was due at `dueAt` (one claimer wins), moving the next one to `nextAt`. */
  async claimPoll(id: string, dueAt: number, nextAt: number): Promise<boolean> {
    const r = await this.sql.run(
      "UPDATE device_authorizations SET next_poll_at = ?, polls = polls + 1 WHERE id = ? AND status = 'pending' AND next_poll_at = ?",
      [nextAt, id, dueAt],
    );
    return r.changes === 1;
  }

  /** The server asked to wait (slow_down or authorization_pending): a new interval from now. */
  async wait(id: string, intervalS: number, nextAt: number): Promise<void> {
    await this.sql.run("UPDATE device_authorizations SET interval_s = ?, next_poll_at = ? WHERE id = ? AND status = 'pending'", [intervalS, nextAt, id]);
  }
}

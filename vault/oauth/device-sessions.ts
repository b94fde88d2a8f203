// The device authorizations of sign-in and connect sessions (table device_authorizations): the
// sealed device_code, the polling interval and when the next poll may go out. The vault polls
// the token endpoint when the SDK asks for the session's status and the interval has passed,
// so no timer runs inside the vault, and a session nobody watches any more stops costing polls.
import { randomUUID } from "node:crypto";
import type { VaultContext } from "../context.js";
import type { Db } from "../storage/db.js";
import { devicePollStep, pollDeviceToken, type DevicePollAnswer, type DevicePollStep, type StartedDevice } from "./device-grant.js";
import type { ClientAuth } from "./token-endpoint.js";

/** The AtRest purpose of `device_code_sealed` (vault/crypto/sealed-columns.ts). */
export const CODE_PURPOSE = "device-code";

export interface DeviceAuthorization {
  id: string;
  flow: "auth" | "connect";
  sessionId: string;
  provider: string | null;
  intervalS: number;
  nextPollAt: number;
  polls: number;
  status: "pending" | "done" | "denied" | "expired" | "failed";
  expiresAt: string;
}

interface Row {
  id: string;
  flow: "auth" | "connect";
  session_id: string;
  provider: string | null;
  device_code_sealed: string | null;
  interval_s: number;
  next_poll_at: number;
  polls: number;
  status: DeviceAuthorization["status"];
  expires_at: string;
}

const toDevice = (r: Row): DeviceAuthorization => ({
  id: r.id,
  flow: r.flow,
  sessionId: r.session_id,
  provider: r.provider,
  intervalS: r.interval_s,
  nextPollAt: r.next_poll_at,
  polls: r.polls,
  status: r.status,
  expiresAt: r.expires_at,
});

/** Stores a started device authorization; the first poll is due one interval from now. */
export function insertDevice(ctx: VaultContext, flow: "auth" | "connect", sessionId: string, provider: string | null, started: StartedDevice): void {
  const id = randomUUID();
  const now = ctx.now();
  ctx.db
    .prepare(
      `INSERT INTO device_authorizations (id, app_id, flow, session_id, provider, device_code_sealed, interval_s, next_poll_at, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      ctx.app.id,
      flow,
      sessionId,
      provider,
      ctx.crypto.seal(CODE_PURPOSE, id, started.deviceCode),
      started.intervalS,
      now + started.intervalS * 1000,
      new Date(now).toISOString(),
      new Date(started.expiresAtMs).toISOString(),
    );
}

export function devicesOf(db: Db, sessionId: string): DeviceAuthorization[] {
  return (db.prepare("SELECT * FROM device_authorizations WHERE session_id = ? ORDER BY provider").all(sessionId) as Row[]).map(toDevice);
}

/** Ends a device authorization; its device_code is forgotten with it. */
function endDevice(db: Db, id: string, status: Exclude<DeviceAuthorization["status"], "pending">): boolean {
  return db.prepare("UPDATE device_authorizations SET status = ?, device_code_sealed = NULL WHERE id = ? AND status = 'pending'").run(status, id).changes === 1;
}

/** Where one device authorization polls: the token endpoint and the client's authentication. */
export interface DeviceEndpoint {
  tokenUrl: string;
  auth: ClientAuth;
  owner: string;
}

export interface DeviceEnding {
  device: DeviceAuthorization;
  step: DevicePollStep;
  answer: DevicePollAnswer | null;
}

const OUTCOME_STATUS = { token: "done", denied: "denied", expired: "expired", failed: "failed" } as const;

/**
 * Polls each pending device authorization of the session that is due, once. Returns the ones
 * that ended, each claimed by this call alone (two status requests at once poll once).
 */
export async function pollDueDevices(ctx: VaultContext, sessionId: string, endpoint: (d: DeviceAuthorization) => DeviceEndpoint): Promise<DeviceEnding[]> {
  const endings: DeviceEnding[] = [];
  const rows = ctx.db.prepare("SELECT * FROM device_authorizations WHERE session_id = ? AND status = 'pending'").all(sessionId) as Row[];
  for (const row of rows) {
    const device = toDevice(row);
    const now = ctx.now();
    if (Date.parse(device.expiresAt) <= now) {
      if (endDevice(ctx.db, device.id, "expired")) endings.push({ device, step: { rule: "code-lifetime-over", outcome: "expired", intervalS: device.intervalS }, answer: null });
      continue;
    }
    if (device.nextPollAt > now) continue;
    const claimed = ctx.db
      .prepare("UPDATE device_authorizations SET next_poll_at = ?, polls = polls + 1 WHERE id = ? AND status = 'pending' AND next_poll_at = ?")
      .run(now + device.intervalS * 1000, device.id, device.nextPollAt).changes;
    if (claimed !== 1) continue;
    const where = endpoint(device);
    const deviceCode = ctx.crypto.open(CODE_PURPOSE, device.id, row.device_code_sealed!).toString("utf8");
    const answer = await pollDeviceToken(where.tokenUrl, deviceCode, where.auth, where.owner);
    const step = devicePollStep(answer, device.intervalS);
    if (step.outcome === "wait") {
      // The interval counts from the answer, so a slow server does not shorten it.
      ctx.db
        .prepare("UPDATE device_authorizations SET interval_s = ?, next_poll_at = ? WHERE id = ? AND status = 'pending'")
        .run(step.intervalS, ctx.now() + step.intervalS * 1000, device.id);
      continue;
    }
    if (endDevice(ctx.db, device.id, OUTCOME_STATUS[step.outcome])) endings.push({ device, step, answer });
  }
  return endings;
}

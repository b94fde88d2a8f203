// The device authorizations of sign-in and connect sessions (table device_authorizations): the
// sealed device_code, the polling interval and when the next poll may go out. The vault polls
// the token endpoint when the SDK asks for the session's status and the interval has passed,
// so no timer runs inside the vault, and a session nobody watches any more stops costing polls.
import { randomUUID } from "node:crypto";
import type { VaultContext } from "../context.js";
import type { Store } from "../storage/store/index.js";
import type { DeviceAuthorizationRow } from "../storage/store/device-authorizations.js";
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

const toDevice = (r: DeviceAuthorizationRow): DeviceAuthorization => ({
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
export async function insertDevice(ctx: VaultContext, flow: "auth" | "connect", sessionId: string, provider: string | null, started: StartedDevice): Promise<void> {
  const id = randomUUID();
  const now = ctx.now();
  await ctx.store.deviceAuthorizations.insert({
    id,
    app_id: ctx.app.id,
    flow,
    session_id: sessionId,
    provider,
    device_code_sealed: ctx.crypto.seal(CODE_PURPOSE, id, started.deviceCode),
    interval_s: started.intervalS,
    next_poll_at: now + started.intervalS * 1000,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(started.expiresAtMs).toISOString(),
  });
}

export async function devicesOf(store: Store, sessionId: string): Promise<DeviceAuthorization[]> {
  return (await store.deviceAuthorizations.ofSession(sessionId)).map(toDevice);
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
export async function pollDueDevices(
  ctx: VaultContext,
  sessionId: string,
  endpoint: (d: DeviceAuthorization) => DeviceEndpoint | Promise<DeviceEndpoint>,
): Promise<DeviceEnding[]> {
  const endings: DeviceEnding[] = [];
  const devices = ctx.store.deviceAuthorizations;
  for (const row of await devices.ofSession(sessionId, true)) {
    const device = toDevice(row);
    const now = ctx.now();
    if (Date.parse(device.expiresAt) <= now) {
      if (await devices.end(device.id, "expired")) endings.push({ device, step: { rule: "code-lifetime-over", outcome: "expired", intervalS: device.intervalS }, answer: null });
      continue;
    }
    if (device.nextPollAt > now) continue;
    if (!(await devices.claimPoll(device.id, device.nextPollAt, now + device.intervalS * 1000))) continue;
    const where = await endpoint(device);
    const deviceCode = ctx.crypto.open(CODE_PURPOSE, device.id, row.device_code_sealed!).toString("utf8");
    const answer = await pollDeviceToken(where.tokenUrl, deviceCode, where.auth, where.owner);
    const step = devicePollStep(answer, device.intervalS);
    if (step.outcome === "wait") {
      // The interval counts from the answer, so a slow server does not shorten it.
      await devices.wait(device.id, step.intervalS, ctx.now() + step.intervalS * 1000);
      continue;
    }
    if (await devices.end(device.id, OUTCOME_STATUS[step.outcome])) endings.push({ device, step, answer });
  }
  return endings;
}

// The OAuth 2.0 device authorization grant (RFC 8628) at its protocol edge: the device
// authorization request and its answer, one poll of the token endpoint, and what each poll
// answer means for the next one (DEVICE_POLL_RULES). No storage here: device-sessions.ts keeps
// the state, auth-device.ts and connect-device.ts finish the flows.
import { VaultError } from "../errors.js";
import { OAuthEndpointError, requestDeviceAuthorization, requestTokenAnswer, TokenAnswerError, type ClientAuth } from "./token-endpoint.js";
import { assertSafeOAuthUrl } from "./urls.js";

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** RFC 8628 §3.2: the interval when the server names none. */
export const DEFAULT_INTERVAL_S = 5;
/** RFC 8628 §3.5: slow_down adds 5 s to the interval for this and every later request. */
export const SLOW_DOWN_STEP_S = 5;
/** A server asking for more than this between polls is clamped (a user would give up first). */
const MAX_INTERVAL_S = 60;
/** Device codes live at most this long here, whatever the server says. */
const MAX_EXPIRES_S = 30 * 60;

/** What the person is shown; the device_code stays in the vault. */
export interface DevicePrompt {
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string | null;
  expiresAt: string;
}

export interface StartedDevice {
  prompt: DevicePrompt;
  deviceCode: string;
  intervalS: number;
  expiresAtMs: number;
}

export class DeviceAnswerError extends Error {
  override name = "DeviceAnswerError";
}

function boundedString(body: Record<string, unknown>, field: string, max: number): string {
  const v = body[field];
  if (typeof v !== "string" || v === "" || v.length > max || /[\x00-\x1f\x7f]/.test(v)) {
    throw new DeviceAnswerError(`the device authorization answer has no usable ${field}`);
  }
  return v;
}

/** RFC 8628 §3.2, checked: strings bounded, URIs https (loopback http), numbers sane. */
export function parseDeviceAnswer(body: Record<string, unknown>, now: number): StartedDevice {
  const deviceCode = boundedString(body, "device_code", 2048);
  const userCode = boundedString(body, "user_code", 64);
  // Some servers (Google's older endpoint) spell it verification_url.
  const rawUri = body.verification_uri ?? body.verification_url;
  const verificationUri = boundedString({ verification_uri: rawUri }, "verification_uri", 2048);
  try {
    assertSafeOAuthUrl(verificationUri, "verification_uri");
    if (typeof body.verification_uri_complete === "string") assertSafeOAuthUrl(body.verification_uri_complete, "verification_uri_complete");
  } catch (e) {
    throw new DeviceAnswerError(e instanceof Error ? e.message : "the verification URI is not usable");
  }
  const complete = typeof body.verification_uri_complete === "string" && body.verification_uri_complete.length <= 2048 ? body.verification_uri_complete : null;
  const expiresIn = Number(body.expires_in);
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) throw new DeviceAnswerError("the device authorization answer has no usable expires_in");
  const interval = body.interval === undefined ? DEFAULT_INTERVAL_S : Number(body.interval);
  if (!Number.isFinite(interval) || interval < 0) throw new DeviceAnswerError("the device authorization answer has an unusable interval");
  const expiresAtMs = now + Math.min(expiresIn, MAX_EXPIRES_S) * 1000;
  return {
    deviceCode,
    intervalS: Math.min(Math.max(Math.ceil(interval), 1), MAX_INTERVAL_S),
    expiresAtMs,
    prompt: { userCode, verificationUri, verificationUriComplete: complete, expiresAt: new Date(expiresAtMs).toISOString() },
  };
}

/** The code is shown as ending no later than the session it belongs to (10 minutes). */
export function capExpiry(started: StartedDevice, untilMs: number): StartedDevice {
  if (started.expiresAtMs <= untilMs) return started;
  return { ...started, expiresAtMs: untilMs, prompt: { ...started.prompt, expiresAt: new Date(untilMs).toISOString() } };
}

/** RFC 8628 §3.1: asks `url` for a device code for `scopes` (joined by `separator`). */
export async function startDeviceAuthorization(
  url: string,
  auth: ClientAuth,
  scopes: string[],
  separator: string,
  owner: string,
  now: () => number,
): Promise<StartedDevice> {
  const params: Record<string, string> = {};
  if (scopes.length > 0) params.scope = scopes.join(separator);
  const body = await requestDeviceAuthorization(url, params, auth, owner);
  return parseDeviceAnswer(body, now());
}

/** One poll's answer, as DEVICE_POLL_RULES sees it. */
export type DevicePollAnswer =
  | { kind: "token"; body: Record<string, unknown> }
  | { kind: "error"; error: string }
  /** The server could not be reached, or failed with 408/429/5xx: ask again later. */
  | { kind: "unreachable" };

export type DevicePollOutcome = "token" | "wait" | "denied" | "expired" | "failed";

export interface DevicePollStep {
  /** The rule that decided (tests assert it). */
  rule: string;
  outcome: DevicePollOutcome;
  /** Seconds before the next poll. */
  intervalS: number;
}

type Rule = [name: string, applies: (a: DevicePollAnswer) => boolean, step: (intervalS: number) => Omit<DevicePollStep, "rule">];

const isError = (code: string) => (a: DevicePollAnswer) => a.kind === "error" && a.error === code;

/** RFC 8628 §3.5, first rule that applies wins. */
export const DEVICE_POLL_RULES: readonly Rule[] = [
  ["issued", (a) => a.kind === "token", (i) => ({ outcome: "token", intervalS: i })],
  ["authorization-pending", isError("authorization_pending"), (i) => ({ outcome: "wait", intervalS: i })],
  ["slow-down", isError("slow_down"), (i) => ({ outcome: "wait", intervalS: Math.min(i + SLOW_DOWN_STEP_S, MAX_INTERVAL_S) })],
  ["access-denied", isError("access_denied"), (i) => ({ outcome: "denied", intervalS: i })],
  ["expired-token", isError("expired_token"), (i) => ({ outcome: "expired", intervalS: i })],
  // §3.5: a connection timeout is to be treated like slow_down (back off, ask again).
  ["unreachable", (a) => a.kind === "unreachable", (i) => ({ outcome: "wait", intervalS: Math.min(i + SLOW_DOWN_STEP_S, MAX_INTERVAL_S) })],
  ["other-error", () => true, (i) => ({ outcome: "failed", intervalS: i })],
];

export function devicePollStep(answer: DevicePollAnswer, intervalS: number): DevicePollStep {
  for (const [rule, applies, step] of DEVICE_POLL_RULES) if (applies(answer)) return { rule, ...step(intervalS) };
  throw new Error("unreachable: the last device poll rule applies to everything");
}

/** RFC 8628 §3.4: one token request with the device code. */
export async function pollDeviceToken(tokenUrl: string, deviceCode: string, auth: ClientAuth, owner: string): Promise<DevicePollAnswer> {
  try {
    const body = await requestTokenAnswer(tokenUrl, { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode }, auth, owner);
    return { kind: "token", body };
  } catch (e) {
    if (e instanceof OAuthEndpointError) return { kind: "error", error: e.oauthError };
    // Too large or redirected: the server misbehaves; no later poll will do better.
    if (e instanceof TokenAnswerError) return { kind: "error", error: "invalid_answer" };
    if (e instanceof VaultError && e.code === "provider_unreachable") return { kind: "unreachable" };
    throw e;
  }
}

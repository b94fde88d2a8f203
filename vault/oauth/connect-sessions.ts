// Connect sessions: a short-lived record the SDK creates and polls, and the browser walks
// through (one OAuth authorization per provider). Made with a user token, the grants belong to
// that user; without one, they are system grants bound to the app.
import { randomUUID } from "node:crypto";
import type { Store } from "../storage/store/index.js";
import type { StoredConnectSession } from "../storage/store/connect-sessions.js";
import { hashToken } from "./pkce.js";
import { constantTimeEqualHex } from "./compare.js";

export const CONNECT_SESSION_TTL_MS = 10 * 60_000;

export type ConnectStatus = "pending" | "completed" | "denied" | "expired" | "failed";

export interface ConnectSession {
  id: string;
  appId: string;
  keyId: string | null;
  providers: string[];
  scopes: Record<string, string[]>;
  principalType: "user" | "system";
  userId: string | null;
  /** The user's name or email from their token when the session was made (pages show it). */
  ownerLabel: string | null;
  /** Effective status: a pending session past its expiry reads as expired. */
  status: ConnectStatus;
  grantIds: Record<string, string>;
  /** The providers that ended the session without a grant (declined, or failed). */
  outcomes: Record<string, "denied" | "failed">;
  error: { code: string; message: string } | null;
  createdAt: string;
  expiresAt: string;
}

function toSession(r: StoredConnectSession, now: number): ConnectSession {
  const expired = r.status === "pending" && Date.parse(r.expiresAt) <= now;
  return {
    id: r.id,
    appId: r.appId,
    keyId: r.keyId,
    providers: r.providers,
    scopes: r.scopes,
    principalType: r.principalType,
    userId: r.userId,
    ownerLabel: r.ownerLabel ?? null,
    status: expired ? "expired" : r.status,
    grantIds: r.grantIds,
    outcomes: r.outcomes,
    error: expired
      ? { code: "connect_expired", message: "The connect session expired before the user finished." }
      : r.errorCode
        ? { code: r.errorCode, message: r.errorMessage ?? "" }
        : null,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
  };
}

export async function createConnectSession(
  store: Store,
  s: { appId: string; keyId: string | null; providers: string[]; scopes: Record<string, string[]>; userId: string | null; ownerLabel?: string | null; pageToken: string },
  now: number,
): Promise<ConnectSession> {
  await pruneFinishedFlows(store, now);
  const stored = await store.connectSessions.insert({
    id: randomUUID(),
    appId: s.appId,
    keyId: s.keyId,
    pageTokenHash: hashToken(s.pageToken),
    providers: s.providers,
    scopes: s.scopes,
    userId: s.userId,
    ownerLabel: s.ownerLabel ?? null,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + CONNECT_SESSION_TTL_MS).toISOString(),
  });
  return toSession(stored, now);
}

export async function getConnectSession(store: Store, id: string, now: number): Promise<ConnectSession | undefined> {
  const row = await store.connectSessions.get(id);
  return row && toSession(row, now);
}

/** The session if `pageToken` is the one in its connectUrl. */
export async function connectSessionForPage(store: Store, id: string, pageToken: string, now: number): Promise<ConnectSession | undefined> {
  const row = await store.connectSessions.get(id);
  if (!row || !constantTimeEqualHex(row.pageTokenHash, hashToken(pageToken))) return undefined;
  return toSession(row, now);
}

/** Records one provider's new grant; the session completes once every provider has one. */
export async function recordConnectedGrant(store: Store, id: string, provider: string, grantId: string, now: number): Promise<ConnectSession> {
  return toSession((await store.connectSessions.recordGrant(id, provider, grantId, now))!, now);
}

/**
 * Ends a pending session as denied or failed because of `provider` (null: no one provider). The
 * grants already created for other providers stay, and are reported with the session.
 */
export async function finishConnectSession(
  store: Store,
  id: string,
  status: "denied" | "failed",
  error: { code: string; message: string },
  now: number,
  provider: string | null = null,
): Promise<void> {
  await store.connectSessions.finish(id, status, error, now, provider);
}

export type ProviderConnectStatus = "connected" | "pending" | "denied" | "failed" | "not_connected";

/** Each provider of the session and where it stands: the per-provider half of the session result. */
export function providerStatuses(s: ConnectSession): { provider: string; status: ProviderConnectStatus; grantId: string | null }[] {
  return s.providers.map((provider) => {
    const grantId = s.grantIds[provider] ?? null;
    const status: ProviderConnectStatus = grantId ? "connected" : (s.outcomes[provider] ?? (s.status === "pending" ? "pending" : "not_connected"));
    return { provider, status, grantId };
  });
}

/** Drops authorization attempts, sessions and device authorizations that ended more than a day ago. */
export async function pruneFinishedFlows(store: Store, now: number): Promise<void> {
  await store.connectSessions.prune(now);
}

/**
 * How pages name a person: the name or email claim of their (already verified) token, never the
 * IDP's internal subject unless there is nothing else. Null when the token says neither.
 */
export function personLabel(claims: Record<string, unknown> | null | undefined): string | null {
  for (const k of ["name", "email", "preferred_username"]) {
    const v = claims?.[k];
    if (typeof v === "string" && v.trim() !== "") return v.trim().slice(0, 200);
  }
  return null;
}

/** The claims of a JWT the vault has already verified (no check here), or null. */
export function verifiedClaims(jwt: string | null): Record<string, unknown> | null {
  if (!jwt) return null;
  try {
    const o = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as unknown;
    return o && typeof o === "object" ? (o as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

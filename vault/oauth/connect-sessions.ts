// Connect sessions: a short-lived record the SDK creates and polls, and the browser walks
// through (one OAuth authorization per provider). Made with a user token, the grants belong to
// that user; without one, they are system grants bound to the app.
import { randomUUID } from "node:crypto";
import type { Db } from "../storage/db.js";
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

interface Row {
  id: string;
  app_id: string;
  key_id: string | null;
  page_token_hash: string;
  providers: string;
  scopes: string;
  principal_type: "user" | "system";
  user_id: string | null;
  owner_label: string | null;
  status: ConnectStatus;
  grant_ids: string;
  provider_outcomes: string;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  expires_at: string;
}

function toSession(r: Row, now: number): ConnectSession {
  const expired = r.status === "pending" && Date.parse(r.expires_at) <= now;
  return {
    id: r.id,
    appId: r.app_id,
    keyId: r.key_id,
    providers: JSON.parse(r.providers) as string[],
    scopes: JSON.parse(r.scopes) as Record<string, string[]>,
    principalType: r.principal_type,
    userId: r.user_id,
    ownerLabel: r.owner_label ?? null,
    status: expired ? "expired" : r.status,
    grantIds: JSON.parse(r.grant_ids) as Record<string, string>,
    outcomes: JSON.parse(r.provider_outcomes ?? "{}") as Record<string, "denied" | "failed">,
    error: expired
      ? { code: "connect_expired", message: "The connect session expired before the user finished." }
      : r.error_code
        ? { code: r.error_code, message: r.error_message ?? "" }
        : null,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  };
}

export function createConnectSession(
  db: Db,
  s: { appId: string; keyId: string | null; providers: string[]; scopes: Record<string, string[]>; userId: string | null; ownerLabel?: string | null; pageToken: string },
  now: number,
): ConnectSession {
  pruneFinishedFlows(db, now);
  const id = randomUUID();
  db.prepare(
    `INSERT INTO connect_sessions (id, app_id, key_id, page_token_hash, providers, scopes, principal_type, user_id, owner_label, status, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
  ).run(
    id,
    s.appId,
    s.keyId,
    hashToken(s.pageToken),
    JSON.stringify(s.providers),
    JSON.stringify(s.scopes),
    s.userId ? "user" : "system",
    s.userId,
    s.ownerLabel ?? null,
    new Date(now).toISOString(),
    new Date(now + CONNECT_SESSION_TTL_MS).toISOString(),
  );
  return getConnectSession(db, id, now)!;
}

export function getConnectSession(db: Db, id: string, now: number): ConnectSession | undefined {
  const row = db.prepare("SELECT * FROM connect_sessions WHERE id = ?").get(id) as Row | undefined;
  return row && toSession(row, now);
}

/** The session if `pageToken` is the one in its connectUrl. */
export function connectSessionForPage(db: Db, id: string, pageToken: string, now: number): ConnectSession | undefined {
  const row = db.prepare("SELECT * FROM connect_sessions WHERE id = ?").get(id) as Row | undefined;
  if (!row || !constantTimeEqualHex(row.page_token_hash, hashToken(pageToken))) return undefined;
  return toSession(row, now);
}

/** Records one provider's new grant; the session completes once every provider has one. */
export function recordConnectedGrant(db: Db, id: string, provider: string, grantId: string, now: number): ConnectSession {
  db.transaction(() => {
    const row = db.prepare("SELECT * FROM connect_sessions WHERE id = ?").get(id) as Row;
    const grants = { ...(JSON.parse(row.grant_ids) as Record<string, string>), [provider]: grantId };
    const providers = JSON.parse(row.providers) as string[];
    const done = providers.every((p) => grants[p] !== undefined);
    db.prepare(
      `UPDATE connect_sessions SET grant_ids = ?, status = CASE WHEN ? THEN 'completed' ELSE status END,
         completed_at = CASE WHEN ? THEN ? ELSE completed_at END WHERE id = ? AND status = 'pending'`,
    ).run(JSON.stringify(grants), done ? 1 : 0, done ? 1 : 0, new Date(now).toISOString(), id);
  })();
  return getConnectSession(db, id, now)!;
}

/**
 * Ends a pending session as denied or failed because of `provider` (null: no one provider). The
 * grants already created for other providers stay, and are reported with the session.
 */
export function finishConnectSession(
  db: Db,
  id: string,
  status: "denied" | "failed",
  error: { code: string; message: string },
  now: number,
  provider: string | null = null,
): void {
  db.prepare(
    `UPDATE connect_sessions SET status = ?, error_code = ?, error_message = ?, completed_at = ?,
       provider_outcomes = CASE WHEN ? IS NULL THEN provider_outcomes ELSE json_set(provider_outcomes, '$.' || json_quote(?), ?) END
     WHERE id = ? AND status = 'pending'`,
  ).run(status, error.code, error.message, new Date(now).toISOString(), provider, provider, status, id);
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

const KEEP_FINISHED_MS = 24 * 3600_000;

/** Drops authorization attempts and sessions that ended more than a day ago. */
export function pruneFinishedFlows(db: Db, now: number): void {
  const before = new Date(now - KEEP_FINISHED_MS).toISOString();
  db.prepare("DELETE FROM oauth_states WHERE expires_at < ?").run(before);
  db.prepare("DELETE FROM connect_sessions WHERE expires_at < ?").run(before);
  db.prepare("DELETE FROM auth_sessions WHERE expires_at < ?").run(before);
  db.prepare("DELETE FROM device_authorizations WHERE expires_at < ?").run(before);
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

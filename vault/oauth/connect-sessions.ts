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
  /** Effective status: a pending session past its expiry reads as expired. */
  status: ConnectStatus;
  grantIds: Record<string, string>;
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
  status: ConnectStatus;
  grant_ids: string;
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
    status: expired ? "expired" : r.status,
    grantIds: JSON.parse(r.grant_ids) as Record<string, string>,
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
  s: { appId: string; keyId: string | null; providers: string[]; scopes: Record<string, string[]>; userId: string | null; pageToken: string },
  now: number,
): ConnectSession {
  pruneFinishedFlows(db, now);
  const id = randomUUID();
  db.prepare(
    `INSERT INTO connect_sessions (id, app_id, key_id, page_token_hash, providers, scopes, principal_type, user_id, status, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
  ).run(
    id,
    s.appId,
    s.keyId,
    hashToken(s.pageToken),
    JSON.stringify(s.providers),
    JSON.stringify(s.scopes),
    s.userId ? "user" : "system",
    s.userId,
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

export function finishConnectSession(db: Db, id: string, status: "denied" | "failed", error: { code: string; message: string }, now: number): void {
  db.prepare(
    "UPDATE connect_sessions SET status = ?, error_code = ?, error_message = ?, completed_at = ? WHERE id = ? AND status = 'pending'",
  ).run(status, error.code, error.message, new Date(now).toISOString(), id);
}

const KEEP_FINISHED_MS = 24 * 3600_000;

/** Drops authorization attempts and sessions that ended more than a day ago. */
export function pruneFinishedFlows(db: Db, now: number): void {
  const before = new Date(now - KEEP_FINISHED_MS).toISOString();
  db.prepare("DELETE FROM oauth_states WHERE expires_at < ?").run(before);
  db.prepare("DELETE FROM connect_sessions WHERE expires_at < ?").run(before);
  db.prepare("DELETE FROM auth_sessions WHERE expires_at < ?").run(before);
  db.prepare("DELETE FROM connect_confirmations WHERE created_at < ?").run(before);
}

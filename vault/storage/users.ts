// End users of an app, keyed by their IDP's issuer and their subject there (created on first
// sight by vault/identity). The same `sub` at another issuer is another person.
import { randomUUID } from "node:crypto";
import { stmt, type Db } from "./db.js";

export interface UserRecord {
  id: string;
  appId: string;
  /** The issuer (iss) that vouched for the subject; null when unknown (matches no token). */
  issuer: string | null;
  subject: string;
  createdAt: string;
  removedAt: string | null;
}

interface Row {
  id: string;
  app_id: string;
  issuer: string | null;
  subject: string;
  created_at: string;
  removed_at: string | null;
}

const toUser = (r: Row): UserRecord => ({
  id: r.id,
  appId: r.app_id,
  issuer: r.issuer,
  subject: r.subject,
  createdAt: r.created_at,
  removedAt: r.removed_at,
});

export function findUser(db: Db, appId: string, issuer: string, subject: string): UserRecord | undefined {
  const row = stmt(db, "SELECT * FROM users WHERE app_id = ? AND issuer = ? AND subject = ?").get(appId, issuer, subject) as Row | undefined;
  return row && toUser(row);
}

export function getUser(db: Db, id: string): UserRecord | undefined {
  const row = stmt(db, "SELECT * FROM users WHERE id = ?").get(id) as Row | undefined;
  return row && toUser(row);
}

/** The user for (issuer, subject), created when first seen. */
export function ensureUser(db: Db, appId: string, issuer: string, subject: string, now: number): UserRecord {
  const existing = findUser(db, appId, issuer, subject);
  if (existing) return existing;
  stmt(db, "INSERT OR IGNORE INTO users (id, app_id, issuer, subject, created_at) VALUES (?, ?, ?, ?, ?)").run(
    randomUUID(),
    appId,
    issuer,
    subject,
    new Date(now).toISOString(),
  );
  return findUser(db, appId, issuer, subject)!;
}

/** Row mapping shared with the asynchronous repository (store/users.ts). */
export { toUser as userFromRow, type Row as UserRow };

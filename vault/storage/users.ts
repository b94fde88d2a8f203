// End users of an app, keyed by their IDP subject (created on first sight by vault/identity).
import { randomUUID } from "node:crypto";
import { stmt, type Db } from "./db.js";

export interface UserRecord {
  id: string;
  appId: string;
  subject: string;
  createdAt: string;
  removedAt: string | null;
}

interface Row {
  id: string;
  app_id: string;
  subject: string;
  created_at: string;
  removed_at: string | null;
}

const toUser = (r: Row): UserRecord => ({ id: r.id, appId: r.app_id, subject: r.subject, createdAt: r.created_at, removedAt: r.removed_at });

export function findUserBySubject(db: Db, appId: string, subject: string): UserRecord | undefined {
  const row = stmt(db, "SELECT * FROM users WHERE app_id = ? AND subject = ?").get(appId, subject) as Row | undefined;
  return row && toUser(row);
}

export function getUser(db: Db, id: string): UserRecord | undefined {
  const row = stmt(db, "SELECT * FROM users WHERE id = ?").get(id) as Row | undefined;
  return row && toUser(row);
}

/** The user for a subject, created when first seen. */
export function ensureUser(db: Db, appId: string, subject: string, now: number): UserRecord {
  const existing = findUserBySubject(db, appId, subject);
  if (existing) return existing;
  stmt(db, "INSERT OR IGNORE INTO users (id, app_id, subject, created_at) VALUES (?, ?, ?, ?)").run(
    randomUUID(),
    appId,
    subject,
    new Date(now).toISOString(),
  );
  return findUserBySubject(db, appId, subject)!;
}

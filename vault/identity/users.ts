// End users seen through their IDP tokens: created on first sight (vault/storage/users.ts) as
// (issuer, subject), last-seen time and group memberships refreshed from each token, and
// deprovisioning.
import type { Db } from "../storage/db.js";
import { ensureUser, getUser, type UserRecord } from "../storage/users.js";

// Writes are skipped when nothing changed, so identity-based calls do not write on every request.
const LAST_SEEN_EVERY_MS = 60_000;
const lastSeen = new Map<string, number>();
const knownGroups = new Map<string, string>();

/** The user for (issuer, subject), created when first seen, with their memberships set to `groups`. */
export function observeUser(db: Db, appId: string, issuer: string, subject: string, groups: string[], now: number): UserRecord {
  const user = ensureUser(db, appId, issuer, subject, now);
  if (user.removedAt !== null) return user;
  const at = new Date(now).toISOString();
  if ((lastSeen.get(user.id) ?? 0) + LAST_SEEN_EVERY_MS <= now) {
    db.prepare("UPDATE users SET last_seen_at = ? WHERE id = ?").run(at, user.id);
    lastSeen.set(user.id, now);
  }
  const groupKey = JSON.stringify([...groups].sort());
  if (knownGroups.get(user.id) !== groupKey) {
    db.transaction(() => {
      db.prepare("DELETE FROM user_groups WHERE user_id = ?").run(user.id);
      const insert = db.prepare("INSERT OR IGNORE INTO user_groups (user_id, group_id, seen_at) VALUES (?, ?, ?)");
      for (const g of groups) insert.run(user.id, g, at);
    })();
    knownGroups.set(user.id, groupKey);
  }
  return user;
}

export interface UserSummary {
  id: string;
  /** The IDP issuer the subject belongs to (null: unknown). */
  issuer: string | null;
  subject: string;
  status: "active" | "removed";
  groups: string[];
  createdAt: string;
  lastSeenAt: string | null;
  removedAt: string | null;
}

export function listUsers(db: Db, appId: string): UserSummary[] {
  const rows = db
    .prepare(
      `SELECT u.id, u.issuer, u.subject, u.created_at, u.last_seen_at, u.removed_at,
         (SELECT json_group_array(group_id) FROM user_groups g WHERE g.user_id = u.id) AS groups
       FROM users u WHERE u.app_id = ? ORDER BY u.created_at, u.id`,
    )
    .all(appId) as {
    id: string;
    issuer: string | null;
    subject: string;
    created_at: string;
    last_seen_at: string | null;
    removed_at: string | null;
    groups: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    issuer: r.issuer,
    subject: r.subject,
    status: r.removed_at ? "removed" : "active",
    groups: (JSON.parse(r.groups) as string[]).sort(),
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    removedAt: r.removed_at,
  }));
}

/** Marks the user removed and drops their memberships; the caller revokes their grants. */
export function markUserRemoved(db: Db, userId: string, now: number): UserRecord | undefined {
  const user = getUser(db, userId);
  if (!user) return undefined;
  db.transaction(() => {
    db.prepare("UPDATE users SET removed_at = COALESCE(removed_at, ?) WHERE id = ?").run(new Date(now).toISOString(), user.id);
    db.prepare("DELETE FROM user_groups WHERE user_id = ?").run(user.id);
  })();
  knownGroups.delete(user.id);
  return getUser(db, userId);
}

// End users seen through their IDP tokens: created on first sight (the store's users) as
// (issuer, subject), last-seen time and group memberships refreshed from each token, and
// deprovisioning.
import type { Store } from "../storage/store/index.js";
import type { UserRecord } from "../storage/users.js";
import type { SqlRunner } from "../storage/sql/driver.js";

// Writes are skipped when nothing changed, so identity-based calls do not write on every request.
// Both maps are per-process caches of what this process last wrote. With several instances
// another one may write a newer group set meanwhile, so a remembered set is trusted for at most
// a minute: after that the token's groups are written again even if this process wrote the same.
const LAST_SEEN_EVERY_MS = 60_000;
const lastSeen = new Map<string, number>();
const knownGroups = new Map<string, { key: string; at: number }>();

/** The user for (issuer, subject), created when first seen, with their memberships set to `groups`. */
export async function observeUser(store: Store, appId: string, issuer: string, subject: string, groups: string[], now: number): Promise<UserRecord> {
  const user = await store.users.ensure(appId, issuer, subject, now);
  if (user.removedAt !== null) return user;
  if ((lastSeen.get(user.id) ?? 0) + LAST_SEEN_EVERY_MS <= now) {
    await store.users.seen(user.id, now);
    lastSeen.set(user.id, now);
  }
  const groupKey = JSON.stringify([...groups].sort());
  const known = knownGroups.get(user.id);
  if (known?.key !== groupKey || known.at + LAST_SEEN_EVERY_MS <= now) {
    await store.users.setGroups(user.id, groups, now);
    knownGroups.set(user.id, { key: groupKey, at: now });
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

export async function listUsers(store: Store, appId: string): Promise<UserSummary[]> {
  return (await store.users.list(appId)).map((u) => ({
    id: u.id,
    issuer: u.issuer,
    subject: u.subject,
    status: u.removedAt ? "removed" : "active",
    groups: [...u.groups].sort(),
    createdAt: u.createdAt,
    lastSeenAt: u.lastSeenAt,
    removedAt: u.removedAt,
  }));
}

/**
 * Marks the user removed and drops their memberships; the caller revokes their grants (in `tx`,
 * the caller's transaction, when given: with the removal's audit row).
 */
export async function markUserRemoved(store: Store, userId: string, now: number, tx?: SqlRunner): Promise<UserRecord | undefined> {
  const user = await store.users.markRemoved(userId, now, tx);
  knownGroups.delete(userId);
  return user;
}

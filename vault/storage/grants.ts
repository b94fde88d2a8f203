// Grant rows. Credentials stay sealed here; only vault/grants/credential.ts opens them.
import { randomUUID } from "node:crypto";
import { stmt, type Db } from "./db.js";
import type { GrantInfo, GrantPolicy, GrantRecord, GrantSource, GrantStatus, PrincipalType } from "../grant-types.js";
import { getUser } from "./users.js";

interface Row {
  id: string;
  app_id: string;
  provider: string;
  account: string | null;
  principal_type: PrincipalType;
  principal_id: string | null;
  principal_label: string | null;
  principal_issuer: string | null;
  scopes: string;
  status: GrantStatus;
  source: GrantSource;
  managed_secret_id: string | null;
  credential_sealed: string | null;
  credential_expires_at: string | null;
  policy: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  revoke_reason: string | null;
  /** The managed secret's floor, read along (never stored on the grant). */
  policy_floor: string | null;
}

// Every grant read carries its secret's current floor, so a raised floor applies at once.
const SELECT_GRANTS = "SELECT grants.*, (SELECT policy_floor FROM managed_secrets WHERE managed_secrets.id = grants.managed_secret_id) AS policy_floor FROM grants";

export function rowToGrant(r: Row): GrantRecord {
  return {
    id: r.id,
    appId: r.app_id,
    provider: r.provider,
    account: r.account,
    principalType: r.principal_type,
    principalId: r.principal_id,
    principalLabel: r.principal_label,
    principalIssuer: r.principal_issuer,
    scopes: JSON.parse(r.scopes) as string[],
    status: r.status,
    source: r.source,
    managedSecretId: r.managed_secret_id,
    credentialSealed: r.credential_sealed,
    credentialExpiresAt: r.credential_expires_at,
    policy: JSON.parse(r.policy) as GrantPolicy,
    policyFloor: r.policy_floor ? (JSON.parse(r.policy_floor) as GrantPolicy) : {},
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
    revokeReason: r.revoke_reason,
  };
}

/** The public shape; the status reported is the effective one (an active grant past expiry is "expired"). */
export function grantInfo(g: GrantRecord, now: number): GrantInfo {
  return {
    grantId: g.id,
    provider: g.provider,
    account: g.account,
    principal: { type: g.principalType, id: g.principalId, label: g.principalLabel },
    scopes: g.scopes,
    status: effectiveStatus(g, now),
    source: g.source,
    createdAt: g.createdAt,
    expiresAt: effectiveExpiry(g),
    lastUsedAt: g.lastUsedAt,
    policy: g.policy,
    policyFloor: g.policyFloor,
  };
}

/** When the grant stops working: its own expiry or its secret's floor's, whichever is earlier. */
export function effectiveExpiry(g: GrantRecord): string | null {
  const ends: number[] = [];
  if (g.expiresAt !== null) ends.push(Date.parse(g.expiresAt));
  if (g.policyFloor.expiresAt !== undefined) ends.push(Date.parse(g.policyFloor.expiresAt));
  if (g.policyFloor.maxTtlSeconds !== undefined) ends.push(Date.parse(g.createdAt) + g.policyFloor.maxTtlSeconds * 1000);
  const valid = ends.filter((t) => Number.isFinite(t));
  return valid.length ? new Date(Math.min(...valid)).toISOString() : null;
}

export function effectiveStatus(g: GrantRecord, now: number): GrantStatus {
  if (g.status !== "active") return g.status;
  const end = effectiveExpiry(g);
  return end !== null && Date.parse(end) <= now ? "expired" : "active";
}

export interface NewGrant {
  id?: string;
  appId: string;
  provider: string;
  account: string | null;
  principalType: PrincipalType;
  principalId: string | null;
  principalLabel: string | null;
  /** The IDP issuer of a group id (required for group grants); user grants take their user's. */
  principalIssuer?: string | null;
  scopes: string[];
  source: GrantSource;
  managedSecretId?: string | null;
  /** Already sealed with purpose "grant-credential" and this grant's id (see credential.ts). */
  credentialSealed?: string | null;
  credentialExpiresAt?: string | null;
  policy: GrantPolicy;
  expiresAt: string | null;
}

export function insertGrant(db: Db, g: NewGrant, now: number): GrantRecord {
  const id = g.id ?? randomUUID();
  stmt(db, 
    `INSERT INTO grants (id, app_id, provider, account, principal_type, principal_id, principal_label, principal_issuer, scopes,
       status, source, managed_secret_id, credential_sealed, credential_expires_at, policy, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    g.appId,
    g.provider,
    g.account,
    g.principalType,
    g.principalId,
    g.principalLabel,
    principalIssuer(db, g),
    JSON.stringify(g.scopes),
    g.source,
    g.managedSecretId ?? null,
    g.credentialSealed ?? null,
    g.credentialExpiresAt ?? null,
    JSON.stringify(g.policy),
    new Date(now).toISOString(),
    g.expiresAt,
  );
  return getGrant(db, g.appId, id)!;
}

// A user or group id means something only at its issuer, so the grant records which one.
function principalIssuer(db: Db, g: NewGrant): string | null {
  if (g.principalType === "system") return null;
  const issuer = g.principalType === "user" ? (getUser(db, g.principalId ?? "")?.issuer ?? null) : (g.principalIssuer ?? null);
  if (issuer === null) throw new Error(`a ${g.principalType} grant needs the IDP issuer of its principal`);
  return issuer;
}

export function getGrant(db: Db, appId: string, id: string): GrantRecord | undefined {
  const row = stmt(db, `${SELECT_GRANTS} WHERE app_id = ? AND id = ?`).get(appId, id) as Row | undefined;
  return row && rowToGrant(row);
}

/** A verified user: their own grants, and their groups' grants at the same issuer. */
export interface GrantIdentity {
  userId: string;
  issuer: string;
  groups: string[];
}

const IDENTITY_CLAUSE =
  "((principal_type = 'user' AND principal_id = ?) OR " +
  "(principal_type = 'group' AND principal_issuer = ? AND principal_id IN (SELECT value FROM json_each(?))))";
const identityArgs = (i: GrantIdentity) => [i.userId, i.issuer, JSON.stringify(i.groups)];

/** Grants a verified user may use for a provider: their own user grants and their groups' grants. */
export function grantsForIdentity(db: Db, appId: string, provider: string, identity: GrantIdentity): GrantRecord[] {
  const rows = stmt(db, `${SELECT_GRANTS} WHERE app_id = ? AND provider = ? AND ${IDENTITY_CLAUSE} ORDER BY created_at, id`).all(
    appId,
    provider,
    ...identityArgs(identity),
  ) as Row[];
  return rows.map(rowToGrant);
}

export interface GrantFilter {
  provider?: string;
  status?: GrantStatus;
  /** Restrict to a user's own grants plus their groups' grants. */
  identity?: GrantIdentity;
  /**
   * Only user and group grants whose principal belongs to another issuer than this one (the
   * configured IDP's, or null when there is none): no token can reach them.
   */
  orphanedFrom?: { currentIssuer: string | null };
  principalType?: PrincipalType;
  limit?: number;
  /** Exclusive cursor: (created_at, id) of the last grant of the previous page. */
  after?: { createdAt: string; id: string };
}

export function listGrants(db: Db, appId: string, f: GrantFilter = {}): GrantRecord[] {
  const where = ["app_id = ?"];
  const args: unknown[] = [appId];
  if (f.provider) {
    where.push("provider = ?");
    args.push(f.provider);
  }
  if (f.principalType) {
    where.push("principal_type = ?");
    args.push(f.principalType);
  }
  if (f.identity) {
    where.push(IDENTITY_CLAUSE);
    args.push(...identityArgs(f.identity));
  }
  if (f.orphanedFrom) {
    where.push("principal_type IN ('user', 'group') AND (principal_issuer IS NULL OR principal_issuer IS NOT ?)");
    args.push(f.orphanedFrom.currentIssuer);
  }
  if (f.after) {
    where.push("(created_at > ? OR (created_at = ? AND id > ?))");
    args.push(f.after.createdAt, f.after.createdAt, f.after.id);
  }
  const sql = `${SELECT_GRANTS} WHERE ${where.join(" AND ")} ORDER BY created_at, id${f.limit ? " LIMIT " + Math.floor(f.limit) : ""}`;
  return (stmt(db, sql).all(...args) as Row[]).map(rowToGrant);
}

/** Marks a grant revoked and deletes its tokens; false when it was missing or already revoked. */
export function markRevoked(db: Db, appId: string, id: string, reason: string | null, now: number): boolean {
  const r = stmt(db, 
      `UPDATE grants SET status = 'revoked', revoked_at = ?, revoke_reason = ?, credential_sealed = NULL,
         credential_expires_at = NULL WHERE app_id = ? AND id = ? AND status != 'revoked'`,
    )
    .run(new Date(now).toISOString(), reason, appId, id);
  return r.changes === 1;
}

export function touchGrant(db: Db, id: string, now: number): void {
  stmt(db, "UPDATE grants SET last_used_at = ? WHERE id = ?").run(new Date(now).toISOString(), id);
}

/** Shared with the asynchronous repository (store/grants.ts). */
export { SELECT_GRANTS, type Row as GrantRow };

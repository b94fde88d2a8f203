// Grant rows, asynchronously: the reads a signed retrieval makes (one grant by id, a verified
// user's grants for a provider), the writes around it (last use, new tokens after a refresh,
// revocation) and issuing. Row mapping is ../grants.ts's.
import { randomUUID } from "node:crypto";
import type { GrantPolicy, GrantRecord } from "../../grant-types.js";
import type { SqlDriver } from "../sql/driver.js";
import { rowToGrant, SELECT_GRANTS, type GrantIdentity, type GrantRow, type NewGrant } from "../grants.js";
import type { UsersRepo } from "./records.js";

const iso = (ms: number) => new Date(ms).toISOString();

export class GrantsRepo {
  constructor(
    private readonly sql: SqlDriver,
    private readonly users: UsersRepo,
  ) {}

  async insert(g: NewGrant, now: number): Promise<GrantRecord> {
    const id = g.id ?? randomUUID();
    await this.sql.run(
      `INSERT INTO grants (id, app_id, provider, account, principal_type, principal_id, principal_label, principal_issuer, scopes,
         status, source, managed_secret_id, credential_sealed, credential_expires_at, policy, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)`,
      [
        id, g.appId, g.provider, g.account, g.principalType, g.principalId, g.principalLabel, await this.#issuer(g),
        JSON.stringify(g.scopes), g.source, g.managedSecretId ?? null, g.credentialSealed ?? null,
        g.credentialExpiresAt ?? null, JSON.stringify(g.policy), iso(now), g.expiresAt,
      ],
    );
    return (await this.get(g.appId, id))!;
  }

  async #issuer(g: NewGrant): Promise<string | null> {
    if (g.principalType === "system") return null;
    const issuer = g.principalType === "user" ? ((await this.users.get(g.principalId ?? ""))?.issuer ?? null) : (g.principalIssuer ?? null);
    if (issuer === null) throw new Error(`a ${g.principalType} grant needs the IDP issuer of its principal`);
    return issuer;
  }

  async get(appId: string, id: string): Promise<GrantRecord | undefined> {
    const row = await this.sql.get<GrantRow>(`${SELECT_GRANTS} WHERE app_id = ? AND id = ?`, [appId, id]);
    return row && rowToGrant(row);
  }

  /** A verified user's own grants and their groups' grants at the same issuer, for a provider. */
  async forIdentity(appId: string, provider: string, identity: GrantIdentity): Promise<GrantRecord[]> {
    // The group list travels as one JSON parameter; each engine unpacks it its own way.
    const groups =
      this.sql.dialect === "postgres" ? "SELECT json_array_elements_text(CAST(? AS json))" : "SELECT value FROM json_each(?)";
    const rows = await this.sql.all<GrantRow>(
      `${SELECT_GRANTS} WHERE app_id = ? AND provider = ? AND ((principal_type = 'user' AND principal_id = ?) OR
         (principal_type = 'group' AND principal_issuer = ? AND principal_id IN (${groups}))) ORDER BY created_at, id`,
      [appId, provider, identity.userId, identity.issuer, JSON.stringify(identity.groups)],
    );
    return rows.map(rowToGrant);
  }

  async touch(id: string, now: number): Promise<void> {
    await this.sql.run("UPDATE grants SET last_used_at = ? WHERE id = ?", [iso(now), id]);
  }

  /** Stores the tokens a refresh returned (already sealed by vault/grants/credential.ts). */
  async setCredential(id: string, sealed: string, expiresAt: string | null): Promise<boolean> {
    const r = await this.sql.run("UPDATE grants SET credential_sealed = ?, credential_expires_at = ? WHERE id = ? AND status <> 'revoked'", [
      sealed,
      expiresAt,
      id,
    ]);
    return r.changes === 1;
  }

  /** Marks a grant revoked and deletes its tokens; false when it was missing or already revoked. */
  async revoke(appId: string, id: string, reason: string | null, now: number): Promise<boolean> {
    const r = await this.sql.run(
      `UPDATE grants SET status = 'revoked', revoked_at = ?, revoke_reason = ?, credential_sealed = NULL,
         credential_expires_at = NULL WHERE app_id = ? AND id = ? AND status <> 'revoked'`,
      [iso(now), reason, appId, id],
    );
    return r.changes === 1;
  }

  /** Every grant of the app (one provider's when given), oldest first (operator commands). */
  async listAll(appId: string, provider?: string): Promise<GrantRecord[]> {
    const rows = provider
      ? await this.sql.all<GrantRow>(`${SELECT_GRANTS} WHERE app_id = ? AND provider = ? ORDER BY created_at, id`, [appId, provider])
      : await this.sql.all<GrantRow>(`${SELECT_GRANTS} WHERE app_id = ? ORDER BY created_at, id`, [appId]);
    return rows.map(rowToGrant);
  }

  /**
   * Replaces a live grant's own policy and the expiry it implies, in one transaction: `decide`
   * sees the grant as it stands (locked on PostgreSQL, so a concurrent change waits) and returns
   * the new policy and expiry, or throws to change nothing. Undefined when no live grant has the id.
   */
  async updatePolicy(
    appId: string,
    id: string,
    decide: (g: GrantRecord) => { policy: GrantPolicy; expiresAt: string | null },
  ): Promise<GrantRecord | undefined> {
    return this.sql.transaction(async (tx) => {
      const lock = tx.dialect === "postgres" ? " FOR UPDATE OF grants" : "";
      const row = await tx.get<GrantRow>(`${SELECT_GRANTS} WHERE app_id = ? AND id = ? AND status <> 'revoked'${lock}`, [appId, id]);
      if (!row) return undefined;
      const next = decide(rowToGrant(row));
      await tx.run("UPDATE grants SET policy = ?, expires_at = ? WHERE app_id = ? AND id = ?", [JSON.stringify(next.policy), next.expiresAt, appId, id]);
      return rowToGrant((await tx.get<GrantRow>(`${SELECT_GRANTS} WHERE app_id = ? AND id = ?`, [appId, id]))!);
    });
  }
}

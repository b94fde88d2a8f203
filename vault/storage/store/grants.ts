// Grant rows, asynchronously: the reads a signed retrieval makes (one grant by id, a verified
// user's grants for a provider), the writes around it (last use, new tokens after a refresh,
// revocation) and issuing. Row mapping is ../grants.ts's.
import { randomUUID } from "node:crypto";
import type { GrantPolicy, GrantRecord, GrantStatus } from "../../grant-types.js";
import type { SqlDriver, SqlRunner, SqlValue } from "../sql/driver.js";
import { rowToGrant, SELECT_GRANTS, type GrantIdentity, type GrantRow, type NewGrant } from "../grants.js";
import type { PrincipalType } from "../../grant-types.js";
import type { UsersRepo } from "./records.js";

/** A page of an app's grants (GET /v1/grants): filters, then the (created_at, id) cursor. */
export interface GrantPageFilter {
  provider?: string;
  principalType?: PrincipalType;
  /** Only a verified user's own grants and their groups' grants. */
  identity?: GrantIdentity;
  /** Exclusive cursor: (created_at, id) of the last grant of the previous page. */
  after?: { createdAt: string; id: string };
  limit?: number;
}

/** Grants whose last write touch() remembers at most (then it forgets them all). */
const MAX_TOUCHED = 10_000;

const iso = (ms: number) => new Date(ms).toISOString();
const identityArgs = (i: GrantIdentity): SqlValue[] => [i.userId, i.issuer, JSON.stringify(i.groups)];

export class GrantsRepo {
  /** The last use this process last wrote, by grant id (epoch ms). */
  readonly #touched = new Map<string, number>();

  constructor(
    private readonly sql: SqlDriver,
    private readonly users: UsersRepo,
  ) {}

  /** `r`: a transaction to issue the grant in (with its audit row); the driver by default. */
  async insert(g: NewGrant, now: number, r: SqlRunner = this.sql): Promise<GrantRecord> {
    const id = g.id ?? randomUUID();
    await r.run(
      `INSERT INTO grants (id, app_id, provider, account, principal_type, principal_id, principal_label, principal_issuer, scopes,
         status, source, managed_secret_id, credential_sealed, credential_expires_at, policy, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)`,
      [
        id, g.appId, g.provider, g.account, g.principalType, g.principalId, g.principalLabel, await this.#issuer(g, r),
        JSON.stringify(g.scopes), g.source, g.managedSecretId ?? null, g.credentialSealed ?? null,
        g.credentialExpiresAt ?? null, JSON.stringify(g.policy), iso(now), g.expiresAt,
      ],
    );
    return (await this.get(g.appId, id, r))!;
  }

  async #issuer(g: NewGrant, r: SqlRunner): Promise<string | null> {
    if (g.principalType === "system") return null;
    const user = async (id: string) =>
      r === this.sql ? (await this.users.get(id))?.issuer : (await r.get<{ issuer: string }>("SELECT issuer FROM users WHERE id = ?", [id]))?.issuer;
    const issuer = g.principalType === "user" ? ((await user(g.principalId ?? "")) ?? null) : (g.principalIssuer ?? null);
    if (issuer === null) throw new Error(`a ${g.principalType} grant needs the IDP issuer of its principal`);
    return issuer;
  }

  async get(appId: string, id: string, r: SqlRunner = this.sql): Promise<GrantRecord | undefined> {
    const row = await r.get<GrantRow>(`${SELECT_GRANTS} WHERE app_id = ? AND id = ?`, [appId, id]);
    return row && rowToGrant(row);
  }

  /** A verified user's own grants and their groups' grants at the same issuer, for a provider. */
  async forIdentity(appId: string, provider: string, identity: GrantIdentity): Promise<GrantRecord[]> {
    const rows = await this.sql.all<GrantRow>(`${SELECT_GRANTS} WHERE app_id = ? AND provider = ? AND ${this.#identityClause()} ORDER BY created_at, id`, [
      appId,
      provider,
      ...identityArgs(identity),
    ]);
    return rows.map(rowToGrant);
  }

  /** The user's own grants or their groups' at the same issuer; parameters by identityArgs. */
  #identityClause(): string {
    // The group list travels as one JSON parameter; each engine unpacks it its own way.
    const groups = this.sql.dialect === "postgres" ? "SELECT json_array_elements_text(CAST(? AS json))" : "SELECT value FROM json_each(?)";
    return `((principal_type = 'user' AND principal_id = ?) OR (principal_type = 'group' AND principal_issuer = ? AND principal_id IN (${groups})))`;
  }

  /** One page of the app's grants in (created_at, id) order, after the cursor. */
  async page(appId: string, f: GrantPageFilter = {}): Promise<GrantRecord[]> {
    const where = ["app_id = ?"];
    const args: SqlValue[] = [appId];
    if (f.provider) where.push("provider = ?"), args.push(f.provider);
    if (f.principalType) where.push("principal_type = ?"), args.push(f.principalType);
    if (f.identity) where.push(this.#identityClause()), args.push(...identityArgs(f.identity));
    if (f.after) where.push("(created_at > ? OR (created_at = ? AND id > ?))"), args.push(f.after.createdAt, f.after.createdAt, f.after.id);
    const limit = f.limit ? ` LIMIT ${Math.floor(f.limit)}` : "";
    return (await this.sql.all<GrantRow>(`${SELECT_GRANTS} WHERE ${where.join(" AND ")} ORDER BY created_at, id${limit}`, args)).map(rowToGrant);
  }

  /**
   * Grants not revoked that are bound to identities: `orphanedFrom` those of users and groups at
   * another issuer than this one (null: none configured), which no token can reach; `issuer`
   * those bound to that issuer; `userId` that user's own. `r`: a transaction to read in.
   */
  async liveBoundTo(appId: string, to: { orphanedFrom: string | null } | { issuer: string } | { userId: string }, r: SqlRunner = this.sql): Promise<GrantRecord[]> {
    const [clause, arg] =
      "orphanedFrom" in to
        ? ["principal_type IN ('user', 'group') AND principal_issuer IS DISTINCT FROM CAST(? AS TEXT)", to.orphanedFrom]
        : "issuer" in to
          ? ["principal_issuer = ?", to.issuer]
          : ["principal_type = 'user' AND principal_id = ?", to.userId];
    const rows = await r.all<GrantRow>(`${SELECT_GRANTS} WHERE app_id = ? AND status <> 'revoked' AND ${clause} ORDER BY created_at, id`, [appId, arg]);
    return rows.map(rowToGrant);
  }

  /** A refresh's rotated refresh token, stored before the rest of its answer is checked. False: not active any more. */
  async setRotatedTokens(id: string, sealed: string): Promise<boolean> {
    return (await this.sql.run("UPDATE grants SET credential_sealed = ? WHERE id = ? AND status = 'active'", [sealed, id])).changes === 1;
  }

  /** A refresh's whole answer: tokens, expiry and the scopes granted now. False: not active any more. */
  async setRefreshed(id: string, sealed: string, expiresAt: string | null, scopes: readonly string[]): Promise<boolean> {
    const r = await this.sql.run("UPDATE grants SET credential_sealed = ?, credential_expires_at = ?, scopes = ? WHERE id = ? AND status = 'active'", [
      sealed,
      expiresAt,
      JSON.stringify(scopes),
      id,
    ]);
    return r.changes === 1;
  }

  async setStatus(id: string, status: GrantStatus): Promise<void> {
    await this.sql.run("UPDATE grants SET status = ? WHERE id = ?", [status, id]);
  }

  /** Told of every last use written (the record cache shows it: record-cache.ts). */
  onTouch?: (id: string, at: string) => void;

  /**
   * `r`: the transaction of the retrieval's audit row, which it commits with. Last use is kept to
   * the second: a grant whose last use this process wrote less than a second before or after
   * `now` is not written again. The requests in flight when a second turns all read the grant
   * before the first of them wrote its last use, and each asked to write it (a row lock each, held
   * until its audit transaction commits, which another instance's touch of the grant waits for).
   * The same `now` again is written (an audit batch that failed, retried row by row).
   */
  async touch(id: string, now: number, r: SqlRunner = this.sql): Promise<void> {
    const last = this.#touched.get(id);
    if (last !== undefined && last !== now && Math.abs(now - last) < 1000) return;
    if (this.#touched.size >= MAX_TOUCHED) this.#touched.clear();
    this.#touched.set(id, now);
    await r.run("UPDATE grants SET last_used_at = ? WHERE id = ?", [iso(now), id]);
    this.onTouch?.(id, iso(now));
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

  /**
   * Marks a grant revoked and deletes its tokens; false when it was missing or already revoked.
   * `tx`: a transaction to write in (the revocation and its audit row commit together).
   */
  async revoke(appId: string, id: string, reason: string | null, now: number, tx: SqlRunner = this.sql): Promise<boolean> {
    const r = await tx.run(
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
    outer?: SqlRunner,
  ): Promise<GrantRecord | undefined> {
    const inTransaction = <T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> => (outer ? fn(outer) : this.sql.transaction(fn));
    return inTransaction(async (tx) => {
      const lock = tx.dialect === "postgres" ? " FOR UPDATE OF grants" : "";
      const row = await tx.get<GrantRow>(`${SELECT_GRANTS} WHERE app_id = ? AND id = ? AND status <> 'revoked'${lock}`, [appId, id]);
      if (!row) return undefined;
      const next = decide(rowToGrant(row));
      await tx.run("UPDATE grants SET policy = ?, expires_at = ? WHERE app_id = ? AND id = ?", [JSON.stringify(next.policy), next.expiresAt, appId, id]);
      return rowToGrant((await tx.get<GrantRow>(`${SELECT_GRANTS} WHERE app_id = ? AND id = ?`, [appId, id]))!);
    });
  }
}

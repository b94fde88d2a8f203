// Connect sessions (`connect_sessions`), shared by every instance: the SDK polls one instance
// while the browser's callbacks land on others. Row-level operations only; the domain
// (vault/oauth/connect-sessions.ts) keeps the page token, the effective status and the wording.
// A provider's result is merged into the row's JSON under a row lock (SELECT … FOR UPDATE on
// PostgreSQL, the write lock on SQLite): two providers finishing at once on two instances both
// land, where a plain read-modify-write would lose one.
import type { SqlDriver, SqlRunner } from "../sql/driver.js";

export type ConnectStatus = "pending" | "completed" | "denied" | "expired" | "failed";

/** The row as stored (status as written: a pending row past expiry is still "pending" here). */
export interface StoredConnectSession {
  id: string;
  appId: string;
  keyId: string | null;
  pageTokenHash: string;
  providers: string[];
  scopes: Record<string, string[]>;
  principalType: "user" | "system";
  userId: string | null;
  ownerLabel: string | null;
  status: ConnectStatus;
  grantIds: Record<string, string>;
  outcomes: Record<string, "denied" | "failed">;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: string;
  expiresAt: string;
  completedAt: string | null;
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
  completed_at: string | null;
}

const toSession = (r: Row): StoredConnectSession => ({
  id: r.id,
  appId: r.app_id,
  keyId: r.key_id,
  pageTokenHash: r.page_token_hash,
  providers: JSON.parse(r.providers) as string[],
  scopes: JSON.parse(r.scopes) as Record<string, string[]>,
  principalType: r.principal_type,
  userId: r.user_id,
  ownerLabel: r.owner_label,
  status: r.status,
  grantIds: JSON.parse(r.grant_ids) as Record<string, string>,
  outcomes: JSON.parse(r.provider_outcomes) as Record<string, "denied" | "failed">,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  completedAt: r.completed_at,
});

export type NewConnectSession = Pick<StoredConnectSession, "id" | "appId" | "keyId" | "pageTokenHash" | "providers" | "scopes" | "userId" | "ownerLabel" | "createdAt" | "expiresAt">;

/** Finished flows are kept a day for pages that are reloaded, then pruned. */
const KEEP_FINISHED_MS = 24 * 3600_000;

export class ConnectSessionsRepo {
  constructor(private readonly sql: SqlDriver) {}

  async insert(s: NewConnectSession): Promise<StoredConnectSession> {
    await this.sql.run(
      `INSERT INTO connect_sessions (id, app_id, key_id, page_token_hash, providers, scopes, principal_type, user_id, owner_label, status, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      [s.id, s.appId, s.keyId, s.pageTokenHash, JSON.stringify(s.providers), JSON.stringify(s.scopes), s.userId ? "user" : "system", s.userId, s.ownerLabel, s.createdAt, s.expiresAt],
    );
    return (await this.get(s.id))!;
  }

  async get(id: string): Promise<StoredConnectSession | undefined> {
    const row = await this.sql.get<Row>("SELECT * FROM connect_sessions WHERE id = ?", [id]);
    return row && toSession(row);
  }

  async #locked(tx: SqlRunner, id: string): Promise<Row | undefined> {
    return tx.get<Row>(`SELECT * FROM connect_sessions WHERE id = ?${tx.dialect === "postgres" ? " FOR UPDATE" : ""}`, [id]);
  }

  /** Records one provider's new grant; the session completes once every provider has one. */
  async recordGrant(id: string, provider: string, grantId: string, now: number): Promise<StoredConnectSession | undefined> {
    await this.sql.transaction(async (tx) => {
      const row = await this.#locked(tx, id);
      if (!row || row.status !== "pending") return;
      const grants = { ...(JSON.parse(row.grant_ids) as Record<string, string>), [provider]: grantId };
      const done = (JSON.parse(row.providers) as string[]).every((p) => grants[p] !== undefined);
      await tx.run("UPDATE connect_sessions SET grant_ids = ?, status = ?, completed_at = ? WHERE id = ?", [
        JSON.stringify(grants),
        done ? "completed" : "pending",
        done ? new Date(now).toISOString() : null,
        id,
      ]);
    });
    return this.get(id);
  }

  /** Ends a pending session as denied or failed (because of `provider`, when one is named). */
  async finish(id: string, status: "denied" | "failed", error: { code: string; message: string }, now: number, provider: string | null = null): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const row = await this.#locked(tx, id);
      if (!row || row.status !== "pending") return false;
      const outcomes = JSON.parse(row.provider_outcomes) as Record<string, string>;
      if (provider !== null) outcomes[provider] = status;
      await tx.run(
        "UPDATE connect_sessions SET status = ?, error_code = ?, error_message = ?, completed_at = ?, provider_outcomes = ? WHERE id = ?",
        [status, error.code, error.message, new Date(now).toISOString(), JSON.stringify(outcomes), id],
      );
      return true;
    });
  }

  /** Drops authorization attempts, sessions and device authorizations that ended more than a day ago. */
  async prune(now: number): Promise<number> {
    const before = new Date(now - KEEP_FINISHED_MS).toISOString();
    let n = 0;
    for (const [table, column] of [["oauth_states", "expires_at"], ["connect_sessions", "expires_at"], ["auth_sessions", "expires_at"], ["device_authorizations", "expires_at"]]) {
      n += (await this.sql.run(`DELETE FROM ${table} WHERE ${column} < ?`, [before])).changes;
    }
    return n;
  }
}

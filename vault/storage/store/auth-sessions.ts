// Sign-in (authenticate) sessions (`auth_sessions`), shared by every instance: the SDK polls one
// instance while the browser's IDP callback lands on another. Row-level only; the domain
// (vault/oauth/auth-sessions.ts) seals the ID token and words the outcomes. The token is handed
// over once: taken under a row lock and cleared by a conditional UPDATE, so two status polls on
// two instances at once never both receive it.
import type { SqlDriver } from "../sql/driver.js";

export type AuthSessionStatus = "pending" | "completed" | "failed" | "expired";

export interface AuthSessionRow {
  id: string;
  app_id: string;
  key_id: string | null;
  page_token_hash: string;
  status: AuthSessionStatus;
  id_token_sealed: string | null;
  user_label: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  expires_at: string;
}

export type NewAuthSession = Pick<AuthSessionRow, "id" | "app_id" | "key_id" | "page_token_hash" | "created_at" | "expires_at">;

export class AuthSessionsRepo {
  constructor(private readonly sql: SqlDriver) {}

  async insert(s: NewAuthSession): Promise<void> {
    await this.sql.run(
      `INSERT INTO auth_sessions (id, app_id, key_id, page_token_hash, status, created_at, expires_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
      [s.id, s.app_id, s.key_id, s.page_token_hash, s.created_at, s.expires_at],
    );
  }

  async get(id: string): Promise<AuthSessionRow | undefined> {
    return this.sql.get<AuthSessionRow>(
      "SELECT id, app_id, key_id, page_token_hash, status, id_token_sealed, user_label, error_code, error_message, created_at, expires_at FROM auth_sessions WHERE id = ?",
      [id],
    );
  }

  /** Ends a pending session as failed or expired; false when it had already ended. */
  async fail(id: string, status: "failed" | "expired", code: string, message: string, now: number): Promise<boolean> {
    const r = await this.sql.run(
      "UPDATE auth_sessions SET status = ?, error_code = ?, error_message = ?, completed_at = ? WHERE id = ? AND status = 'pending'",
      [status, code, message, new Date(now).toISOString(), id],
    );
    return r.changes === 1;
  }

  /** Completes a pending session with the sealed ID token; false when it had already ended. */
  async complete(id: string, idTokenSealed: string, userLabel: string, now: number): Promise<boolean> {
    const r = await this.sql.run(
      "UPDATE auth_sessions SET status = 'completed', id_token_sealed = ?, user_label = ?, completed_at = ? WHERE id = ? AND status = 'pending'",
      [idTokenSealed, userLabel, new Date(now).toISOString(), id],
    );
    return r.changes === 1;
  }

  /** The sealed ID token of a completed session, cleared as it is read: once, on any instance. */
  async takeToken(id: string, now: number): Promise<string | null> {
    return this.sql.transaction(async (tx) => {
      const row = await tx.get<{ id_token_sealed: string | null }>(
        `SELECT id_token_sealed FROM auth_sessions WHERE id = ? AND status = 'completed'${tx.dialect === "postgres" ? " FOR UPDATE" : ""}`,
        [id],
      );
      if (!row?.id_token_sealed) return null;
      const r = await tx.run("UPDATE auth_sessions SET id_token_sealed = NULL, delivered_at = ? WHERE id = ? AND id_token_sealed IS NOT NULL", [
        new Date(now).toISOString(),
        id,
      ]);
      return r.changes === 1 ? row.id_token_sealed : null;
    });
  }
}

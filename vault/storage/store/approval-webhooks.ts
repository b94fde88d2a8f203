// The approval webhook of each app (where the vault announces that an approval waits), as rows:
// the URL (it can carry a token: Slack, Teams) and the signing secret arrive sealed and leave
// sealed; vault/approvals/webhook-store.ts seals and opens them. `url` holds a plain URL only in
// rows set before migration 087, until sealLegacyUrl replaces it.
import type { SqlDriver, SqlRunner } from "../sql/driver.js";

export interface ApprovalWebhookRow {
  app_id: string;
  /** The plain URL of a row set before migration 087; null once sealed. */
  url: string | null;
  url_sealed: string | null;
  /** The URL's origin with its path masked: what operators are shown. */
  url_shown: string | null;
  secret_sealed: string;
  created_at: string;
}

export type NewApprovalWebhookRow = Omit<ApprovalWebhookRow, "url"> & { url_sealed: string; url_shown: string };

export class ApprovalWebhooksRepo {
  constructor(private readonly sql: SqlDriver) {}

  /** Sets the app's webhook, replacing any; in `tx` when given (with the change's audit row). */
  async save(row: NewApprovalWebhookRow, tx: SqlRunner = this.sql): Promise<void> {
    await tx.run(
      `INSERT INTO approval_webhooks (app_id, url, url_sealed, url_shown, secret_sealed, created_at) VALUES (?, NULL, ?, ?, ?, ?)
       ON CONFLICT (app_id) DO UPDATE SET url = NULL, url_sealed = excluded.url_sealed, url_shown = excluded.url_shown,
         secret_sealed = excluded.secret_sealed, created_at = excluded.created_at`,
      [row.app_id, row.url_sealed, row.url_shown, row.secret_sealed, row.created_at],
    );
  }

  async get(appId: string): Promise<ApprovalWebhookRow | undefined> {
    return this.sql.get<ApprovalWebhookRow>(
      "SELECT app_id, url, url_sealed, url_shown, secret_sealed, created_at FROM approval_webhooks WHERE app_id = ?",
      [appId],
    );
  }

  /** Replaces a pre-087 plain URL by its sealed and shown forms, unless the row changed meanwhile. */
  async sealLegacyUrl(appId: string, plain: string, urlSealed: string, urlShown: string): Promise<boolean> {
    const r = await this.sql.run("UPDATE approval_webhooks SET url = NULL, url_sealed = ?, url_shown = ? WHERE app_id = ? AND url = ?", [
      urlSealed,
      urlShown,
      appId,
      plain,
    ]);
    return r.changes === 1;
  }

  async delete(appId: string, tx: SqlRunner = this.sql): Promise<boolean> {
    return (await tx.run("DELETE FROM approval_webhooks WHERE app_id = ?", [appId])).changes === 1;
  }
}

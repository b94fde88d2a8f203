// The approval webhook of each app (where the vault announces that an approval waits), as rows:
// the signing secret arrives sealed and leaves sealed; vault/approvals/webhook-store.ts seals and
// opens it.
import type { SqlDriver } from "../sql/driver.js";

export interface ApprovalWebhookRow {
  app_id: string;
  url: string;
  secret_sealed: string;
  created_at: string;
}

export class ApprovalWebhooksRepo {
  constructor(private readonly sql: SqlDriver) {}

  /** Sets the app's webhook, replacing any. */
  async save(row: ApprovalWebhookRow): Promise<void> {
    await this.sql.run(
      `INSERT INTO approval_webhooks (app_id, url, secret_sealed, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (app_id) DO UPDATE SET url = excluded.url, secret_sealed = excluded.secret_sealed, created_at = excluded.created_at`,
      [row.app_id, row.url, row.secret_sealed, row.created_at],
    );
  }

  async get(appId: string): Promise<ApprovalWebhookRow | undefined> {
    return this.sql.get<ApprovalWebhookRow>("SELECT app_id, url, secret_sealed, created_at FROM approval_webhooks WHERE app_id = ?", [appId]);
  }

  async delete(appId: string): Promise<boolean> {
    return (await this.sql.run("DELETE FROM approval_webhooks WHERE app_id = ?", [appId])).changes === 1;
  }
}

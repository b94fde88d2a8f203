// The app's approval webhook: where the vault tells someone an approval waits. The signing secret
// is generated here, returned once to the operator who sets it, and kept sealed under the master
// key (the vault signs each delivery with it).
import { randomBytes } from "node:crypto";
import { stmt, type Db } from "../storage/db.js";
import type { AtRest } from "../crypto/at-rest.js";

const PURPOSE = "approval-webhook-secret";

export interface ApprovalWebhook {
  url: string;
  createdAt: string;
}

/** Standard Webhooks' secret form: `whsec_` and the base64 of the HMAC key. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export function saveWebhook(db: Db, crypto: AtRest, appId: string, url: string, secret: string, nowMs: number): void {
  stmt(db, "INSERT INTO approval_webhooks (app_id, url, secret_sealed, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(app_id) DO UPDATE SET url = excluded.url, secret_sealed = excluded.secret_sealed, created_at = excluded.created_at").run(
    appId, url, crypto.sealJson(PURPOSE, appId, secret), new Date(nowMs).toISOString(),
  );
}

export function getWebhook(db: Db, appId: string): ApprovalWebhook | undefined {
  const row = stmt(db, "SELECT url, created_at FROM approval_webhooks WHERE app_id = ?").get(appId) as { url: string; created_at: string } | undefined;
  return row && { url: row.url, createdAt: row.created_at };
}

/** The webhook with its secret, for signing one delivery (never logged, never returned). */
export function webhookForDelivery(db: Db, crypto: AtRest, appId: string): (ApprovalWebhook & { secret: string }) | undefined {
  const row = stmt(db, "SELECT url, created_at, secret_sealed FROM approval_webhooks WHERE app_id = ?").get(appId) as
    | { url: string; created_at: string; secret_sealed: string }
    | undefined;
  return row && { url: row.url, createdAt: row.created_at, secret: crypto.openJson<string>(PURPOSE, appId, row.secret_sealed) };
}

export function deleteWebhook(db: Db, appId: string): boolean {
  return stmt(db, "DELETE FROM approval_webhooks WHERE app_id = ?").run(appId).changes === 1;
}

// The app's approval webhook: where the vault tells someone an approval waits. The signing secret
// is generated here, returned once to the operator who sets it, and kept sealed under the master
// key (the vault signs each delivery with it).
import { randomBytes } from "node:crypto";
import type { Store } from "../storage/store/index.js";
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

export async function saveWebhook(store: Store, crypto: AtRest, appId: string, url: string, secret: string, nowMs: number): Promise<void> {
  await store.approvalWebhooks.save({ app_id: appId, url, secret_sealed: crypto.sealJson(PURPOSE, appId, secret), created_at: new Date(nowMs).toISOString() });
}

export async function getWebhook(store: Store, appId: string): Promise<ApprovalWebhook | undefined> {
  const row = await store.approvalWebhooks.get(appId);
  return row && { url: row.url, createdAt: row.created_at };
}

/** The webhook with its secret, for signing one delivery (never logged, never returned). */
export async function webhookForDelivery(store: Store, crypto: AtRest, appId: string): Promise<(ApprovalWebhook & { secret: string }) | undefined> {
  const row = await store.approvalWebhooks.get(appId);
  return row && { url: row.url, createdAt: row.created_at, secret: crypto.openJson<string>(PURPOSE, appId, row.secret_sealed) };
}

export function deleteWebhook(store: Store, appId: string): Promise<boolean> {
  return store.approvalWebhooks.delete(appId);
}

// The app's approval webhook: where the vault tells someone an approval waits. The signing secret
// is generated here, returned once to the operator who sets it, and kept sealed under the master
// key (the vault signs each delivery with it). The URL is sealed too: Slack and Teams incoming-
// webhook URLs carry a token in their path, so whoever holds the URL can post to the channel.
// Operators are shown its origin with the path masked (shownWebhookUrl), never the whole URL.
import { randomBytes } from "node:crypto";
import type { Store } from "../storage/store/index.js";
import type { ApprovalWebhookRow } from "../storage/store/approval-webhooks.js";
import type { AtRest } from "../crypto/at-rest.js";
import type { SqlRunner } from "../storage/sql/driver.js";

const PURPOSE = "approval-webhook-secret";
const URL_PURPOSE = "approval-webhook-url";

export interface ApprovalWebhook {
  /** The URL's origin with every path segment (and any query) masked: safe to print and log. */
  shown: string;
  createdAt: string;
}

/** Standard Webhooks' secret form: `whsec_` and the base64 of the HMAC key. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** The URL's origin, then a masked segment for each path segment and a masked query if there is
 *  one: a Slack incoming-webhook URL shows as its origin and three masked segments. */
export function shownWebhookUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "(an unparseable URL)";
  }
  const segments = u.pathname.split("/").filter((s) => s !== "");
  return `${u.origin}${segments.map(() => "/***").join("")}${u.search ? "?***" : ""}`;
}

/** `tx`: the caller's transaction (the change and its audit row commit together). */
export async function saveWebhook(store: Store, crypto: AtRest, appId: string, url: string, secret: string, nowMs: number, tx?: SqlRunner): Promise<void> {
  await store.approvalWebhooks.save({
    app_id: appId,
    url_sealed: crypto.sealJson(URL_PURPOSE, appId, url),
    url_shown: shownWebhookUrl(url),
    secret_sealed: crypto.sealJson(PURPOSE, appId, secret),
    created_at: new Date(nowMs).toISOString(),
  }, tx);
}

/** The row, its URL sealed first when it was set before URLs were (migration 087). */
async function sealedRow(store: Store, crypto: AtRest, appId: string): Promise<ApprovalWebhookRow | undefined> {
  const row = await store.approvalWebhooks.get(appId);
  if (!row || row.url === null) return row;
  const sealed = crypto.sealJson(URL_PURPOSE, appId, row.url);
  const shown = shownWebhookUrl(row.url);
  // Another instance may seal it at the same moment: either result is the same URL.
  if (!(await store.approvalWebhooks.sealLegacyUrl(appId, row.url, sealed, shown))) return store.approvalWebhooks.get(appId);
  return { ...row, url: null, url_sealed: sealed, url_shown: shown };
}

export async function getWebhook(store: Store, crypto: AtRest, appId: string): Promise<ApprovalWebhook | undefined> {
  const row = await sealedRow(store, crypto, appId);
  return row && { shown: row.url_shown ?? "(not recorded)", createdAt: row.created_at };
}

/** The webhook with its URL and secret, for one delivery (neither is logged or returned). */
export async function webhookForDelivery(store: Store, crypto: AtRest, appId: string): Promise<(ApprovalWebhook & { url: string; secret: string }) | undefined> {
  const row = await sealedRow(store, crypto, appId);
  if (!row?.url_sealed) return undefined;
  return {
    url: crypto.openJson<string>(URL_PURPOSE, appId, row.url_sealed),
    shown: row.url_shown ?? "(not recorded)",
    createdAt: row.created_at,
    secret: crypto.openJson<string>(PURPOSE, appId, row.secret_sealed),
  };
}

export function deleteWebhook(store: Store, appId: string, tx?: SqlRunner): Promise<boolean> {
  return store.approvalWebhooks.delete(appId, tx);
}

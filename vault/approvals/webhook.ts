// Tells the approval webhook that an approval waits, so the person who decides (often the end
// user whose grant it is) hears of it out of band: a chat app, a phone (the idea behind OpenID
// CIBA). Signed as Standard Webhooks are (webhook-id, webhook-timestamp, webhook-signature:
// `v1,` + base64 HMAC-SHA256 over `id.timestamp.body` with the secret's key), sent after the
// caller's answer has left (never on its path), retried a few times with backoff, and audited.
//
// The payload carries what a person needs to decide whether to open the link: the approver link,
// the provider's name, the operation and its summary, the method and the redacted URL, whose grant
// it is, and when it was asked and expires. Never the request's headers or body: a webhook leaves
// the vault for a third party (a chat service), and a body can carry anything; the approver reads
// all of it on the page behind the link, after signing in where the app has an IDP.
import { createHmac, randomUUID } from "node:crypto";
import { request } from "undici";
import type { VaultState } from "../context.js";
import type { GrantRecord } from "../grant-types.js";
import type { ApprovalRecord } from "./store.js";
import { webhookForDelivery } from "./webhook-store.js";

/** Delays before each attempt (ms): three attempts over about five seconds. */
export const WEBHOOK_DELAYS_MS = [0, 1_000, 4_000];
/** Deadline of one attempt (connect, headers and body). */
export const WEBHOOK_TIMEOUT_MS = 5_000;

export interface ApprovalNotice {
  type: "approval.requested";
  timestamp: string;
  data: {
    approvalId: string;
    /** The page where a person approves or denies (the approver link). */
    approverUrl: string;
    provider: string;
    providerName: string;
    operationId: string | null;
    operationSummary: string | null;
    method: string;
    /** The target URL with secret-looking query values redacted. */
    url: string;
    /** Why approval is asked ("grant: class write"). */
    askedFor: string[];
    grant: { id: string; account: string | null; owner: { type: string; label: string | null } };
    requestedAt: string;
    expiresAt: string;
  };
}

export interface NoticeFacts {
  approverUrl: string;
  providerName: string;
  operationSummary: string | null;
  askedFor: string[];
}

export function approvalNotice(a: ApprovalRecord, grant: Pick<GrantRecord, "id" | "account" | "principalType" | "principalLabel">, f: NoticeFacts, nowMs: number): ApprovalNotice {
  return {
    type: "approval.requested",
    timestamp: new Date(nowMs).toISOString(),
    data: {
      approvalId: a.id,
      approverUrl: f.approverUrl,
      provider: a.provider,
      providerName: f.providerName,
      operationId: a.operationId ?? a.context.operationId ?? null,
      operationSummary: f.operationSummary,
      method: a.method,
      url: a.urlRedacted,
      askedFor: f.askedFor,
      grant: { id: grant.id, account: grant.account, owner: { type: grant.principalType, label: grant.principalLabel } },
      requestedAt: a.createdAt,
      expiresAt: a.expiresAt,
    },
  };
}

/** The Standard Webhooks signature header value for one delivery. */
export function signWebhook(secret: string, id: string, timestampSec: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestampSec}.${body}`).digest("base64")}`;
}

/** Only https, or http to a loopback address (a receiver on the same machine); null when allowed. */
export function webhookUrlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "is not an absolute URL";
  }
  if (u.username || u.password) return "must not carry a user name or password";
  if (u.protocol === "https:") return null;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (u.protocol === "http:" && (host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host))) return null;
  return "must be https (or http to a loopback address)";
}

type Attempt = { status: number | null; error: string | null };

async function attempt(url: string, secret: string, id: string, body: string, nowMs: number): Promise<Attempt> {
  const ts = Math.floor(nowMs / 1000);
  try {
    const res = await request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signWebhook(secret, id, ts, body) },
      body,
      headersTimeout: WEBHOOK_TIMEOUT_MS,
      bodyTimeout: WEBHOOK_TIMEOUT_MS,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await res.body.dump({ limit: 64 * 1024 }).catch(() => {});
    return { status: res.statusCode, error: null };
  } catch (e) {
    return { status: null, error: (e as Error).name === "TimeoutError" || (e as Error).name === "AbortError" ? "timeout" : "unreachable" };
  }
}

/** A wait between attempts that never keeps a stopping vault's process alive. */
const unrefSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** 2xx is delivered; 408, 429 and 5xx and transport failures are tried again; other answers are final. */
const retryable = (a: Attempt) => a.status === null || a.status === 408 || a.status === 429 || a.status >= 500;

/**
 * Delivers `notice` to the app's webhook, if one is set, and audits the outcome. Resolves when
 * done (tests await it); the proxy route does not.
 */
export async function deliverApprovalNotice(state: VaultState, appId: string, notice: ApprovalNotice, sleep = unrefSleep): Promise<void> {
  const hook = await webhookForDelivery(state.store, state.crypto, appId);
  if (!hook) return;
  const id = `msg_${randomUUID()}`;
  const problem = webhookUrlProblem(hook.url);
  if (problem) {
    // Set before the rule, or edited in the database: refused at send time too.
    state.audit.write({ action: "approval.webhook", outcome: "error", appId, grantId: notice.data.grant.id, provider: notice.data.provider, errorCode: "webhook_url_refused", details: { approvalId: notice.data.approvalId, webhookId: id, attempts: 0 } });
    return;
  }
  const body = JSON.stringify(notice);
  let last: Attempt = { status: null, error: "not sent" };
  let attempts = 0;
  for (const delay of WEBHOOK_DELAYS_MS) {
    if (delay) await sleep(delay);
    attempts++;
    last = await attempt(hook.url, hook.secret, id, body, state.now());
    if (!retryable(last)) break;
  }
  const delivered = last.status !== null && last.status >= 200 && last.status < 300;
  state.audit.write({
    action: "approval.webhook",
    outcome: delivered ? "success" : "error",
    appId,
    grantId: notice.data.grant.id,
    provider: notice.data.provider,
    operationId: notice.data.operationId,
    status: last.status,
    errorCode: delivered ? null : (last.error ?? "webhook_refused"),
    details: { approvalId: notice.data.approvalId, webhookId: id, attempts, host: new URL(hook.url).host },
  });
}

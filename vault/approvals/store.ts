// Approval records: a pending proxied request waiting for a person's yes or no.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { Store } from "../storage/store/index.js";
import type { ApprovalRow } from "../storage/store/approvals.js";
import type { AtRest } from "../crypto/at-rest.js";
import type { SqlRunner } from "../storage/sql/driver.js";
import type { ProxyRequest, ProxyResponse } from "../proxy/send.js";
import type { CallContext } from "../audit/call-context.js";
import type { PolicySource } from "../policy/evaluate.js";
import type { RedirectPolicy } from "../../protocol/redirect.js";

export type ApprovalStatus = "pending" | "approved" | "denied" | "expired" | "executing" | "executed" | "failed";

export const APPROVAL_TTL_MS = 60 * 60 * 1000;

export interface ApprovalRecord {
  id: string;
  appId: string;
  grantId: string;
  keyId: string | null;
  status: ApprovalStatus;
  provider: string;
  operationId: string | null;
  method: string;
  urlRedacted: string;
  context: CallContext;
  remoteAddress: string | null;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  errorCode: string | null;
  hasResult: boolean;
  /** The verified end user whose call asked (Alter-User-Token), or null: only that principal
   *  may read the approval's status. */
  requester: Requester | null;
  /** Which policies asked for approval: the managed secret's floor, the grant's own, or both. */
  askedBy: PolicySource[];
  /** Why, rule by rule ("grant: every call", "floor: class write"); null for approvals made
   *  before this was recorded (migration 075). */
  askedFor: string[] | null;
  /** SHA-256 of the review the approver was shown (set on approval); the request must still match it when it runs. */
  approvedHash: string | null;
}

export interface Requester {
  userId: string;
  subject: string;
  groups: string[];
}

type Row = ApprovalRow;

const toRecord = (r: Row): ApprovalRecord => ({
  id: r.id,
  appId: r.app_id,
  grantId: r.grant_id,
  keyId: r.key_id,
  status: r.status,
  provider: r.provider,
  operationId: r.operation_id,
  method: r.method,
  urlRedacted: r.url_redacted,
  context: JSON.parse(r.context) as CallContext,
  remoteAddress: r.remote_address,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  decidedAt: r.decided_at,
  decidedBy: r.decided_by,
  errorCode: r.error_code,
  hasResult: r.result_sealed !== null,
  requester: r.requester_user_id
    ? { userId: r.requester_user_id, subject: r.requester_subject ?? "", groups: r.requester_groups ? (JSON.parse(r.requester_groups) as string[]) : [] }
    : null,
  askedBy: JSON.parse(r.asked_by) as PolicySource[],
  askedFor: r.asked_for ? (JSON.parse(r.asked_for) as string[]) : null,
  approvedHash: r.approved_hash,
});

export const hashToken = (t: string) => createHash("sha256").update(t, "utf8").digest("hex");

export function tokenMatches(token: string, hash: string | null): boolean {
  if (!hash) return false;
  const a = Buffer.from(hashToken(token), "hex");
  const b = Buffer.from(hash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface NewApproval {
  appId: string;
  grantId: string;
  keyId: string | null;
  provider: string;
  operationId: string | null;
  request: ProxyRequest;
  urlRedacted: string;
  context: CallContext;
  remoteAddress: string;
  requester: Requester | null;
  askedBy: PolicySource[];
  askedFor?: string[];
}

/**
 * Creates a pending approval. Its approver page token is stored as a hash (to check it) and
 * sealed under the master key (so `vault approvals link` can print it for an operator); it is
 * returned to no one here, least of all the SDK caller.
 */
export async function createApproval(store: Store, crypto: AtRest, a: NewApproval, nowMs: number): Promise<ApprovalRecord> {
  const id = randomUUID();
  const pageToken = randomBytes(32).toString("base64url");
  const sealed = crypto.sealJson("approval-request", id, {
    method: a.request.method,
    url: a.request.url,
    headers: a.request.headers,
    body: a.request.body ? a.request.body.toString("base64") : null,
    // The caller's redirect policy, when it set one, runs with the request (absent: follow 5).
    ...(a.request.redirect ? { redirect: a.request.redirect } : {}),
  });
  await store.approvals.insert({
    id, app_id: a.appId, grant_id: a.grantId, key_id: a.keyId, provider: a.provider, operation_id: a.operationId,
    method: a.request.method, url_redacted: a.urlRedacted, request_sealed: sealed, context: JSON.stringify(a.context),
    remote_address: a.remoteAddress, page_token_hash: hashToken(pageToken), page_token_sealed: crypto.sealJson(APPROVER_TOKEN, id, pageToken),
    created_at: new Date(nowMs).toISOString(), expires_at: new Date(nowMs + APPROVAL_TTL_MS).toISOString(),
    requester_user_id: a.requester?.userId ?? null, requester_subject: a.requester?.subject ?? null,
    requester_groups: a.requester ? JSON.stringify(a.requester.groups) : null, asked_by: JSON.stringify(a.askedBy),
    asked_for: a.askedFor ? JSON.stringify(a.askedFor) : null,
  });
  return (await getApproval(store, id))!;
}

/** Its purpose string; listed in crypto/sealed-columns.ts like every sealed column. */
const APPROVER_TOKEN = "approval-page-token";

/** The approver page token of an approval, for operators (it needs the master key). */
export async function approverToken(store: Store, crypto: AtRest, id: string): Promise<string | undefined> {
  const row = await store.approvals.get(id);
  return row?.page_token_sealed ? crypto.openJson<string>(APPROVER_TOKEN, id, row.page_token_sealed) : undefined;
}

export async function getApproval(store: Store, id: string): Promise<ApprovalRecord | undefined> {
  const row = await store.approvals.get(id);
  return row && toRecord(row);
}

/** An approval as it stands now (a pending one past its expiry is marked expired first), with the
 *  hash of its approver-link token. (Its page's CSRF token is derived from the link token, not
 *  stored: see http/routes/approval-page.ts.) */
export async function currentApproval(store: Store, id: string, nowMs: number): Promise<{ approval: ApprovalRecord; tokenHash: string } | undefined> {
  await store.approvals.expireIfDue(id, nowMs);
  const row = await store.approvals.get(id);
  return row && { approval: toRecord(row), tokenHash: row.page_token_hash };
}

export async function listApprovalRows(store: Store, appId: string, status?: ApprovalStatus): Promise<ApprovalRecord[]> {
  return (await store.approvals.list(appId, status)).map(toRecord);
}

/** Pending past its expiry becomes expired (lazily, whenever it is read). */
export async function expireIfDue(store: Store, id: string, nowMs: number): Promise<void> {
  await store.approvals.expireIfDue(id, nowMs);
}

/** pending → approved|denied, once; false when it was no longer pending (or expired).
 *  `hash` is the review the decision was made on (approvals only); `tx`: the decision's transaction (with its audit row). */
export function decide(store: Store, id: string, decision: "approved" | "denied", by: string, nowMs: number, hash: string | null = null, tx?: SqlRunner): Promise<boolean> {
  return store.approvals.decide(id, decision, by, nowMs, hash, tx);
}

/** approved → executing, once: whoever wins this update runs the request (on any instance). */
export function claimExecution(store: Store, id: string): Promise<boolean> {
  return store.approvals.claimExecution(id);
}

export async function finishExecution(store: Store, crypto: AtRest, id: string, result: ProxyResponse | null, errorCode: string | null): Promise<void> {
  await store.approvals.finishExecution(id, result ? crypto.sealJson("approval-result", id, { ...result, scrubbed: true }) : null, errorCode);
}

/** The stored request of an approval row, opened. */
export function openApprovalRequest(crypto: AtRest, row: Pick<ApprovalRow, "id" | "request_sealed">): ProxyRequest {
  const r = crypto.openJson<{ method: string; url: string; headers: Record<string, string>; body: string | null; redirect?: RedirectPolicy }>("approval-request", row.id, row.request_sealed);
  const req: ProxyRequest = { method: r.method, url: r.url, headers: r.headers, body: r.body === null ? null : Buffer.from(r.body, "base64") };
  if (r.redirect) req.redirect = r.redirect;
  return req;
}

/** An approval's record and its stored request (opened when asked for), in one read. */
export async function approvalWithRequest(store: Store, crypto: AtRest, id: string): Promise<{ approval: ApprovalRecord; request: () => ProxyRequest } | undefined> {
  const row = await store.approvals.get(id);
  return row && { approval: toRecord(row), request: () => openApprovalRequest(crypto, row) };
}

/**
 * The stored result of an executed approval. Results are stored scrubbed (a ProxyResponse only
 * comes from the proxy's scrubbing send) and marked so; one stored before results were scrubbed
 * has no mark and is withheld (`"withheld"`), since it may quote the credential.
 */
export async function openApprovalResult(store: Store, crypto: AtRest, id: string): Promise<ProxyResponse | "withheld" | null> {
  const row = await store.approvals.get(id);
  if (!row?.result_sealed) return null;
  const { scrubbed, ...result } = crypto.openJson<ProxyResponse & { scrubbed?: boolean }>("approval-result", id, row.result_sealed);
  return scrubbed === true ? (result as ProxyResponse) : "withheld";
}

// Approval records: a pending proxied request waiting for a person's yes or no.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { stmt, type Db } from "../storage/db.js";
import type { AtRest } from "../crypto/at-rest.js";
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

interface Row {
  id: string;
  app_id: string;
  grant_id: string;
  key_id: string | null;
  status: ApprovalStatus;
  provider: string;
  operation_id: string | null;
  method: string;
  url_redacted: string;
  request_sealed: string;
  context: string;
  remote_address: string | null;
  page_token_hash: string;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  decided_by: string | null;
  result_sealed: string | null;
  error_code: string | null;
  requester_user_id: string | null;
  requester_subject: string | null;
  requester_groups: string | null;
  asked_by: string;
  asked_for: string | null;
  approved_hash: string | null;
}

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
export function createApproval(db: Db, crypto: AtRest, a: NewApproval, nowMs: number): ApprovalRecord {
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
  stmt(db, 
    `INSERT INTO approvals (id, app_id, grant_id, key_id, status, provider, operation_id, method, url_redacted, request_sealed,
       context, remote_address, page_token_hash, page_token_sealed, created_at, expires_at,
       requester_user_id, requester_subject, requester_groups, asked_by, asked_for)
     VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id, a.appId, a.grantId, a.keyId, a.provider, a.operationId, a.request.method, a.urlRedacted, sealed,
    JSON.stringify(a.context), a.remoteAddress, hashToken(pageToken), crypto.sealJson(APPROVER_TOKEN, id, pageToken),
    new Date(nowMs).toISOString(), new Date(nowMs + APPROVAL_TTL_MS).toISOString(),
    a.requester?.userId ?? null, a.requester?.subject ?? null, a.requester ? JSON.stringify(a.requester.groups) : null, JSON.stringify(a.askedBy),
    a.askedFor ? JSON.stringify(a.askedFor) : null,
  );
  return getApproval(db, id)!;
}

/** Its purpose string; listed in crypto/sealed-columns.ts like every sealed column. */
const APPROVER_TOKEN = "approval-page-token";

/** The approver page token of an approval, for operators (it needs the master key). */
export function approverToken(db: Db, crypto: AtRest, id: string): string | undefined {
  const row = stmt(db, "SELECT page_token_sealed FROM approvals WHERE id = ?").get(id) as { page_token_sealed: string | null } | undefined;
  return row?.page_token_sealed ? crypto.openJson<string>(APPROVER_TOKEN, id, row.page_token_sealed) : undefined;
}

export function getApproval(db: Db, id: string): ApprovalRecord | undefined {
  const row = stmt(db, "SELECT * FROM approvals WHERE id = ?").get(id) as Row | undefined;
  return row && toRecord(row);
}

/** The hash of an approval's approver-link token. (Its page's CSRF token is derived from the
 *  link token, not stored: see http/routes/approval-page.ts.) */
export function approverTokenHash(db: Db, id: string): string | undefined {
  const row = stmt(db, "SELECT page_token_hash FROM approvals WHERE id = ?").get(id) as { page_token_hash: string } | undefined;
  return row?.page_token_hash;
}

export function listApprovalRows(db: Db, appId: string, status?: ApprovalStatus): ApprovalRecord[] {
  const rows = status
    ? (stmt(db, "SELECT * FROM approvals WHERE app_id = ? AND status = ? ORDER BY created_at").all(appId, status) as Row[])
    : (stmt(db, "SELECT * FROM approvals WHERE app_id = ? ORDER BY created_at").all(appId) as Row[]);
  return rows.map(toRecord);
}

/** Pending past its expiry becomes expired (lazily, whenever it is read). */
export function expireIfDue(db: Db, id: string, nowMs: number): void {
  stmt(db, "UPDATE approvals SET status = 'expired' WHERE id = ? AND status = 'pending' AND expires_at <= ?").run(id, new Date(nowMs).toISOString());
}

/** pending → approved|denied, once; false when it was no longer pending (or expired).
 *  `hash` is the review the decision was made on (approvals only). */
export function decide(db: Db, id: string, decision: "approved" | "denied", by: string, nowMs: number, hash: string | null = null): boolean {
  const r = stmt(db, "UPDATE approvals SET status = ?, decided_at = ?, decided_by = ?, approved_hash = ? WHERE id = ? AND status = 'pending' AND expires_at > ?")
    .run(decision, new Date(nowMs).toISOString(), by, hash, id, new Date(nowMs).toISOString());
  return r.changes === 1;
}

/** approved → executing, once: whoever wins this update runs the request. */
export function claimExecution(db: Db, id: string): boolean {
  return stmt(db, "UPDATE approvals SET status = 'executing' WHERE id = ? AND status = 'approved'").run(id).changes === 1;
}

export function finishExecution(db: Db, crypto: AtRest, id: string, result: ProxyResponse | null, errorCode: string | null): void {
  stmt(db, "UPDATE approvals SET status = ?, result_sealed = ?, error_code = ? WHERE id = ? AND status = 'executing'").run(
    result ? "executed" : "failed",
    result ? crypto.sealJson("approval-result", id, { ...result, scrubbed: true }) : null,
    errorCode,
    id,
  );
}

export function openApprovalRequest(db: Db, crypto: AtRest, id: string): ProxyRequest {
  const row = stmt(db, "SELECT request_sealed FROM approvals WHERE id = ?").get(id) as { request_sealed: string };
  const r = crypto.openJson<{ method: string; url: string; headers: Record<string, string>; body: string | null; redirect?: RedirectPolicy }>("approval-request", id, row.request_sealed);
  const req: ProxyRequest = { method: r.method, url: r.url, headers: r.headers, body: r.body === null ? null : Buffer.from(r.body, "base64") };
  if (r.redirect) req.redirect = r.redirect;
  return req;
}

/**
 * The stored result of an executed approval. Results are stored scrubbed (a ProxyResponse only
 * comes from the proxy's scrubbing send) and marked so; one stored before results were scrubbed
 * has no mark and is withheld (`"withheld"`), since it may quote the credential.
 */
export function openApprovalResult(db: Db, crypto: AtRest, id: string): ProxyResponse | "withheld" | null {
  const row = stmt(db, "SELECT result_sealed FROM approvals WHERE id = ?").get(id) as { result_sealed: string | null } | undefined;
  if (!row?.result_sealed) return null;
  const { scrubbed, ...result } = crypto.openJson<ProxyResponse & { scrubbed?: boolean }>("approval-result", id, row.result_sealed);
  return scrubbed === true ? (result as ProxyResponse) : "withheld";
}

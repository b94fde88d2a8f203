// Deciding approvals. A decision is bound to the SHA-256 of the review the approver saw
// (review.ts): an approval is refused when what would run no longer matches it, and the request
// that finally runs is checked against it once more. On approval the stored request runs exactly
// once (the approved → executing update is the lock); its result is stored sealed for the SDK.
import { VaultError, VaultUsageError } from "../errors.js";
import { vaultContext, type VaultState } from "../context.js";
import type { AppRecord } from "../storage/apps.js";
import { effectiveStatus } from "../storage/grants.js";
import { authorizeCall, decideUsability } from "../grants/authorize.js";
import { proxyThroughGrant } from "../proxy/call.js";
import { redirectDetails } from "../audit/redirects.js";
import { callAuditColumns, type CallOrigin } from "../audit/call-context.js";
import { quoted } from "../quote.js";
import { buildReview, reviewHash, type ApprovalReview } from "./review.js";
import {
  approvalWithRequest, claimExecution, currentApproval, decide, finishExecution, getApproval, openApprovalResult, type ApprovalRecord,
} from "./store.js";
import { approvalOutcome, type ApprovalOutcome } from "./outcome.js";

type State = VaultState;

/** What the approver is asked to approve differs from what they were shown. */
export class ReviewMismatchError extends VaultUsageError {
  constructor(id: string) {
    super(`Approval ${id} was not decided: the request that would run differs from the one you were shown. Review it again.`);
    this.name = "ReviewMismatchError";
  }
}

async function load(state: State, app: AppRecord, id: string): Promise<ApprovalRecord> {
  const a = (await currentApproval(state.store, id, state.now()))?.approval;
  if (!a || a.appId !== app.id) throw new VaultUsageError(`No approval with id ${quoted(id)}; see \`alter-gen vault approvals list\`.`);
  return a;
}

/** The review of an approval as it stands now (what an approver is shown, and what would run). */
export async function currentReview(state: Pick<VaultState, "store" | "crypto">, a: ApprovalRecord): Promise<ApprovalReview> {
  const [found, grant] = await Promise.all([approvalWithRequest(state.store, state.crypto, a.id), state.store.grants.get(a.appId, a.grantId)]);
  if (!found) throw new VaultUsageError(`No approval with id ${quoted(a.id)}; see \`alter-gen vault approvals list\`.`);
  return buildReview(a, found.request(), grant);
}

export async function loadReview(state: State, app: AppRecord, id: string): Promise<{ approval: ApprovalRecord; review: ApprovalReview; hash: string }> {
  const approval = await load(state, app, id);
  const review = await currentReview(state, approval);
  return { approval, review, hash: reviewHash(review) };
}

/** Who asked for the call an approval holds, as the request that asked named them. */
function originOf(a: ApprovalRecord): CallOrigin {
  return { appId: a.appId, keyId: a.keyId, remoteAddress: a.remoteAddress, context: a.context, operationId: a.operationId };
}

function auditBase(a: ApprovalRecord) {
  return { ...callAuditColumns(originOf(a)), grantId: a.grantId, provider: a.provider, method: a.method, url: a.urlRedacted };
}

/** `who`: the deciding identity for the audit row (decider-rules.ts deciderDetails). */
export async function denyApproval(state: State, app: AppRecord, id: string, by: string, who: Record<string, unknown> = {}): Promise<ApprovalRecord> {
  const a = await load(state, app, id);
  // The decision and its audit row commit together (the row written inside joins the transaction).
  const decided = await state.store.sql.transaction(async (tx) => {
    if (!(await decide(state.store, id, "denied", by, state.now(), null, tx))) return false;
    state.audit.write({ ...auditBase(a), action: "approval.deny", outcome: "success", details: { approvalId: id, by, ...who } });
    return true;
  });
  if (!decided) throw new VaultUsageError(`Approval ${id} is ${a.status}, not pending; it cannot be denied.`);
  return (await getApproval(state.store, id))!;
}

/**
 * Approves and runs. `shownHash` is the hash of the review the approver saw (the page's form
 * carries it; `vault approvals approve --expect-hash` passes it): when it differs from the review
 * of what would run now, nothing is decided.
 */
export async function approveAndRun(state: State, app: AppRecord, id: string, by: string, shownHash?: string, who: Record<string, unknown> = {}): Promise<ApprovalRecord> {
  const { approval: a, hash } = await loadReview(state, app, id);
  if (a.status !== "pending") throw new VaultUsageError(`Approval ${id} is ${a.status}, not pending; it cannot be approved.`);
  if (shownHash !== undefined && shownHash !== hash) throw new ReviewMismatchError(id);
  // The decision and its audit row commit together; the call runs only once both are in.
  const decided = await state.store.sql.transaction(async (tx) => {
    if (!(await decide(state.store, id, "approved", by, state.now(), hash, tx))) return false;
    state.audit.write({ ...auditBase(a), action: "approval.approve", outcome: "success", details: { approvalId: id, by, reviewSha256: hash, ...who } });
    return true;
  });
  if (!decided) {
    throw new VaultUsageError(`Approval ${id} is ${(await getApproval(state.store, id))?.status ?? "gone"}, not pending; it cannot be approved.`);
  }
  await runApproved(state, app, id);
  return (await getApproval(state.store, id))!;
}

class MismatchAtRun extends Error {}

/** The error code that would stop a pending approval's call from running if approved now
 *  (the grant revoked, expired, gone), or null: the approval page then offers only Deny. The
 *  grant's status goes through authorizeCall's own rules, with no policy layer (a policy is
 *  checked when the call runs, with that moment's facts). */
export async function blockedCode(state: Pick<VaultState, "store" | "now">, a: ApprovalRecord): Promise<string | null> {
  const grant = await state.store.grants.get(a.appId, a.grantId);
  if (!grant) return "grant_not_found";
  const nowMs = state.now();
  const d = decideUsability({ status: effectiveStatus(grant, nowMs), layers: [], access: { nowMs, remoteAddress: "", grantCreatedAt: grant.createdAt, mode: "proxy" } });
  return d.ok ? null : d.error.code;
}

/** What became of an approval's call, from its stored (scrubbed) result and the provider's okField:
 *  what the approver's page, the status page and `vault approvals approve` all say. */
export async function outcomeOf(state: Pick<VaultState, "store" | "crypto" | "catalogProvider">, a: ApprovalRecord): Promise<ApprovalOutcome> {
  const result = a.status === "executed" ? await openApprovalResult(state.store, state.crypto, a.id) : null;
  return approvalOutcome(a, result, state.catalogProvider(a.provider)?.okField);
}

/** Runs an approved request if nobody else has claimed it yet. */
export async function runApproved(state: State, app: AppRecord, id: string): Promise<void> {
  if (!(await claimExecution(state.store, id))) return;
  const { approval: a, request } = (await approvalWithRequest(state.store, state.crypto, id))!;
  const started = performance.now();
  let status: number | null = null;
  let errorCode: string | null = null;
  let followed: ReturnType<typeof redirectDetails>;
  try {
    const ctx = vaultContext(state, app);
    // The same authorization as the call that asked, now: the grant by the id the approval holds
    // (the asking user's access to it was settled when they asked), the groups of that user.
    const req = request();
    const { grant } = await authorizeCall(
      ctx,
      { user: null, remoteAddress: a.remoteAddress ?? "", groups: a.requester?.groups ?? null },
      { grantId: a.grantId },
      a.provider,
      "proxy",
      undefined,
      { operationId: a.operationId ?? undefined, method: req.method, url: req.url },
    );
    // The request that runs must be the one approved, to the byte of what was shown.
    if (a.approvedHash === null || reviewHash(buildReview(a, req, grant)) !== a.approvedHash) throw new MismatchAtRun();
    const res = await proxyThroughGrant(ctx, grant, req);
    status = res.status;
    followed = redirectDetails(res);
    await finishExecution(state.store, state.crypto, id, res, null);
  } catch (e) {
    errorCode = e instanceof MismatchAtRun ? "approval_mismatch" : e instanceof VaultError ? e.code : "internal_error";
    await finishExecution(state.store, state.crypto, id, null, errorCode);
  }
  state.audit.write({
    ...auditBase(a),
    action: "proxy.call",
    outcome: errorCode ? "error" : "success",
    status,
    errorCode,
    latencyMs: performance.now() - started,
    details: { approvalId: id, ...followed },
  });
}

// Deciding approvals. On approval the stored request runs exactly once (the approved →
// executing update is the lock); its result is stored sealed for the SDK to fetch.
import { VaultError, VaultUsageError } from "../errors.js";
import type { VaultState } from "../http/context.js";
import type { AppRecord } from "../storage/apps.js";
import { effectiveStatus, getGrant } from "../storage/grants.js";
import { evaluatePolicy } from "../policy/evaluate.js";
import { proxyThroughGrant } from "../proxy/call.js";
import { auditFromContext } from "../http/request-fields.js";
import { quoted } from "../quote.js";
import {
  claimExecution, decide, expireIfDue, finishExecution, getApproval, openApprovalRequest, type ApprovalRecord,
} from "./store.js";

type State = Pick<VaultState, "db" | "crypto" | "now" | "audit" | "catalogProvider" | "dataDir" | "startedAt" | "baseUrl">;

function load(state: State, app: AppRecord, id: string): ApprovalRecord {
  expireIfDue(state.db, id, state.now());
  const a = getApproval(state.db, id);
  if (!a || a.appId !== app.id) throw new VaultUsageError(`No approval with id ${quoted(id)}; see \`alter-gen vault approvals list\`.`);
  return a;
}

function auditBase(a: ApprovalRecord) {
  return {
    appId: a.appId,
    keyId: a.keyId,
    grantId: a.grantId,
    provider: a.provider,
    ...auditFromContext(a.context),
    operationId: a.operationId ?? a.context.operationId,
    method: a.method,
    url: a.urlRedacted,
    remoteAddress: a.remoteAddress,
  };
}

export function denyApproval(state: State, app: AppRecord, id: string, by: string): ApprovalRecord {
  const a = load(state, app, id);
  if (!decide(state.db, id, "denied", by, state.now())) {
    throw new VaultUsageError(`Approval ${id} is ${a.status}, not pending; it cannot be denied.`);
  }
  state.audit.write({ ...auditBase(a), action: "approval.deny", outcome: "success", details: { approvalId: id, by } });
  return getApproval(state.db, id)!;
}

export async function approveAndRun(state: State & Pick<VaultState, "audit">, app: AppRecord, id: string, by: string): Promise<ApprovalRecord> {
  const a = load(state, app, id);
  if (!decide(state.db, id, "approved", by, state.now())) {
    throw new VaultUsageError(`Approval ${id} is ${a.status}, not pending; it cannot be approved.`);
  }
  state.audit.write({ ...auditBase(a), action: "approval.approve", outcome: "success", details: { approvalId: id, by } });
  await runApproved(state, app, id);
  return getApproval(state.db, id)!;
}

/** Runs an approved request if nobody else has claimed it yet. */
export async function runApproved(state: State, app: AppRecord, id: string): Promise<void> {
  if (!claimExecution(state.db, id)) return;
  const a = getApproval(state.db, id)!;
  const started = performance.now();
  let status: number | null = null;
  let errorCode: string | null = null;
  try {
    const grant = getGrant(state.db, app.id, a.grantId);
    if (!grant) throw new VaultError("grant_not_found", "The grant behind this approval no longer exists.");
    const st = effectiveStatus(grant, state.now());
    if (st === "revoked") throw new VaultError("grant_revoked", "The grant was revoked after the approval was requested.");
    if (st === "expired") throw new VaultError("grant_expired", "The grant expired after the approval was requested.");
    if (st === "reauth_required") throw new VaultError("reauth_required", "The grant needs re-authorization.");
    const d = evaluatePolicy(grant.policy, { nowMs: state.now(), remoteAddress: a.remoteAddress ?? "", grantCreatedAt: grant.createdAt, mode: "proxy" });
    if (!d.allow) throw new VaultError(d.code, d.message, { details: { policy: d.policy } });
    const req = openApprovalRequest(state.db, state.crypto, id);
    const res = await proxyThroughGrant({ ...(state as VaultState), vault: state as VaultState, app }, grant, req);
    status = res.status;
    finishExecution(state.db, state.crypto, id, res, null);
  } catch (e) {
    errorCode = e instanceof VaultError ? e.code : "internal_error";
    finishExecution(state.db, state.crypto, id, null, errorCode);
  }
  state.audit.write({
    ...auditBase(a),
    action: "proxy.call",
    outcome: errorCode ? "error" : "success",
    status,
    errorCode,
    latencyMs: performance.now() - started,
    details: { approvalId: id },
  });
}

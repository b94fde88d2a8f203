// Approvals from the command line: list, approve (runs the stored request once), deny.
import { approveAndRun, denyApproval } from "../approvals/execute.js";
import { expireIfDue, listApprovalRows, type ApprovalRecord, type ApprovalStatus } from "../approvals/store.js";
import { withVault, type AdminOptions } from "./open.js";

export async function listApprovals(opts: AdminOptions & { status?: ApprovalStatus } = {}): Promise<ApprovalRecord[]> {
  return withVault(opts, (s) => {
    for (const a of listApprovalRows(s.db, s.app.id, "pending")) expireIfDue(s.db, a.id, s.now());
    return listApprovalRows(s.db, s.app.id, opts.status);
  });
}

export async function approve(opts: AdminOptions & { approvalId: string; by?: string }): Promise<ApprovalRecord> {
  return withVault(opts, (s) => approveAndRun(s, s.app, opts.approvalId, opts.by ?? "cli"));
}

export async function deny(opts: AdminOptions & { approvalId: string; by?: string }): Promise<ApprovalRecord> {
  return withVault(opts, (s) => denyApproval(s, s.app, opts.approvalId, opts.by ?? "cli"));
}

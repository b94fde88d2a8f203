// Approval rows, asynchronously: a pending proxied call waiting for a person's yes or no, shared
// by every instance over one database. The lifecycle is a chain of conditional writes, so that
// when several instances race only one wins each step: pending → approved|denied (decide, once,
// before expiry), approved → executing (claim: whoever wins runs the call), executing →
// executed|failed (finish). Rows are plain here; sealing and the record shape are the approvals
// domain's (vault/approvals/store.ts), which sits above storage.
import type { SqlDriver, SqlRunner } from "../sql/driver.js";

export type ApprovalRowStatus = "pending" | "approved" | "denied" | "expired" | "executing" | "executed" | "failed";

export interface ApprovalRow {
  id: string;
  app_id: string;
  grant_id: string;
  key_id: string | null;
  status: ApprovalRowStatus;
  provider: string;
  operation_id: string | null;
  method: string;
  url_redacted: string;
  request_sealed: string;
  context: string;
  remote_address: string | null;
  page_token_hash: string;
  page_token_sealed: string | null;
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

/** The columns a new approval is written with (status is pending, the decision columns empty). */
export type NewApprovalRow = Omit<ApprovalRow, "status" | "decided_at" | "decided_by" | "result_sealed" | "error_code" | "approved_hash">;

const COLUMNS = [
  "id", "app_id", "grant_id", "key_id", "provider", "operation_id", "method", "url_redacted", "request_sealed", "context",
  "remote_address", "page_token_hash", "page_token_sealed", "created_at", "expires_at", "requester_user_id",
  "requester_subject", "requester_groups", "asked_by", "asked_for",
] as const satisfies readonly (keyof NewApprovalRow)[];

const iso = (ms: number) => new Date(ms).toISOString();

export class ApprovalsRepo {
  constructor(private readonly sql: SqlDriver) {}

  async insert(row: NewApprovalRow): Promise<void> {
    await this.sql.run(
      `INSERT INTO approvals (${COLUMNS.join(", ")}, status) VALUES (${COLUMNS.map(() => "?").join(", ")}, 'pending')`,
      COLUMNS.map((c) => row[c]),
    );
  }

  async get(id: string): Promise<ApprovalRow | undefined> {
    return this.sql.get<ApprovalRow>("SELECT * FROM approvals WHERE id = ?", [id]);
  }

  async list(appId: string, status?: ApprovalRowStatus): Promise<ApprovalRow[]> {
    return status
      ? this.sql.all<ApprovalRow>("SELECT * FROM approvals WHERE app_id = ? AND status = ? ORDER BY created_at, id", [appId, status])
      : this.sql.all<ApprovalRow>("SELECT * FROM approvals WHERE app_id = ? ORDER BY created_at, id", [appId]);
  }

  /** Pending past its expiry becomes expired (lazily, whenever it is read); true when it did. */
  async expireIfDue(id: string, now: number): Promise<boolean> {
    const r = await this.sql.run("UPDATE approvals SET status = 'expired' WHERE id = ? AND status = 'pending' AND expires_at <= ?", [id, iso(now)]);
    return r.changes === 1;
  }

  /** Every pending approval of the app past its expiry becomes expired; how many did. */
  async expireDue(appId: string, now: number): Promise<number> {
    const r = await this.sql.run("UPDATE approvals SET status = 'expired' WHERE app_id = ? AND status = 'pending' AND expires_at <= ?", [appId, iso(now)]);
    return r.changes;
  }

  /** pending → approved|denied, once and before expiry; false when another decision (or the
   *  expiry) came first. `hash` is the review an approval was made on. */
  async decide(id: string, decision: "approved" | "denied", by: string, now: number, hash: string | null, tx: SqlRunner = this.sql): Promise<boolean> {
    const r = await tx.run(
      "UPDATE approvals SET status = ?, decided_at = ?, decided_by = ?, approved_hash = ? WHERE id = ? AND status = 'pending' AND expires_at > ?",
      [decision, iso(now), by, hash, id, iso(now)],
    );
    return r.changes === 1;
  }

  /** approved → executing, once: true for exactly one caller, on whichever instance. */
  async claimExecution(id: string): Promise<boolean> {
    return (await this.sql.run("UPDATE approvals SET status = 'executing' WHERE id = ? AND status = 'approved'", [id])).changes === 1;
  }

  /** executing → executed (with its sealed result) or failed (with its error code). */
  async finishExecution(id: string, resultSealed: string | null, errorCode: string | null): Promise<boolean> {
    const r = await this.sql.run("UPDATE approvals SET status = ?, result_sealed = ?, error_code = ? WHERE id = ? AND status = 'executing'", [
      resultSealed !== null ? "executed" : "failed",
      resultSealed,
      errorCode,
      id,
    ]);
    return r.changes === 1;
  }
}

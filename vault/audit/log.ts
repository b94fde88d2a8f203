// The audit log as the rest of the vault sees it, whatever engine holds it: rows written inside
// a caller's store transaction join it, rows committed on their own go in group commits, and the
// server waits for a request's rows before it answers. Two implementations: writer.ts (SQLite,
// synchronous on the vault's better-sqlite3 handle, checkpoints in a file) and pg-log.ts
// (PostgreSQL, through the store's AuditRepo, one chain per instance); open.ts picks one.
import type { ChainRow } from "../crypto/audit-chain.js";
import type { SqlRunner } from "../storage/sql/driver.js";

export type AuditAction =
  | "credential.retrieve"
  | "proxy.call"
  | "approval.create"
  | "approval.approve"
  | "approval.deny"
  | "approval.execute"
  | "grant.issue"
  | "grant.revoke"
  | "grant.list"
  | "connect"
  | "authenticate"
  | "admin"
  | (string & {});

export type AuditOutcome = "success" | "denied" | "error";

export interface AuditEntry {
  action: AuditAction;
  outcome: AuditOutcome;
  appId?: string | null;
  keyId?: string | null;
  caller?: string | null;
  callerType?: string | null;
  principalType?: string | null;
  principalId?: string | null;
  grantId?: string | null;
  provider?: string | null;
  operationId?: string | null;
  method?: string | null;
  /** Redacted again here, whatever the caller did. */
  url?: string | null;
  reason?: string | null;
  runId?: string | null;
  threadId?: string | null;
  toolCallId?: string | null;
  toolName?: string | null;
  sdkVersion?: string | null;
  remoteAddress?: string | null;
  status?: number | null;
  latencyMs?: number | null;
  errorCode?: string | null;
  /** Non-secret extra facts (e.g. the admin command). */
  details?: Record<string, unknown> | null;
}

/**
 * Work that commits with a row (e.g. the grant's last-used time), in the row's transaction. On
 * SQLite the transaction is synchronous (nothing else of the process runs inside it), so `also`
 * issues its statements on `tx` before its first await (a repository method called with `tx`).
 */
export type AlsoInTransaction = (tx: SqlRunner) => unknown;

/** Called once a row has its seq and link, before it is hashed (the override row signs itself). */
export type FinishRow = (row: ChainRow, prevHash: string) => void;

export interface AuditLog {
  /** The chain this log appends to (`main` on SQLite; one per instance on PostgreSQL). */
  readonly chain: string;
  /**
   * Writes a row and returns its id at once. Inside the caller's store transaction the row joins
   * it (commits or rolls back with it); outside, it is written on its own: settled(id) says when.
   */
  write(e: AuditEntry, finish?: FinishRow): string;
  /** Settles once the row `id` returned by write() is in the log; rejects if it could not be written. */
  settled(id: string): Promise<void>;
  /**
   * Group commit: resolves once the row (and its `also`, in the same transaction) has committed;
   * rejects if the row could not be written. Never await it inside a store transaction.
   */
  commit(e: AuditEntry, also?: AlsoInTransaction): Promise<string>;
  /** Attests now rows written inside a caller's transaction that has since committed. */
  attestPending(): void;
  /** Writes queued rows now and waits for every row still on its way. */
  drain(): Promise<void>;
  /** Finishes attesting; call after drain(), before closing the store. */
  close(): void;
}

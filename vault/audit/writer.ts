// Writes audit rows. A row is written (committed) before the response leaves; if it cannot be
// written the caller gets an error instead of an unaudited success.
import { randomUUID } from "node:crypto";
import type { Db } from "../storage/db.js";
import { redactUrl } from "./redact.js";

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

export interface AuditRow extends Required<Omit<AuditEntry, "details">> {
  seq: number;
  id: string;
  time: string;
  details: Record<string, unknown> | null;
}

const COLUMNS = [
  "id", "time", "app_id", "key_id", "action", "caller", "caller_type", "principal_type", "principal_id",
  "grant_id", "provider", "operation_id", "method", "url", "reason", "run_id", "thread_id", "tool_call_id",
  "tool_name", "sdk_version", "remote_address", "outcome", "status", "latency_ms", "error_code", "details",
] as const;

/** Limits what a caller-supplied label may put in a row. */
function text(v: unknown, max = 500): string | null {
  if (v === undefined || v === null) return null;
  const s = String(v);
  return s.length > max ? s.slice(0, max) + "…" : s;
}

interface Pending {
  row: Record<string, unknown>;
  also: (() => void) | undefined;
  resolve: (id: string) => void;
  reject: (e: unknown) => void;
}

export class AuditWriter {
  readonly #db: Db;
  readonly #insert;
  readonly #now: () => number;
  #queue: Pending[] = [];
  #scheduled = false;

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO audit (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((c) => "@" + c).join(", ")})`,
    );
    this.#now = now;
  }

  /** Inserts the row now (inside the caller's transaction, if any) and returns its id. */
  write(e: AuditEntry): string {
    const row = this.#row(e);
    this.#insert.run(row);
    return row.id as string;
  }

  /**
   * Group commit: rows queued in the same turn of the event loop are inserted in one
   * transaction, together with each row's `also` (e.g. the grant's last-used time). The promise
   * resolves once that transaction has committed, so a caller that waits for it before
   * answering still never acknowledges an unwritten row; it rejects if the row could not be
   * written.
   */
  commit(e: AuditEntry, also?: () => void): Promise<string> {
    let row: Record<string, unknown>;
    try {
      row = this.#row(e);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<string>((resolve, reject) => {
      this.#queue.push({ row, also, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    const batch = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    try {
      this.#db.transaction(() => {
        for (const p of batch) {
          p.also?.();
          this.#insert.run(p.row);
        }
      })();
      for (const p of batch) p.resolve(p.row.id as string);
    } catch {
      // Something in the batch failed: retry one by one so only the failing rows fail.
      for (const p of batch) {
        try {
          this.#db.transaction(() => {
            p.also?.();
            this.#insert.run(p.row);
          })();
          p.resolve(p.row.id as string);
        } catch (err) {
          p.reject(err);
        }
      }
    }
  }

  #row(e: AuditEntry): Record<string, unknown> {
    const id = randomUUID();
    return {
      id,
      time: new Date(this.#now()).toISOString(),
      app_id: text(e.appId),
      key_id: text(e.keyId),
      action: e.action,
      caller: text(e.caller),
      caller_type: text(e.callerType, 20),
      principal_type: text(e.principalType),
      principal_id: text(e.principalId),
      grant_id: text(e.grantId),
      provider: text(e.provider),
      operation_id: text(e.operationId),
      method: text(e.method, 20),
      url: e.url ? text(redactUrl(e.url), 2000) : null,
      reason: text(e.reason, 1000),
      run_id: text(e.runId),
      thread_id: text(e.threadId),
      tool_call_id: text(e.toolCallId),
      tool_name: text(e.toolName),
      sdk_version: text(e.sdkVersion, 50),
      remote_address: text(e.remoteAddress, 100),
      outcome: e.outcome,
      status: e.status ?? null,
      latency_ms: e.latencyMs ?? null,
      error_code: text(e.errorCode, 100),
      details: e.details ? JSON.stringify(e.details) : null,
    };
  }
}

// A new audit row from an entry: its id and time, every label limited and the URL redacted, as
// every engine stores it (the SQLite writer and PostgreSQL's log both build rows here).
import { randomUUID } from "node:crypto";
import { redactUrl } from "./redact.js";
import type { ChainRow } from "../crypto/audit-chain.js";
import type { AuditEntry } from "./log.js";

/** Limits what a caller-supplied label may put in a row. */
function text(v: unknown, max = 500): string | null {
  if (v === undefined || v === null) return null;
  const s = String(v);
  return s.length > max ? s.slice(0, max) + "…" : s;
}

/**
 * A row id: a UUID laid out as version 7 (RFC 9562), the row's time in milliseconds first, then
 * 74 random bits. Rows written one after another get ids that sort together, so the unique index
 * on `id` grows at its end: a commit rewrites a page or two of it, where random (version 4) ids
 * dirtied one random page per row, each written to the WAL and then to the database file. The id
 * stays opaque to callers (`auditId` in docs/protocol.md).
 */
export function rowId(nowMs: number): string {
  const t = Math.max(0, Math.floor(nowMs)).toString(16).padStart(12, "0");
  // 8-4-4-4-12 hex with "4" at index 14; its random bits after it, the variant already set.
  const random = randomUUID();
  return `${t.slice(-12, -4)}-${t.slice(-4)}-7${random.slice(15)}`;
}

/** A new row for `e` (not yet numbered or linked), limited and redacted as every engine stores it. */
export function auditRow(e: AuditEntry, nowMs: number): ChainRow {
  return {
    seq: null,
    id: rowId(nowMs),
    time: new Date(nowMs).toISOString(),
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
    // Rounded to the microsecond: the stored REAL is then short and prints the same everywhere.
    latency_ms: e.latencyMs === undefined || e.latencyMs === null ? null : Math.round(e.latencyMs * 1000) / 1000,
    error_code: text(e.errorCode, 100),
    details: e.details ? JSON.stringify(e.details) : null,
  };
}

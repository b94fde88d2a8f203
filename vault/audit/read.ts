// Reads the audit log for `vault audit` and readAudit().
import type { Db } from "../storage/db.js";
import type { AuditRow } from "./writer.js";

export interface AuditQuery {
  grantId?: string;
  /** ISO time; rows at or after it. */
  since?: string;
  action?: string;
  limit?: number;
}

interface Row {
  [k: string]: unknown;
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export function readAuditRows(db: Db, q: AuditQuery = {}): AuditRow[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.grantId) {
    where.push("grant_id = ?");
    args.push(q.grantId);
  }
  if (q.since) {
    where.push("time >= ?");
    args.push(q.since);
  }
  if (q.action) {
    where.push("action = ?");
    args.push(q.action);
  }
  const sql = `SELECT * FROM audit${where.length ? " WHERE " + where.join(" AND ") : ""} ORDER BY seq${q.limit ? " LIMIT " + Math.floor(q.limit) : ""}`;
  return (db.prepare(sql).all(...args) as Row[]).map((r) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) out[camel(k)] = k === "details" && typeof v === "string" ? JSON.parse(v) : v;
    return out as unknown as AuditRow;
  });
}

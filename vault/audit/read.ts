// Reads the audit log for `vault audit`, streamAudit() and readAudit(). Rows are iterated one at
// a time from SQLite (never gathered into one array or string), and every filter is answered
// from an index (test/vault/audit-read.test.ts checks the query plans).
import type { Db } from "../storage/db.js";
import type { AuditRow } from "./writer.js";

export interface AuditQuery {
  grantId?: string;
  runId?: string;
  /** The API key id of the request (refusals carry it when the key was named). */
  keyId?: string;
  action?: string;
  /** ISO time; rows at or after it. */
  since?: string;
  /** ISO time; rows before it. */
  until?: string;
  /** At most this many rows. */
  limit?: number;
  /**
   * "newest-first" (the CLI's default) or "oldest-first" (log order).
   * @default "oldest-first" for readAudit() and streamAudit(), "newest-first" for `vault audit`
   */
  order?: "newest-first" | "oldest-first";
  /**
   * Rows strictly after this one in the chosen order: the `nextCursor` of the previous page (a
   * seq on SQLite; on PostgreSQL, whose listing spans every chain, an opaque word).
   */
  cursor?: number | string;
}

/**
 * The index each filter is read through, most selective first: the first filter present picks
 * the index, the others are checked on the rows it yields. The equality indexes end in seq, so
 * rows come out in log order without a sort; through the time index SQLite sorts the rows in the
 * time range by seq (keeping only the first `limit` when there is one).
 */
const INDEX_OF: [keyof AuditQuery, string, string][] = [
  ["runId", "audit_by_run", "run_id = ?"],
  ["grantId", "audit_by_grant", "grant_id = ?"],
  ["keyId", "audit_by_key", "key_id = ?"],
  ["since", "audit_by_time", "time >= ?"],
  ["until", "audit_by_time", "time < ?"],
  ["action", "audit_by_action", "action = ?"],
];

export function auditQuerySql(q: AuditQuery): { sql: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  let index: string | undefined;
  for (const [field, idx, cond] of INDEX_OF) {
    const v = q[field];
    if (v === undefined || v === null || v === "") continue;
    index ??= idx;
    where.push(cond);
    args.push(v);
  }
  const newest = q.order === "newest-first";
  if (q.cursor !== undefined) {
    where.push(newest ? "seq < ?" : "seq > ?");
    args.push(Math.floor(Number(q.cursor)));
  }
  const sql =
    `SELECT * FROM audit${index ? ` INDEXED BY ${index}` : ""}` +
    (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
    ` ORDER BY seq ${newest ? "DESC" : "ASC"}` +
    (q.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(q.limit))}` : "");
  return { sql, args };
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Rows one at a time; the database is busy until the iteration ends. */
export function* iterateAuditRows(db: Db, q: AuditQuery = {}): Generator<AuditRow> {
  const { sql, args } = auditQuerySql(q);
  const stmt = db.prepare(sql).raw(true);
  // Raw rows and the property names worked out once: a row costs one object, not 28 renames.
  const names = stmt.columns().map((c) => camel(c.name));
  const details = names.indexOf("details");
  for (const r of stmt.iterate(...args) as IterableIterator<unknown[]>) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) out[names[i]!] = r[i];
    if (typeof out.details === "string" && details >= 0) out.details = JSON.parse(out.details);
    yield out as unknown as AuditRow;
  }
}

/** All matching rows in an array (for tests and small logs; prefer iterateAuditRows). */
export function readAuditRows(db: Db, q: AuditQuery = {}): AuditRow[] {
  return [...iterateAuditRows(db, q)];
}

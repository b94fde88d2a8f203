// Reads the audit log of every chain on PostgreSQL for `vault audit`: rows of all instances'
// chains in one listing ordered by time (then chain, then seq), each naming its chain, fetched a
// page at a time through the store (keyset on that order, so a long listing never holds more than
// a page). The cursor of the next page is that position, encoded as one opaque word.
import type { AuditListQuery, AuditPosition, AuditRepo, ListedAuditRow } from "../storage/store/audit.js";
import { VaultUsageError } from "../errors.js";
import type { AuditQuery } from "./read.js";
import type { AuditRow } from "./writer.js";

const PAGE = 500;

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Matching rows of every chain, one at a time, `q.limit` at most. */
export async function* iterateChainsAuditRows(audit: AuditRepo, q: AuditQuery = {}): AsyncGenerator<AuditRow> {
  let after = q.cursor !== undefined ? decodeAuditCursor(q.cursor) : undefined;
  let left = q.limit ?? Infinity;
  while (left > 0) {
    const limit = Math.min(PAGE, left);
    const page = await audit.list(listQuery(q, after, limit));
    for (const r of page) yield toAuditRow(r);
    if (page.length < limit) return;
    left -= page.length;
    const last = page[page.length - 1]!;
    after = { time: String(last.time), chain: last.chain, seq: Number(last.seq) };
  }
}

function listQuery(q: AuditQuery, after: AuditPosition | undefined, limit: number): AuditListQuery {
  const out: AuditListQuery = { newestFirst: q.order === "newest-first", limit };
  for (const k of ["grantId", "runId", "keyId", "action", "since", "until"] as const) if (q[k]) out[k] = q[k];
  if (after) out.after = after;
  return out;
}

function toAuditRow(r: ListedAuditRow): AuditRow {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[camel(k)] = v;
  out.seq = Number(r.seq);
  if (typeof out.details === "string") out.details = JSON.parse(out.details);
  return out as unknown as AuditRow;
}

/** The cursor after `row` in a listing of every chain. */
export function auditCursorAfter(row: AuditRow): string {
  return Buffer.from(JSON.stringify([row.time, row.chain, row.seq]), "utf8").toString("base64url");
}

export function decodeAuditCursor(cursor: string | number): AuditPosition {
  try {
    const [time, chain, seq] = JSON.parse(Buffer.from(String(cursor), "base64url").toString("utf8")) as unknown[];
    if (typeof time === "string" && typeof chain === "string" && Number.isSafeInteger(seq)) return { time, chain, seq: seq as number };
  } catch {
    // falls through to the error below
  }
  throw new VaultUsageError(`--cursor ${String(cursor).slice(0, 100)} is not a cursor this vault printed (on PostgreSQL, the word printed after "next page: --cursor").`);
}

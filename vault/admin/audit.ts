// The audit log for operators: read it (streamed), and verify its hash chain and checkpoint.
import { iterateAuditRows, type AuditQuery } from "../audit/read.js";
import { auditCursorAfter, iterateChainsAuditRows } from "../audit/read-store.js";
import type { AuditRow } from "../audit/writer.js";
import type { AuditReport } from "../audit/verify.js";
import { verifyStoreAudit } from "../audit/verify-store.js";
import { withVault, type AdminOptions } from "./open.js";
import { sqliteHandle } from "../storage/store/index.js";
import { VaultUsageError } from "../errors.js";

export type { AuditQuery, AuditReport };

/** Matching rows as an array, oldest first unless `order` says otherwise (see streamAudit for large logs). */
export async function readAudit(opts: AdminOptions & AuditQuery = {}): Promise<AuditRow[]> {
  const rows: AuditRow[] = [];
  await streamAudit(opts, (r) => void rows.push(r));
  return rows;
}

/**
 * Calls `onRow` for each matching row, one at a time, waiting for it when it returns a promise
 * (e.g. output back-pressure). Returns the cursor of the next page when `limit` rows were read
 * and more may follow, else null.
 */
export async function streamAudit(opts: AdminOptions & AuditQuery, onRow: (row: AuditRow) => void | Promise<void>): Promise<{ rows: number; nextCursor: number | string | null }> {
  return withVault(opts, async (s) => {
    let rows = 0;
    let last: number | string | null = null;
    // One row more than asked says whether there is a next page.
    const q = opts.limit !== undefined ? { ...opts, limit: opts.limit + 1 } : opts;
    // SQLite: the one chain in seq order; PostgreSQL: every instance's chain, by time.
    const onPostgres = s.store.sql.dialect === "postgres";
    if (!onPostgres && typeof opts.cursor === "string") throw new VaultUsageError(`--cursor ${opts.cursor.slice(0, 100)} must be the row number printed for the previous page.`);
    for await (const r of onPostgres ? iterateChainsAuditRows(s.store.audit, q) : iterateAuditRows(sqliteHandle(s.store, "vault audit"), q)) {
      if (opts.limit !== undefined && rows === opts.limit) return { rows, nextCursor: last };
      rows++;
      last = onPostgres ? auditCursorAfter(r) : r.seq;
      const wait = onRow(r);
      if (wait) await wait;
    }
    return { rows, nextCursor: null };
  });
}

/** Checks every row's link and the newest signed checkpoint, of every chain (`vault audit verify`). */
export async function verifyAudit(opts: AdminOptions = {}): Promise<AuditReport> {
  return withVault(opts, (s) => verifyStoreAudit(s.store, s.crypto, s.dataDir));
}

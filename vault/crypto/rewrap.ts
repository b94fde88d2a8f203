// Step (c) of a master-key rotation: every sealed value not yet wrapped under the target KEK is
// rewrapped (an envelope gets a new wrapped data key, its ciphertext untouched; a v1 value is
// sealed again as an envelope), in short batches while instances serve. Each value is written
// back by a conditional UPDATE matching its record id and the old sealed value (the same match
// as resealAll in sealed-columns.ts), so a value an instance changed meanwhile is never
// overwritten: it is simply looked at again in the next batch.
import type { SqlDriver, SqlRunner } from "../storage/sql/driver.js";
import { AtRest } from "./at-rest.js";
import { sealedColumns, type SealedColumn } from "./sealed-columns.js";

export interface RewrapOptions {
  /** Values per batch (one short transaction each). @default 100 */
  batchSize?: number;
  /** Called after each committed batch (renews the rotation's lease; tests interrupt here). */
  afterBatch?: (rewrapped: number) => Promise<void> | void;
}

/** The prefix of every value wrapped under `kekId`. */
export function envelopePrefix(kekId: string): string {
  return `e1.${kekId}.`;
}

/** Columns whose table exists (a vault migrated before a sealed column was added lacks it). */
export async function presentColumns(r: SqlRunner, columns: readonly SealedColumn[] = sealedColumns): Promise<SealedColumn[]> {
  const tableExists =
    r.dialect === "postgres"
      ? "SELECT 1 AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
      : "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?";
  const present: SealedColumn[] = [];
  for (const c of columns) if (await r.get(tableExists, [c.table])) present.push(c);
  return present;
}

function notUnder(c: SealedColumn): string {
  return `${c.column} IS NOT NULL AND substr(${c.column}, 1, ?) <> ?${c.where ? ` AND (${c.where})` : ""}`;
}

/** How many sealed values are not wrapped under `kekId` (zero: no value needs any other KEK). */
export async function countNotUnder(r: SqlRunner, kekId: string, columns?: readonly SealedColumn[]): Promise<number> {
  const prefix = envelopePrefix(kekId);
  let n = 0;
  for (const c of columns ?? (await presentColumns(r))) {
    n += Number((await r.get<{ n: number }>(`SELECT count(*) AS n FROM ${c.table} WHERE ${notUnder(c)}`, [prefix.length, prefix]))?.n ?? 0);
  }
  return n;
}

/**
 * Rewraps every value not under `crypto`'s current KEK; returns how many were rewritten. Loops
 * until no such value is left, so values an instance sealed under the previous KEK while the
 * rotation ran are caught too. A value that does not open stops it, naming its place.
 */
export async function rewrapAll(sql: SqlDriver, crypto: AtRest, opts: RewrapOptions = {}): Promise<number> {
  const target = crypto.keyring.currentId;
  const prefix = envelopePrefix(target);
  const size = opts.batchSize ?? 100;
  const columns = await presentColumns(sql);
  let total = 0;
  for (const c of columns) {
    let idle = 0;
    for (;;) {
      const n = await sql.transaction(async (tx) => {
        const rows = await tx.all<{ rec: string; val: string }>(
          `SELECT ${c.idColumn} AS rec, ${c.column} AS val FROM ${c.table} WHERE ${notUnder(c)} ORDER BY ${c.idColumn} LIMIT ?`,
          [prefix.length, prefix, size],
        );
        let done = 0;
        for (const row of rows) {
          const next = rewrapOne(crypto, c, String(row.rec), row.val);
          done += (await tx.run(`UPDATE ${c.table} SET ${c.column} = ? WHERE ${c.idColumn} = ? AND ${c.column} = ?`, [next, row.rec, row.val])).changes;
        }
        return { seen: rows.length, done };
      });
      if (n.seen === 0) break;
      total += n.done;
      await opts.afterBatch?.(n.done);
      // Every row of a batch changed under us, again and again: someone keeps sealing under an old KEK.
      idle = n.done === 0 ? idle + 1 : 0;
      if (idle >= 20) throw new Error(`${c.table}.${c.column}: values keep changing under another KEK than "${target}" (an instance still wraps under an old KEK)`);
    }
  }
  return total;
}

function rewrapOne(crypto: AtRest, c: SealedColumn, rec: string, val: string): string {
  try {
    return crypto.rewrap(c.purpose, rec, val);
  } catch (e) {
    throw new Error(`${c.table}.${c.column} of record "${rec.slice(0, 80)}" (${AtRest.kekOf(val) ?? "unknown format"}): ${(e as Error).message}`);
  }
}

// The SQLite audit writer's INSERT: a group commit's numbered and linked rows go in as one
// multi-row statement per ROWS_PER_INSERT rows, bound by position from one flat array, rather
// than one statement per row bound by name (better-sqlite3 looks each of a row's 28 names up).
import type { Statement } from "better-sqlite3";
import type { Db } from "../storage/db.js";
import { HASHED_COLUMNS } from "../crypto/audit-chain.js";

/** The columns in the order of each row's values: the hashed ones, then the hash. */
export const INSERT_COLUMNS = [...HASHED_COLUMNS, "hash"] as const;
/** Rows per statement (28 parameters a row: 1,792, far below SQLite's 32,766). */
export const ROWS_PER_INSERT = 64;

export class SqliteAuditInsert {
  readonly #db: Db;
  /** The statement for n rows, prepared the first time a batch of n rows (up to 64) comes. */
  readonly #bySize: (Statement<unknown[]> | undefined)[] = [];

  constructor(db: Db) {
    this.#db = db;
  }

  /** Inserts `rows` rows whose values lie one after another in `values` (INSERT_COLUMNS each). */
  run(values: readonly (string | number | null)[], rows: number): void {
    const width = INSERT_COLUMNS.length;
    if (values.length !== rows * width) throw new Error(`audit insert: ${values.length} values for ${rows} rows`);
    for (let at = 0; at < rows; at += ROWS_PER_INSERT) {
      const n = Math.min(ROWS_PER_INSERT, rows - at);
      this.#statement(n).run(n === rows ? values : values.slice(at * width, (at + n) * width));
    }
  }

  #statement(n: number): Statement<unknown[]> {
    let s = this.#bySize[n];
    if (!s) {
      const one = `(${INSERT_COLUMNS.map(() => "?").join(", ")})`;
      s = this.#db.prepare<unknown[]>(`INSERT INTO audit (${INSERT_COLUMNS.join(", ")}) VALUES ${Array(n).fill(one).join(", ")}`);
      this.#bySize[n] = s;
    }
    return s;
  }
}

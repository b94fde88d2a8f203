// The vault's asynchronous SQL driver: the one seam between the repositories in ../store/ and a
// database engine. The repositories are written once, in the SQL both engines accept (`?`
// placeholders, ON CONFLICT upserts, TEXT timestamps), and ask `dialect` only where the engines
// really differ (JSON arrays, locks). Two implementations: sqlite-driver.ts over better-sqlite3
// (the embedded default) and postgres-driver.ts over pg (several instances, one database).

export type Dialect = "sqlite" | "postgres";

/** What a parameter may be: TEXT, INTEGER/REAL, BLOB or NULL. */
export type SqlValue = string | number | bigint | Buffer | null;

/** Statements run on the driver's connection, or inside one transaction. */
export interface SqlRunner {
  readonly dialect: Dialect;
  /** The first row, or undefined. */
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Rows as arrays of their values in column order: no object per row (long scans, e.g. verifying the audit chain). */
  values(sql: string, params?: readonly SqlValue[]): Promise<unknown[][]>;
  /** A statement that returns no rows; `changes` is the number of rows it wrote. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
}

export interface SqlDriver extends SqlRunner {
  /**
   * Runs `fn` in one transaction that commits when it resolves and rolls back when it rejects.
   * SQLite takes the write lock at BEGIN (IMMEDIATE); PostgreSQL runs READ COMMITTED, so a
   * repository that reads-then-writes makes the write conditional or takes a lock itself.
   * Inside `fn`, use only `tx` and await nothing but it: on SQLite every other statement of the
   * process on that file waits for the transaction, and on PostgreSQL a statement sent through
   * the pool instead of `tx` runs outside the transaction (and can wait for a connection the
   * transaction itself is holding).
   */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * `?` placeholders as PostgreSQL's `$1, $2, …`. A `?` inside a quoted literal or identifier,
 * or a comment, is left alone, so the repositories' SQL can be written once for both engines.
 */
export function toNumbered(sql: string): string {
  let out = "";
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === "?") {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** A database URL with its password replaced, for messages (the password never leaves). */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    u.search = "";
    return u.toString();
  } catch {
    return "(an unparseable database URL)";
  }
}

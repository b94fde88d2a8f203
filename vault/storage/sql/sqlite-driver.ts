// The SQL driver over the vault's better-sqlite3 handle (../db.ts): the same file, schema and
// prepared-statement cache the synchronous callers use, so both kinds of caller can share one
// open database while callers move to the asynchronous repositories.
//
// better-sqlite3 runs each statement synchronously on one connection, so an asynchronous
// transaction would otherwise let statements of other callers (awaiting in between) land inside
// it: while one is open, every other statement and transaction waits for it to end.
import { stmt, type Db } from "../db.js";
import type { SqlDriver, SqlRunner, SqlValue } from "./driver.js";

export class SqliteDriver implements SqlDriver {
  readonly dialect = "sqlite" as const;
  readonly db: Db;
  /** Settles when the open transaction ends; null when none is open. */
  #open: Promise<void> | null = null;
  readonly #direct: SqlRunner;

  constructor(db: Db) {
    this.db = db;
    this.#direct = {
      dialect: "sqlite",
      get: async <T>(sql: string, p: readonly SqlValue[] = []) => stmt(db, sql).get(...p) as T | undefined,
      all: async <T>(sql: string, p: readonly SqlValue[] = []) => stmt(db, sql).all(...p) as T[],
      run: async (sql: string, p: readonly SqlValue[] = []) => ({ changes: stmt(db, sql).run(...p).changes }),
    };
  }

  async #idle(): Promise<void> {
    while (this.#open) await this.#open;
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    if (this.#open) await this.#idle();
    return this.#direct.get<T>(sql, params);
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    if (this.#open) await this.#idle();
    return this.#direct.all<T>(sql, params);
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    if (this.#open) await this.#idle();
    return this.#direct.run(sql, params);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    await this.#idle();
    // Checked and set in one synchronous step: the next waiter sees it and waits again.
    let end!: () => void;
    this.#open = new Promise<void>((resolve) => (end = resolve));
    try {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const value = await fn(this.#direct);
        this.db.exec("COMMIT");
        return value;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
    } finally {
      this.#open = null;
      end();
    }
  }

  async close(): Promise<void> {
    await this.#idle();
    if (this.db.open) this.db.close();
  }
}

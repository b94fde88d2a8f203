// A test's own look into a vault's database, on the engine of the run: the SQLite file of the
// data folder, or the folder's PostgreSQL database (test/support/vault-engine.ts) as the owner
// role, the role an operator reaches for. Statements use `?` placeholders on both (the vault's
// PostgreSQL driver numbers them); `dialect` says which engine answers, for the few statements
// (triggers) that must be written per engine.
import { join } from "node:path";
import { DB_FILE } from "../../vault/state.js";
import { PostgresDriver } from "../../vault/storage/sql/postgres-driver.js";
import type { Dialect, SqlValue } from "../../vault/storage/sql/driver.js";
import { queryRows } from "./postgres.js";
import { databaseOf } from "./vault-engine.js";

export interface TestDb {
  readonly dialect: Dialect;
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** A statement without rows; resolves to the number of rows it changed. */
  run(sql: string, ...params: unknown[]): Promise<number>;
  /** Several statements without parameters (DDL such as a trigger). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export async function openTestDb(dataDir: string, opts: { readonly?: boolean } = {}): Promise<TestDb> {
  const pg = databaseOf(dataDir);
  if (pg) {
    const driver = await PostgresDriver.open({ url: pg.ownerUrl, max: 1 });
    return {
      dialect: "postgres",
      all: (sql, ...params) => driver.all(sql, params as SqlValue[]),
      run: async (sql, ...params) => (await driver.run(sql, params as SqlValue[])).changes,
      exec: async (sql) => void (await queryRows(pg.ownerUrl, sql)),
      close: () => driver.close(),
    };
  }
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(join(dataDir, DB_FILE), { readonly: opts.readonly === true, fileMustExist: true });
  return {
    dialect: "sqlite",
    all: async <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[],
    run: async (sql, ...params) => db.prepare(sql).run(...params).changes,
    exec: async (sql) => void db.exec(sql),
    close: async () => void db.close(),
  };
}

// A test's own look into a vault's database, on the engine of the run: the SQLite file of the
// data folder, or the folder's PostgreSQL database (test/support/vault-engine.ts) as the owner
// role, the role an operator reaches for. Statements use `?` placeholders on both (the vault's
// PostgreSQL driver numbers them); `dialect` says which engine answers, for the few statements
// (triggers) that must be written per engine.
import { readdir, readFile } from "node:fs/promises";
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

/** Makes every insert into the audit table fail (a full disk) until the returned function runs. */
export async function refuseAuditInserts(db: TestDb): Promise<() => Promise<void>> {
  if (db.dialect === "sqlite") {
    await db.exec("CREATE TRIGGER audit_refuses BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    return () => db.exec("DROP TRIGGER audit_refuses");
  }
  await db.exec(
    "CREATE FUNCTION audit_refuses() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;" +
      " CREATE TRIGGER audit_refuses BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_refuses();",
  );
  return () => db.exec("DROP TRIGGER audit_refuses ON audit; DROP FUNCTION audit_refuses();");
}

/**
 * Everything the vault keeps at rest, as text to search for a secret: each file of the data
 * folder (SQLite: the database and its WAL; both: the master key file) and, on PostgreSQL, every
 * row of every table of the folder's database.
 */
export async function storedAtRest(dataDir: string): Promise<[where: string, text: string][]> {
  const places: [string, string][] = [];
  for (const name of await readdir(dataDir, { recursive: true })) {
    const bytes = await readFile(join(dataDir, name)).catch(() => undefined);
    if (bytes) places.push([`data/${name}`, bytes.toString("latin1")]);
  }
  const pg = databaseOf(dataDir);
  if (pg) {
    const tables = await queryRows<{ name: string }>(pg.ownerUrl, "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1");
    for (const { name } of tables) {
      const rows = await queryRows(pg.ownerUrl, `SELECT * FROM "${name}"`);
      places.push([`database/${name}`, JSON.stringify(rows)]);
    }
  }
  return places;
}

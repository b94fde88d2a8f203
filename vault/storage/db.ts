// Opens the vault's SQLite database and brings its schema up to date.
import type { Database as Db, Statement } from "better-sqlite3";
import { loadSqlite } from "./sqlite.js";
import { migrations as allMigrations } from "./migrations/index.js";
import type { Migration } from "./migrations/types.js";

export type { Db };

export function openDatabase(file: string, migrations: Migration[] = allMigrations): Db {
  const Database = loadSqlite();
  const db = new Database(file);
  // WAL + NORMAL: a committed transaction survives the process being killed (the WAL is
  // written before commit returns); only an OS crash can lose the last ones.
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db, migrations);
  return db;
}

export function migrate(db: Db, migrations: Migration[]): void {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.version === sorted[i - 1]!.version) {
      throw new Error(`two migrations share version ${sorted[i]!.version}: ${sorted[i - 1]!.name} and ${sorted[i]!.name}`);
    }
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version),
  );
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const m of sorted) {
    if (applied.has(m.version)) continue;
    const step = db.transaction(() => {
      if (m.sql) db.exec(m.sql);
      m.up?.(db);
      if (m.rebuildsTables) assertForeignKeys(db, m);
      record.run(m.version, m.name, new Date().toISOString());
    });
    if (!m.rebuildsTables) {
      step.immediate();
      continue;
    }
    // The pragma is ignored inside a transaction, so it is switched around it.
    const enforced = db.pragma("foreign_keys", { simple: true }) === 1;
    db.pragma("foreign_keys = OFF");
    try {
      step.immediate();
    } finally {
      if (enforced) db.pragma("foreign_keys = ON");
    }
  }
}

function assertForeignKeys(db: Db, m: Migration): void {
  const broken = db.pragma("foreign_key_check") as { table: string; parent: string }[];
  if (broken.length) {
    throw new Error(`migration ${m.version} (${m.name}) left ${broken.length} rows of ${broken[0]!.table} without their ${broken[0]!.parent} row`);
  }
}

type AnyStatement = Statement<unknown[]>;
const statements = new WeakMap<Db, Map<string, AnyStatement>>();

/** A prepared statement, compiled once per database handle (preparing costs more than running). */
export function stmt(db: Db, sql: string): AnyStatement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let s = cache.get(sql);
  if (!s) {
    s = db.prepare<unknown[]>(sql);
    if (cache.size < 500) cache.set(sql, s);
  }
  return s;
}

// Moves a SQLite vault database into an empty PostgreSQL one (`vault import`): every row of
// every table, sealed values as they are (the same master key opens them), in one PostgreSQL
// transaction, then checked: the row count of each table, and the audit chain verified on both
// sides with the same result (rows, head and any problems the SQLite log already had). The
// SQLite log becomes PostgreSQL's chain `main`; instances then write chains of their own.
import type { Db } from "../db.js";
import { SqliteDriver } from "./sqlite-driver.js";
import type { PostgresDriver } from "./postgres-driver.js";
import type { SqlRunner, SqlValue } from "./driver.js";
import { AuditRepo, type ChainCheck, type StoredCheckpoint } from "../store/audit.js";

/** Tables in an order that satisfies their foreign keys. A table missing here stops the copy. */
export const COPIED_TABLES = [
  "meta", "apps", "api_keys", "users", "user_groups", "managed_secrets", "grants", "approvals", "providers",
  "oauth_endpoints", "idp_configs", "auth_sessions", "connect_sessions", "oauth_states",
  "refresh_leases", "request_nonces", "approval_webhooks", "provider_operations", "device_authorizations", "keks", "kek_rotations", "audit",
] as const;

const NOT_COPIED = new Set(["schema_migrations", "sqlite_sequence"]);
const BATCH = 200;

export interface CopyReport {
  /** Rows per table, equal on both sides. */
  counts: Record<string, number>;
  audit: ChainCheck;
}

/**
 * `checkpoint`: the SQLite log's signed checkpoint (vault/audit/checkpoint.ts), stored as chain
 * `main`'s checkpoint row (migration 092) in the same transaction; its MAC covers the chain id,
 * so the file's signature is the row's.
 */
export async function copySqliteToPostgres(db: Db, target: PostgresDriver, opts: { checkpoint?: StoredCheckpoint } = {}): Promise<CopyReport> {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  const unknown = tables.filter((t) => !NOT_COPIED.has(t) && !(COPIED_TABLES as readonly string[]).includes(t));
  if (unknown.length) throw new Error(`the SQLite vault has tables vault import does not know how to copy: ${unknown.join(", ")}`);
  const occupied = await target.get<{ n: number }>("SELECT (SELECT count(*) FROM apps) + (SELECT count(*) FROM audit) AS n");
  if (Number(occupied?.n) > 0) throw new Error("the PostgreSQL database already holds a vault (apps or audit rows); import only into a freshly migrated one");

  // One read transaction: a consistent snapshot even if something writes meanwhile.
  db.exec("BEGIN");
  try {
    const counts: Record<string, number> = {};
    await target.transaction(async (tx) => {
      await auditMonths(db, tx);
      for (const table of COPIED_TABLES) counts[table] = await copyTable(db, tx, table);
      if (opts.checkpoint) await new AuditRepo(target).putCheckpoint(tx, opts.checkpoint);
    });
    for (const table of COPIED_TABLES) {
      const there = Number((await target.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n);
      if (there !== counts[table]) throw new Error(`${table}: ${counts[table]} rows in SQLite, ${there} in PostgreSQL after the copy`);
    }
    const before = await new AuditRepo(new SqliteDriver(db)).verify();
    const after = await new AuditRepo(target).verify();
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      throw new Error(`the audit chain differs after the copy: SQLite ${describe(before)}, PostgreSQL ${describe(after)}`);
    }
    return { counts, audit: after };
  } finally {
    db.exec("COMMIT");
  }
}

/** Each month of the SQLite log gets its audit partition (pg-migrations/090), as the owner. */
async function auditMonths(db: Db, tx: SqlRunner): Promise<void> {
  const partitioned = await tx.get<{ f: string | null }>("SELECT CAST(to_regproc('audit_month_partition') AS text) AS f");
  if (!partitioned?.f) return;
  const months = db.prepare("SELECT DISTINCT substr(time, 1, 7) AS m FROM audit WHERE time GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'").all() as { m: string }[];
  for (const { m } of months) await tx.get("SELECT audit_month_partition(CAST(? AS date))", [`${m}-01`]);
}

function describe(c: ChainCheck): string {
  return `${c.rows} rows, head ${c.head.seq}/${c.head.hash.slice(0, 12)}, ${c.problems.length} problems`;
}

async function copyTable(db: Db, tx: SqlRunner, table: string): Promise<number> {
  const order = table === "audit" ? "seq" : "rowid";
  const noRowid = table === "request_nonces"; // WITHOUT ROWID
  let batch: Record<string, SqlValue>[] = [];
  let n = 0;
  for (const row of db.prepare(`SELECT * FROM ${table}${noRowid ? "" : ` ORDER BY ${order}`}`).iterate() as IterableIterator<Record<string, SqlValue>>) {
    batch.push(row);
    if (batch.length === BATCH) {
      n += await insertRows(tx, table, batch);
      batch = [];
    }
  }
  if (batch.length) n += await insertRows(tx, table, batch);
  return n;
}

async function insertRows(tx: SqlRunner, table: string, rows: Record<string, SqlValue>[]): Promise<number> {
  const columns = Object.keys(rows[0]!);
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${rows.map(() => tuple).join(", ")}`;
  return (await tx.run(sql, rows.flatMap((r) => columns.map((c) => r[c] ?? null)))).changes;
}

// `vault migrate` for PostgreSQL: brings the schema up to date as the role that owns it, and
// optionally grants the running vault's role what it needs and no more. The running vault never
// migrates: its role may not create tables, and on the audit table it may only INSERT and
// SELECT (the triggers in 071 refuse UPDATE, DELETE and TRUNCATE even to the owner).
import type { PoolClient } from "pg";
import { PostgresDriver } from "./postgres-driver.js";
import { pgMigrations, type PgMigration } from "./pg-migrations/index.js";
import { redactDatabaseUrl } from "./driver.js";

/** Held while migrating, so two `vault migrate` runs (or instances' deploy hooks) take turns. */
const MIGRATE_LOCK = 0x616c7465; // "alte"

export interface PgMigrateResult {
  /** Versions applied by this run (empty when the schema was current). */
  applied: number[];
  /** The schema's version afterwards. */
  version: number;
  /** The role granted runtime privileges, if one was given. */
  runtimeRole: string | null;
  /**
   * Months (YYYY-MM) from this one to `auditMonthsAhead` ahead whose audit partition could not be
   * created because audit rows of that month already sit in the default partition (a month left
   * without a partition for too long, or a clock ahead). Empty when every month is in place.
   */
  auditMonthsInDefault: string[];
}

export interface PgMigrateOptions {
  url: string;
  /** A role the operator created for the running vault (LOGIN, no ownership). */
  runtimeRole?: string;
  migrations?: PgMigration[];
  /**
   * How many months after this one get their audit partition now (run `vault migrate` again
   * before they run out; a row of a later month lands in the default partition meanwhile).
   * @default 12
   */
  auditMonthsAhead?: number;
}

const ROLE_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

export async function migratePostgres(opts: PgMigrateOptions): Promise<PgMigrateResult> {
  if (opts.runtimeRole !== undefined && !ROLE_NAME.test(opts.runtimeRole)) {
    throw new Error(`--runtime-role: "${opts.runtimeRole}" is not a plain PostgreSQL role name (letters, digits, _ and $)`);
  }
  const driver = await PostgresDriver.open({ url: opts.url, max: 1 });
  const client = await driver.connect();
  // A connection lost while migrating (server restarted, backend terminated) is emitted on the
  // checked-out client; unheard it would end the process instead of failing the statement in flight.
  let lost = false;
  const onLost = () => void (lost = true);
  client.on("error", onLost);
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATE_LOCK]);
    try {
      const applied = await applyPending(client, opts.migrations ?? pgMigrations);
      const version = Number((await client.query("SELECT coalesce(max(version), 0) AS v FROM schema_migrations")).rows[0].v);
      const auditMonthsInDefault = version >= 90 ? await ensureAuditMonths(client, opts.auditMonthsAhead ?? 12) : [];
      if (opts.runtimeRole) await grantRuntime(client, opts.runtimeRole);
      return { applied, version, runtimeRole: opts.runtimeRole ?? null, auditMonthsInDefault };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATE_LOCK]).catch(() => {});
    }
  } catch (error) {
    throw new Error(`vault migrate on ${redactDatabaseUrl(opts.url)}: ${(error as Error).message}`);
  } finally {
    client.off("error", onLost);
    client.release(lost);
    await driver.close();
  }
}

async function applyPending(client: PoolClient, migrations: PgMigration[]): Promise<number[]> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const done = new Set((await client.query("SELECT version FROM schema_migrations")).rows.map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await client.query("BEGIN");
    try {
      await client.query(m.sql);
      await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
        m.version,
        m.name,
        new Date().toISOString(),
      ]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw new Error(`migration ${m.version} (${m.name}) failed: ${(error as Error).message}`);
    }
    applied.push(m.version);
  }
  return applied;
}

/** The most months of audit partitions one run creates ahead (ten years). */
export const MAX_AUDIT_MONTHS_AHEAD = 120;

/** The audit table's monthly partitions (pg-migrations/090) from this month on. */
async function ensureAuditMonths(client: PoolClient, monthsAhead: number): Promise<string[]> {
  if (!Number.isInteger(monthsAhead) || monthsAhead < 0 || monthsAhead > MAX_AUDIT_MONTHS_AHEAD) {
    throw new Error(`auditMonthsAhead: ${monthsAhead} is not a whole number of months from 0 to ${MAX_AUDIT_MONTHS_AHEAD}`);
  }
  const r = await client.query("SELECT audit_ensure_partitions($1) AS skipped", [monthsAhead]);
  return (r.rows[0].skipped as string[]).slice();
}

/** Read and write on every table but three: audit (INSERT, SELECT), audit_checkpoints (no DELETE) and schema_migrations (SELECT). */
async function grantRuntime(client: PoolClient, role: string): Promise<void> {
  const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
  if (exists.rowCount === 0) throw new Error(`--runtime-role: no role "${role}" (create it first: CREATE ROLE ${role} LOGIN PASSWORD '…')`);
  const q = `"${role}"`;
  const tables = (
    // Partitions (of the audit table) are left out: an insert or read through the parent needs
    // privileges on the parent only, so the role holds none on any partition.
    await client.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`,
    )
  ).rows.map((r) => String(r.relname));
  await client.query("BEGIN");
  try {
    await client.query(`GRANT USAGE ON SCHEMA ${await schemaName(client)} TO ${q}`);
    for (const t of tables) {
      await client.query(`REVOKE ALL ON "${t}" FROM ${q}`);
      const privileges = t === "audit" ? "SELECT, INSERT" : t === "schema_migrations" ? "SELECT" : t === "audit_checkpoints" ? "SELECT, INSERT, UPDATE" : "SELECT, INSERT, UPDATE, DELETE";
      await client.query(`GRANT ${privileges} ON "${t}" TO ${q}`);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

async function schemaName(client: PoolClient): Promise<string> {
  const name = String((await client.query("SELECT current_schema() AS s")).rows[0].s);
  return `"${name.replace(/"/g, '""')}"`;
}

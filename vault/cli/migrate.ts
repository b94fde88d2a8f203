// The PostgreSQL commands. `vault migrate --database-url …` brings the schema up to date, run by
// the role that owns it, and (with --runtime-role) grants the running vault's role its limited
// privileges; the SQLite vault migrates itself when it opens. `vault import` moves a SQLite data
// folder's database into a freshly migrated PostgreSQL one and checks the result.
import { join } from "node:path";
import type { Command } from "commander";
import { MAX_AUDIT_MONTHS_AHEAD, migratePostgres } from "../storage/sql/pg-migrate.js";
import { redactDatabaseUrl } from "../storage/sql/driver.js";
import { PostgresDriver } from "../storage/sql/postgres-driver.js";
import { copySqliteToPostgres } from "../storage/sql/copy-to-postgres.js";
import { openDatabase } from "../storage/db.js";
import { assertVaultFolder, DB_FILE } from "../state.js";
import { assertNoServer } from "../admin/server-lock.js";
import { VaultUsageError } from "../errors.js";
import { action, out, withDataFolder, type DataFlags } from "./common.js";

const URL_HELP =
  "postgres://owner@host:port/database; leave the password out of the URL and set PGPASSWORD (or use ~/.pgpass) so it stays out of shell history";

function checkUrl(url: string): void {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new VaultUsageError(`--database-url must be a postgres:// URL, not ${redactDatabaseUrl(url)}`);
}

interface MigrateFlags {
  databaseUrl: string;
  runtimeRole?: string;
  auditMonthsAhead?: string;
}

function monthsAhead(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > MAX_AUDIT_MONTHS_AHEAD) {
    throw new VaultUsageError(`--audit-months-ahead must be a whole number of months from 0 to ${MAX_AUDIT_MONTHS_AHEAD}, not "${value}"`);
  }
  return n;
}

export function registerMigrate(vault: Command): void {
  vault
    .command("migrate")
    .description("create or update the vault's PostgreSQL schema (run as the schema's owner)")
    .requiredOption("--database-url <url>", URL_HELP)
    .option("--runtime-role <role>", "an existing role the running vault connects as: gets read/write on every table but the audit log, which it may only append to and read")
    .option("--audit-months-ahead <months>", "monthly audit partitions to create after this month (run migrate again before they run out)", "12")
    .action(
      action(async (flags: MigrateFlags) => {
        checkUrl(flags.databaseUrl);
        const ahead = monthsAhead(flags.auditMonthsAhead);
        let r;
        try {
          r = await migratePostgres({
            url: flags.databaseUrl,
            ...(flags.runtimeRole ? { runtimeRole: flags.runtimeRole } : {}),
            ...(ahead !== undefined ? { auditMonthsAhead: ahead } : {}),
          });
        } catch (error) {
          throw new VaultUsageError((error as Error).message);
        }
        out(r.applied.length ? `Applied migrations ${r.applied.join(", ")}; the schema is at version ${r.version}.` : `The schema is up to date (version ${r.version}).`);
        if (ahead !== undefined) out(`Audit partitions: this month and the ${ahead} after it are in place.`);
        for (const month of r.auditMonthsInDefault) {
          out(`Warning: audit rows of ${month} are in the default partition, so that month has no partition of its own; they stay readable and verifiable there.`);
        }
        if (r.runtimeRole) out(`Granted ${r.runtimeRole} the running vault's privileges (audit: INSERT and SELECT only).`);
      }),
    );
}

export function registerImport(vault: Command): void {
  withDataFolder(vault.command("import").description("copy a SQLite vault (stopped) into a freshly migrated, empty PostgreSQL database, then check counts and the audit chain"))
    .requiredOption("--database-url <url>", URL_HELP)
    .action(
      action(async (flags: DataFlags & { databaseUrl: string }) => {
        checkUrl(flags.databaseUrl);
        const dir = assertVaultFolder(flags.data ?? ".alter");
        assertNoServer(dir, "vault import");
        const db = openDatabase(join(dir, DB_FILE));
        let target: PostgresDriver | undefined;
        try {
          target = await PostgresDriver.open({ url: flags.databaseUrl, max: 2 });
          const r = await copySqliteToPostgres(db, target);
          const rows = Object.values(r.counts).reduce((a, b) => a + b, 0);
          out(`Copied ${rows} rows in ${Object.keys(r.counts).length} tables; every table's count matches.`);
          out(`Audit chain "main": ${r.audit.rows} rows, head ${r.audit.head.seq}, verified the same on both sides` + (r.audit.problems.length ? ` (with the ${r.audit.problems.length} problems the SQLite log already had).` : "."));
        } catch (error) {
          if (error instanceof VaultUsageError) throw error;
          throw new VaultUsageError(`vault import into ${redactDatabaseUrl(flags.databaseUrl)}: ${(error as Error).message}`);
        } finally {
          await target?.close();
          db.close();
        }
      }),
    );
}

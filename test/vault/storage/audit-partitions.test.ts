// The PostgreSQL audit table partitioned by month (pg-migrations/090), against a real server:
// rows land in their month's partition and read back as one chain; an existing table is rebuilt
// with every row and the same verification; a month with no partition falls into the default
// partition and `vault migrate` names it; and the partitions are as append-only as the parent.
import { describe, expect, it } from "vitest";
import { asRole, queryRows } from "../../support/postgres.js";
import { pgSuite, RUNTIME_ROLE } from "../../support/pg-suite.js";
import { postgresStore, type Store } from "../../../vault/storage/store/index.js";
import { migratePostgres } from "../../../vault/storage/sql/pg-migrate.js";
import { pgMigrations } from "../../../vault/storage/sql/pg-migrations/index.js";
import { chainRow, crypto } from "./conformance.js";
import { runVaultCli } from "../cli-run.js";

const RUNTIME = RUNTIME_ROLE;
const suite = pgSuite();
const stores = suite.stores;

const asRuntime = (url: string) => asRole(url, RUNTIME, "runtime-pw");
const query = queryRows;

async function store(url: string, chain = "instance-a"): Promise<Store> {
  const s = await postgresStore(asRuntime(url), crypto, { auditChain: chain });
  stores.push(s);
  return s;
}

/** The partition each of the chain's rows is stored in, by seq. */
async function partitionsOf(url: string): Promise<string[]> {
  const rows = await query<{ p: string }>(url, "SELECT tableoid::regclass::text AS p FROM audit ORDER BY chain, seq");
  return rows.map((r) => r.p);
}

const month = (offset: number): string => {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + offset);
  return d.toISOString().slice(0, 7);
};
const partitionName = (m: string) => `audit_y${m.slice(0, 4)}m${m.slice(5, 7)}`;
const at = (m: string, i: number) => chainRow(i, { time: `${m}-15T08:00:00.${String(i).padStart(3, "0")}Z` });

describe("PostgreSQL audit partitions", () => {
  it("a fresh schema partitions the audit table by month, this month and twelve ahead, plus a default", async () => {
    const url = await suite.cluster.createDatabase();
    const r = await migratePostgres({ url, runtimeRole: RUNTIME });
    expect(r).toMatchObject({ version: Math.max(...pgMigrations.map((m) => m.version)), auditMonthsInDefault: [] });
    const kind = await query<{ relkind: string }>(url, "SELECT relkind FROM pg_class WHERE oid = 'audit'::regclass");
    expect(kind[0]!.relkind).toBe("p");
    const parts = (await query<{ p: string }>(url, "SELECT inhrelid::regclass::text AS p FROM pg_inherits WHERE inhparent = 'audit'::regclass ORDER BY 1")).map((x) => x.p);
    expect(parts).toEqual([...Array.from({ length: 13 }, (_, i) => partitionName(month(i))), "audit_default"].sort());
  });

  it("rows of several months land in their partitions and read back as one verified chain", async () => {
    const url = await suite.cluster.createDatabase();
    await migratePostgres({ url, runtimeRole: RUNTIME });
    const s = await store(url);
    await s.audit.append([at(month(0), 1), at(month(1), 2), at(month(2), 3), at("2099-01", 4)]);
    expect(await partitionsOf(url)).toEqual([partitionName(month(0)), partitionName(month(1)), partitionName(month(2)), "audit_default"]);
    expect(await s.audit.verify()).toMatchObject({ rows: 4, problems: [] });
    expect((await s.audit.read(0, 10)).map((row) => row.seq)).toEqual([1, 2, 3, 4]);
  });

  it("the running vault's role reaches the rows only through the parent, and no one can change them", async () => {
    const url = await suite.cluster.createDatabase();
    await migratePostgres({ url, runtimeRole: RUNTIME });
    const s = await store(url);
    await s.audit.append([at(month(0), 1)]);
    const part = partitionName(month(0));
    for (const sql of [`SELECT * FROM ${part}`, `INSERT INTO ${part} SELECT * FROM audit`, `TRUNCATE ${part}`, `DELETE FROM ${part}`, "TRUNCATE audit_default"]) {
      await expect(query(asRuntime(url), sql), sql).rejects.toThrow(/permission denied|must be owner/);
    }
    for (const sql of [`UPDATE ${part} SET outcome = 'forged'`, `DELETE FROM ${part}`, `TRUNCATE ${part}`, "TRUNCATE audit_default", "TRUNCATE audit", "UPDATE audit SET outcome = 'forged'"]) {
      await expect(query(url, sql), sql).rejects.toThrow(/append-only/);
    }
    expect(await s.audit.verify()).toMatchObject({ rows: 1, problems: [] });
  });

  it("an unpartitioned table from before 090 is rebuilt with every row, its months, and the same chain", async () => {
    const url = await suite.cluster.createDatabase();
    await migratePostgres({ url, runtimeRole: RUNTIME, migrations: pgMigrations.filter((m) => m.version < 90) });
    const before = await store(url, "instance-a");
    const other = await store(url, "instance-b");
    await before.audit.append([at("2024-02", 1), at("2025-07", 2), at(month(0), 3)]);
    await other.audit.append([at("2025-07", 4), at(month(0), 5)]);
    const checks = [await before.audit.verify(), await other.audit.verify()];
    for (const s of stores.splice(0)) await s.close();

    const r = await migratePostgres({ url, runtimeRole: RUNTIME });
    expect(r.applied).toEqual(pgMigrations.filter((m) => m.version >= 90).map((m) => m.version));
    const after = [await store(url, "instance-a"), await store(url, "instance-b")];
    expect([await after[0]!.audit.verify(), await after[1]!.audit.verify()]).toEqual(checks);
    expect(await partitionsOf(url)).toEqual(["audit_y2024m02", "audit_y2025m07", partitionName(month(0)), "audit_y2025m07", partitionName(month(0))]);
    await after[0]!.audit.append([at(month(1), 6)]);
    expect(await after[0]!.audit.verify()).toMatchObject({ rows: 4, problems: [] });
  });

  it("a month whose rows already sit in the default partition is named, not created, and the rest are", async () => {
    const url = await suite.cluster.createDatabase();
    await migratePostgres({ url, runtimeRole: RUNTIME, auditMonthsAhead: 1 });
    const s = await store(url);
    await s.audit.append([at(month(3), 1)]);
    expect(await partitionsOf(url)).toEqual(["audit_default"]);
    const r = await migratePostgres({ url, auditMonthsAhead: 5 });
    expect(r.auditMonthsInDefault).toEqual([month(3)]);
    const parts = (await query<{ p: string }>(url, "SELECT inhrelid::regclass::text AS p FROM pg_inherits WHERE inhparent = 'audit'::regclass")).map((x) => x.p);
    expect(parts).toContain(partitionName(month(5)));
    expect(parts).not.toContain(partitionName(month(3)));
    expect(await s.audit.verify()).toMatchObject({ rows: 1, problems: [] });
  });

  it.each([["-1"], ["1.5"], ["121"], ["twelve"]])("vault migrate --audit-months-ahead %s is refused naming the flag", async (value) => {
    const r = await runVaultCli(["migrate", "--database-url", "postgres://owner@127.0.0.1:1/none", "--audit-months-ahead", value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--audit-months-ahead");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

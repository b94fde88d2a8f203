// `vault migrate` whose connection is killed mid-migration (the server restarted, an operator's
// pg_terminate_backend) fails that run with a message naming the database, instead of ending the
// process through the client's unheard error event; the step rolls back and a second run applies it.
import { describe, expect, it } from "vitest";
import { queryRows } from "../../support/postgres.js";
import { pgSuite } from "../../support/pg-suite.js";
import { migratePostgres } from "../../../vault/storage/sql/pg-migrate.js";

const suite = pgSuite();

describe("vault migrate when its connection is killed", () => {
  it("rejects the run, keeps the process, and the next run applies the step", async () => {
    const url = await suite.cluster.createDatabase();
    const db = new URL(url).pathname.slice(1);
    const slow = [{ version: 1, name: "slow", sql: "SELECT pg_sleep(30); CREATE TABLE made_by_slow (x int)" }];
    // Observed from the start: the run fails while this test is still awaiting its own queries, and
    // a rejection nobody listens to yet is an unhandled one.
    const run = migratePostgres({ url, migrations: slow }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Wait until the step's statement runs, then end its backend as an operator would.
    for (let i = 0; i < 200; i++) {
      const busy = await queryRows<{ pid: number }>(suite.cluster.url, "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'SELECT pg_sleep(30)%'", [db]);
      if (busy.length > 0) {
        await queryRows(suite.cluster.url, "SELECT pg_terminate_backend($1)", [busy[0]!.pid]);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const failure = await run;
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(new RegExp(`vault migrate on .*${db}: .*terminat`, "i"));
    const fast = [{ version: 1, name: "slow", sql: "CREATE TABLE made_by_slow (x int)" }];
    expect((await migratePostgres({ url, migrations: fast })).applied).toEqual([1]);
  }, 120_000);
});

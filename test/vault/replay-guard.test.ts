// The replay guard a server picks by its store's engine (vault/http/replay.ts): on SQLite the
// in-process nonce cache, on PostgreSQL the shared request_nonces table, so that a nonce one
// instance accepted is refused by every other instance, and expired rows are swept by a timer.
// The PostgreSQL cases run against a real cluster (test/support/postgres.ts).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type PgCluster } from "../support/postgres.js";
import { postgresStore, sqliteStore, type Store } from "../../vault/storage/store/index.js";
import { migratePostgres } from "../../vault/storage/sql/pg-migrate.js";
import { openDatabase } from "../../vault/storage/db.js";
import { replayGuard, type ReplayGuard } from "../../vault/http/replay.js";
import { crypto } from "./storage/conformance.js";
import { tempDir } from "./helpers.js";

let cluster: PgCluster;
const tmp = tempDir("alter-replay-");
const stores: Store[] = [];
const guards: ReplayGuard[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);

afterAll(async () => {
  for (const g of guards) g.close();
  for (const s of stores) await s.close().catch(() => {});
  await cluster?.stop();
  tmp.remove();
});

interface Instances {
  /** Two instances of one vault: two stores over one database (SQLite: one process, one store). */
  stores: Store[];
  guards: ReplayGuard[];
}

const T0 = 1_700_000_000_000;

async function instances(engine: "sqlite" | "postgres", sweepEveryMs?: number): Promise<Instances> {
  let list: Store[];
  if (engine === "postgres") {
    const url = await cluster.createDatabase();
    await migratePostgres({ url });
    list = [await postgresStore(url, crypto), await postgresStore(url, crypto)];
  } else {
    list = [sqliteStore(openDatabase(join(tmp.dir, `v${stores.length}.db`)), crypto)];
  }
  stores.push(...list);
  const made = list.map((s) => replayGuard(s, { now: () => T0, ...(sweepEveryMs ? { sweepEveryMs } : {}) }));
  guards.push(...made);
  return { stores: list, guards: made };
}

describe.each(["sqlite", "postgres"] as const)("replay guard on %s", (engine) => {
  it("is durable only on PostgreSQL (then a request signed before the process started is no replay)", async () => {
    const { guards: [g] } = await instances(engine);
    expect(g!.durable).toBe(engine === "postgres");
  });

  it("accepts one nonce once, whichever instance sees it and however many arrive at once", async () => {
    const { guards: gs } = await instances(engine);
    const tries = await Promise.all(Array.from({ length: 20 }, (_, i) => gs[i % gs.length]!.remember("key-a", "n-1", T0 + 300_000, T0)));
    expect(tries.filter(Boolean)).toHaveLength(1);
    // Another key's same nonce is another request.
    expect(await gs[gs.length - 1]!.remember("key-b", "n-1", T0 + 300_000, T0)).toBe(true);
  });

  // [now relative to the nonce's last valid instant, accepted again?]
  it.each([
    [-1, false],
    [0, false],
    [1, true],
  ])("a nonce remembered until its last valid instant, seen again %i ms after it: accepted %s", async (after, accepted) => {
    const { guards: gs } = await instances(engine);
    const last = T0 + 1_000;
    expect(await gs[0]!.remember("key-a", "n-2", last, T0)).toBe(true);
    expect(await gs[gs.length - 1]!.remember("key-a", "n-2", last + 300_000, last + after)).toBe(accepted);
  });
});

describe("durable nonces on PostgreSQL", () => {
  const count = async (s: Store) => Number((await s.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM request_nonces"))!.n);

  it("sweeps expired rows on a timer, and close() stops it", async () => {
    const { stores: [s], guards: gs } = await instances("postgres", 30);
    // Expired (the guard's clock is T0) and live rows.
    await s!.nonces.remember("key-a", "old", T0 - 10, T0 - 1000);
    await s!.nonces.remember("key-a", "live", T0 + 60_000, T0);
    expect(await count(s!)).toBe(2);
    await expect.poll(() => count(s!), { timeout: 5_000, interval: 20 }).toBe(1);
    for (const g of gs) g.close();
    await s!.nonces.remember("key-a", "old-2", T0 - 10, T0 - 1000);
    await new Promise((r) => setTimeout(r, 200));
    expect(await count(s!)).toBe(2);
  });
});

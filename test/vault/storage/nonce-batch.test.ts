// PostgreSQL's batched nonce inserts (vault/storage/store/nonce-batch.ts): concurrent requests'
// nonces share one statement, and replay protection stays exact: a nonce asked for twice in one
// batch, or on two instances at once, is accepted once; a live row is never taken over because
// another caller in the batch has a later clock; a nonce that fails fails alone.
import { describe, expect, it, vi } from "vitest";
import { asRole } from "../../support/postgres.js";
import { pgSuite, RUNTIME_PASSWORD, RUNTIME_ROLE } from "../../support/pg-suite.js";
import { postgresStore, type Store } from "../../../vault/storage/store/index.js";
import { migratePostgres } from "../../../vault/storage/sql/pg-migrate.js";
import { crypto } from "./conformance.js";

const suite = pgSuite();
const T0 = Date.parse("2026-05-01T10:00:00.000Z");
const WINDOW = T0 + 300_000;

async function twoInstances(): Promise<[Store, Store]> {
  const owner = await suite.cluster.createDatabase();
  await migratePostgres({ url: owner, runtimeRole: RUNTIME_ROLE });
  const url = asRole(owner, RUNTIME_ROLE, RUNTIME_PASSWORD);
  const a = await postgresStore(url, crypto, { auditChain: "a" });
  const b = await postgresStore(url, crypto, { auditChain: "b" });
  suite.stores.push(a, b);
  return [a, b];
}

/** Statements the store's driver sent (a batch is one; a nonce retried alone is one each). */
function countStatements(store: Store): () => number {
  const values = vi.spyOn(store.sql, "values");
  const run = vi.spyOn(store.sql, "run");
  return () => values.mock.calls.length + run.mock.calls.length;
}

describe("PostgreSQL: nonces of concurrent requests share a statement", () => {
  it("50 nonces asked at once, 10 of them twice, are one statement; each distinct nonce is accepted once", async () => {
    const [store] = await twoInstances();
    const sent = countStatements(store);
    const names = Array.from({ length: 50 }, (_, i) => `n-${i % 40}`);
    const fresh = await Promise.all(names.map((n) => store.nonces.remember("key-a", n, WINDOW, T0)));
    expect(sent()).toBe(1);
    for (let i = 0; i < 40; i++) expect(fresh.filter((f, j) => f && names[j] === `n-${i}`), `n-${i}`).toHaveLength(1);
    // Remembered: each is a replay now, asked alone or in a batch.
    expect(await store.nonces.remember("key-a", "n-3", WINDOW, T0 + 1)).toBe(false);
    expect(await Promise.all(["n-1", "n-2", "fresh"].map((n) => store.nonces.remember("key-a", n, WINDOW, T0 + 1)))).toEqual([false, false, true]);
  });

  it("two instances' batches racing for the same nonces accept each once", async () => {
    const [a, b] = await twoInstances();
    const names = Array.from({ length: 60 }, (_, i) => `r-${i}`);
    // Opposite orders: the rows go in sorted, so the two statements cannot deadlock.
    const tries = await Promise.all([
      ...names.map((n) => a.nonces.remember("key-a", n, WINDOW, T0).then((f) => [n, f] as const)),
      ...[...names].reverse().map((n) => b.nonces.remember("key-a", n, WINDOW, T0).then((f) => [n, f] as const)),
    ]);
    for (const n of names) expect(tries.filter(([m, f]) => m === n && f), n).toHaveLength(1);
  });

  it("takes over a row expired for every caller in the batch, never one still live for one of them", async () => {
    const [store] = await twoInstances();
    expect(await store.nonces.remember("key-a", "old", T0 + 5, T0 - 1_000)).toBe(true);
    expect(await store.nonces.remember("key-a", "older", T0 - 5, T0 - 1_000)).toBe(true);
    // "old" is live for a caller at T0 (its replay), though expired by the clock of another caller in the same batch.
    const [replay, other, takeover] = await Promise.all([
      store.nonces.remember("key-a", "old", WINDOW, T0),
      store.nonces.remember("key-a", "other", WINDOW, T0 + 10),
      store.nonces.remember("key-a", "older", WINDOW, T0 + 10),
    ]);
    expect({ replay, other, takeover }).toEqual({ replay: false, other: true, takeover: true });
  });

  it("a nonce the database refuses fails alone; the others of its batch are remembered", async () => {
    const [store] = await twoInstances();
    const sent = countStatements(store);
    const results = await Promise.allSettled(["ok-1", "bad\u0000nonce", "ok-2"].map((n) => store.nonces.remember("key-a", n, WINDOW, T0)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<boolean>).value)).toEqual([true, true]);
    expect(sent()).toBe(4); // the batch, then each nonce on its own
    expect(await store.nonces.remember("key-a", "ok-1", WINDOW, T0)).toBe(false);
  });
});

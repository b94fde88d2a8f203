// The audit repository's methods the audit log (vault/audit/log.ts) uses, on SQLite and on a real
// PostgreSQL: appendIn inside the caller's transaction (kept on commit, gone on rollback), the
// seq floor, hashAt, forChain; and on PostgreSQL the chain's checkpoint row (forward only) and
// the listing of every chain.
import { describe, expect, it } from "vitest";
import { chainRow, type StoreHarness } from "./conformance.js";

export function auditLogConformance(harness: () => StoreHarness): void {
  describe("audit rows for the audit log", () => {
    it("appendIn: the rows commit or roll back with the caller's transaction; a seq floor leaves a visible hole", async () => {
      const { store } = await harness().fresh();
      await store.sql.transaction((tx) => store.audit.appendIn(tx, [chainRow(1), chainRow(2)]));
      await expect(
        store.sql.transaction(async (tx) => {
          await store.audit.appendIn(tx, [chainRow(3)]);
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");
      expect(await store.audit.head()).toMatchObject({ seq: 2 });
      const head = await store.sql.transaction((tx) => store.audit.appendIn(tx, [chainRow(4)], { seqFloor: 5 }));
      expect(head.seq).toBe(6);
      expect([await store.audit.hashAt(6), await store.audit.hashAt(3)]).toEqual([head.hash, undefined]);
      expect((await store.audit.verify()).problems).toEqual(["rows 3..5 are missing"]);
      expect(store.audit.forChain(store.audit.chain)).toBe(store.audit);
    });

    // SQLite keeps its one chain's checkpoint in a file and lists by seq (vault/audit/read.ts).
    it.runIf(harness().dialect === "postgres")("PostgreSQL: the chain's checkpoint row moves forward only, and the listing spans every chain", async () => {
      const { store, another } = await harness().fresh();
      const other = await another({ auditChain: "instance-b" });
      const put = (seq: number) => store.sql.transaction((tx) => store.audit.putCheckpoint(tx, { seq, hash: "h", time: "t", mac: "m" }));
      await put(3);
      await put(5);
      await expect(put(4)).rejects.toThrow(/only move forward/);
      expect(await store.audit.checkpoint()).toEqual({ seq: 5, hash: "h", time: "t", mac: "m" });
      expect(await other.audit.checkpoint()).toBeUndefined();
      await store.audit.append([chainRow(1, { time: "2026-01-01T00:00:01.000Z" })]);
      await other.audit.append([chainRow(2, { time: "2026-01-01T00:00:00.000Z" })]);
      const listed = await store.audit.list({ newestFirst: false, limit: 10 });
      expect(listed.map((r) => [r.chain, Number(r.seq)])).toEqual([
        [other.audit.chain, 1],
        [store.audit.chain, 1],
      ]);
      expect(await store.audit.chains()).toEqual([store.audit.chain, other.audit.chain].sort());
    });
  });
}

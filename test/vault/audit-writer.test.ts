// The audit writer's group commit: rows queued together commit together; a failing row fails
// alone; nothing is acknowledged before its transaction commits and is checkpointed; seq
// numbers continue after the checkpointed floor and every row links to the one before.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../vault/storage/db.js";
import { AuditWriter } from "../../vault/audit/writer.js";
import { readAuditRows } from "../../vault/audit/read.js";
import { tempDir } from "./helpers.js";
import { AtRest } from "../../vault/crypto/at-rest.js";
import { genesisHash, HASHED_COLUMNS, rowHash, type ChainRow } from "../../vault/crypto/audit-chain.js";
import { CheckpointFile } from "../../vault/audit/checkpoint.js";
import { verifyAuditChain } from "../../vault/audit/verify.js";

let tmp: ReturnType<typeof tempDir>;
let db: Db;
beforeAll(() => {
  tmp = tempDir();
  db = openDatabase(join(tmp.dir, "audit.db"));
});
afterAll(() => {
  db.close();
  tmp.remove();
});

describe("AuditWriter.commit", () => {
  it("commits a burst in one go and resolves each with its row id", async () => {
    const w = new AuditWriter(db);
    let transactions = 0;
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        w.commit({ action: "credential.retrieve", outcome: "success", runId: `r${i}` }, () => {
          if (db.inTransaction) transactions++;
        }),
      ),
    );
    expect(new Set(ids).size).toBe(50);
    expect(transactions).toBe(50);
    const rows = readAuditRows(db, { action: "credential.retrieve" });
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows.map((r) => r.runId)).toEqual(Array.from({ length: 50 }, (_, i) => `r${i}`));
  });

  it("a burst larger than one INSERT statement (64 rows) goes in whole, in order, each row's columns its own", async () => {
    const w = new AuditWriter(db);
    // Each row's `also` runs once per attempt: 150 calls means no row was retried on its own.
    let attempts = 0;
    const ids = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        w.commit({ action: "burst", outcome: i % 2 ? "success" : "denied", runId: `b${i}`, status: 200 + i }, () => void attempts++),
      ),
    );
    expect(attempts).toBe(150);
    const rows = readAuditRows(db, { action: "burst" });
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows.map((r) => [r.runId, r.outcome, r.status])).toEqual(ids.map((_, i) => [`b${i}`, i % 2 ? "success" : "denied", 200 + i]));
    const seqs = (db.prepare("SELECT seq FROM audit WHERE action = 'burst' ORDER BY seq").all() as { seq: number }[]).map((r) => r.seq);
    expect(seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1)).toBe(true);
    const report = await verifyAuditChain(db, new AtRest(Buffer.alloc(32)), { status: "missing" });
    expect(report.problems.filter((p) => p.kind !== "checkpoint_missing")).toEqual([]);
  });

  it("a row that cannot be written fails alone", async () => {
    const w = new AuditWriter(db);
    const results = await Promise.allSettled([
      w.commit({ action: "proxy.call", outcome: "success", runId: "ok-1" }),
      w.commit({ action: "proxy.call", outcome: "success", runId: "bad" }, () => {
        throw new Error("constraint");
      }),
      w.commit({ action: "proxy.call", outcome: "success", runId: "ok-2" }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(readAuditRows(db, { action: "proxy.call" }).map((r) => r.runId)).toEqual(["ok-1", "ok-2"]);
  });

  it("redacts URLs and truncates oversized labels", async () => {
    const w = new AuditWriter(db);
    const id = await w.commit({ action: "x", outcome: "success", url: "https://h.test/p?api_key=SECRET&page=2", reason: "r".repeat(5000) });
    const row = readAuditRows(db, { action: "x" }).find((r) => r.id === id)!;
    expect(row.url).toBe("https://h.test/p?api_key=REDACTED&page=2");
    expect(row.reason!.length).toBeLessThanOrEqual(1001);
  });

  // Time-ordered ids keep the unique index on `id` growing at its end (audit-row.ts, rowId).
  it("gives rows UUIDs in version 7's layout, the writer's clock first, so later rows' ids sort after earlier ones", async () => {
    let now = Date.parse("2026-01-02T03:04:05.678Z");
    const w = new AuditWriter(db, () => now);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push(...(await Promise.all([1, 2].map(() => w.commit({ action: "ordered", outcome: "success" })))));
      now += 1 + (i % 3);
    }
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[0]!.replace("-", "").slice(0, 12)).toBe(Date.parse("2026-01-02T03:04:05.678Z").toString(16).padStart(12, "0"));
    expect(new Set(ids).size).toBe(ids.length);
    // Two rows of one millisecond share their first 48 bits and differ in the random rest.
    const byMs = (id: string) => id.slice(0, 13);
    for (let i = 2; i < ids.length; i += 2) expect(byMs(ids[i]!) > byMs(ids[i - 1]!)).toBe(true);
  });
});

describe("the hash chain the writer keeps", () => {
  it("numbers rows after the checkpointed floor, links each to the one before, and attests each commit before it resolves", async () => {
    const dir = tempDir();
    const cdb = openDatabase(join(dir.dir, "vault.db"));
    try {
      const crypto = new AtRest(Buffer.alloc(32, 4));
      const file = new CheckpointFile(dir.dir, crypto);
      file.create({ seq: 0, hash: genesisHash(), time: new Date().toISOString() });
      // As after a lost WAL: the checkpoint attested row 40, the database holds none of them.
      const w = new AuditWriter(cdb, Date.now, { checkpoint: file, seqFloor: 40 });
      w.write({ action: "admin", outcome: "success" });
      const ids = await Promise.all([1, 2, 3].map((i) => w.commit({ action: "proxy.call", outcome: "success", runId: `c${i}` })));
      const state = file.read();
      expect(state).toMatchObject({ status: "ok", checkpoint: { seq: 44 } });
      const rows = cdb.prepare(`SELECT ${HASHED_COLUMNS.join(", ")}, hash FROM audit ORDER BY seq`).all() as (ChainRow & { hash: string })[];
      expect(rows.map((r) => r.seq)).toEqual([41, 42, 43, 44]);
      expect(rows.slice(1).map((r) => r.id)).toEqual(ids);
      let prev = genesisHash();
      for (const r of rows) {
        expect(r.hash).toBe(rowHash(prev, r));
        prev = r.hash;
      }
      expect(state.status === "ok" && state.checkpoint.hash).toBe(prev);
    } finally {
      cdb.close();
      dir.remove();
    }
  });

  it("rows written inside a caller's transaction are attested by attestPending(), without waiting for the event loop", () => {
    const dir = tempDir();
    const cdb = openDatabase(join(dir.dir, "vault.db"));
    try {
      const file = new CheckpointFile(dir.dir, new AtRest(Buffer.alloc(32, 4)));
      file.create({ seq: 0, hash: genesisHash(), time: new Date().toISOString() });
      const w = new AuditWriter(cdb, Date.now, { checkpoint: file });
      cdb.transaction(() => w.write({ action: "grant.issue", outcome: "success" }))();
      expect(file.read()).toMatchObject({ checkpoint: { seq: 0 } });
      w.attestPending();
      expect(file.read()).toMatchObject({ status: "ok", checkpoint: { seq: 1, hash: w.head().hash } });
      w.close();
    } finally {
      cdb.close();
      dir.remove();
    }
  });

  it("a row written inside a transaction that rolls back leaves the chain whole", async () => {
    const w = new AuditWriter(db);
    expect(() =>
      db.transaction(() => {
        w.write({ action: "rolled-back", outcome: "success" });
        throw new Error("the caller's work failed");
      })(),
    ).toThrow(/failed/);
    w.write({ action: "after-rollback", outcome: "success" });
    const report = await verifyAuditChain(db, new AtRest(Buffer.alloc(32)), { status: "missing" });
    expect(report.problems.filter((p) => p.kind !== "checkpoint_missing")).toEqual([]);
    expect(readAuditRows(db, { action: "rolled-back" })).toEqual([]);
  });
});

// The audit writer's group commit: rows queued together commit together; a failing row fails
// alone; nothing is acknowledged before its transaction commits.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../vault/storage/db.js";
import { AuditWriter } from "../../vault/audit/writer.js";
import { readAuditRows } from "../../vault/audit/read.js";
import { tempDir } from "./helpers.js";

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
});

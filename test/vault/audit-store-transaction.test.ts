// Audit rows and the asynchronous store's transactions on SQLite (issue 14). The store shares the
// audit writer's better-sqlite3 handle, so while one caller's store transaction awaits between its
// statements, other code runs with the handle inside that transaction. A row written from inside
// the transaction commits or rolls back with it (a grant and its row, together); a row written by
// anyone else waits for the transaction to end, so a rollback never takes another caller's
// acknowledged row with it.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../vault/storage/db.js";
import { sqliteStore } from "../../vault/storage/store/index.js";
import { AuditWriter } from "../../vault/audit/writer.js";
import { crypto } from "./storage/conformance.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir("alter-audit-tx-");
afterAll(() => tmp.remove());
let n = 0;

// [who writes the row, how the transaction ends, is the row in the log afterwards]
const CASES = [
  ["inside the transaction", "commits", true],
  ["inside the transaction", "rolls back", false],
  ["another caller, meanwhile", "commits", true],
  ["another caller, meanwhile", "rolls back", true],
] as const;

describe("an audit row written while a store transaction is open", () => {
  it.each(CASES)("written by %s, the transaction %s: in the log %s", async (who, end, kept) => {
    const db = openDatabase(join(tmp.dir, `v${++n}.db`));
    const store = sqliteStore(db, crypto);
    const writer = new AuditWriter(db);
    let release!: () => void;
    const paused = new Promise<void>((r) => (release = r));
    let id = "";
    const tx = store.sql.transaction(async (t) => {
      await t.run("INSERT INTO meta (key, value) VALUES ('probe', 'x')");
      if (who === "inside the transaction") id = writer.write({ action: "grant.issue", outcome: "success" });
      await paused;
      if (end === "rolls back") throw new Error("rolled back");
    });
    if (who !== "inside the transaction") {
      // Runs between two awaits of the transaction above, with the handle inside it.
      await Promise.resolve();
      expect(db.inTransaction).toBe(true);
      id = writer.write({ action: "credential.retrieve", outcome: "success" });
    }
    const settled = writer.settled(id);
    release();
    if (end === "rolls back") await expect(tx).rejects.toThrow("rolled back");
    else await tx;
    await settled;
    const rows = db.prepare("SELECT id FROM audit").all() as { id: string }[];
    expect(rows.some((r) => r.id === id)).toBe(kept);
    expect((db.prepare("SELECT COUNT(*) AS n FROM meta WHERE key = 'probe'").get() as { n: number }).n).toBe(end === "commits" ? 1 : 0);
    db.close();
  });
});

describe("work that commits with a group-committed row (commit's `also`, given the row's transaction)", () => {
  // [what `also` does, does the row commit, is also's write kept]
  const ALSO = [
    ["writes through the transaction", "INSERT INTO meta (key, value) VALUES ('also', 'x')", true],
    ["runs a statement that fails", "INSERT INTO no_such_table (key) VALUES ('also')", false],
  ] as const;

  it.each(ALSO)("when it %s: row written %s", async (_name, sql, ok) => {
    const db = openDatabase(join(tmp.dir, `v${++n}.db`));
    const writer = new AuditWriter(db);
    const results = await Promise.allSettled([
      writer.commit({ action: "credential.retrieve", outcome: "success", runId: "other" }),
      writer.commit({ action: "credential.retrieve", outcome: "success", runId: "this" }, (tx) => tx.run(sql)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", ok ? "fulfilled" : "rejected"]);
    const runs = (db.prepare("SELECT run_id FROM audit ORDER BY seq").all() as { run_id: string }[]).map((r) => r.run_id);
    expect(runs).toEqual(ok ? ["other", "this"] : ["other"]);
    expect((db.prepare("SELECT COUNT(*) AS n FROM meta WHERE key = 'also'").get() as { n: number }).n).toBe(ok ? 1 : 0);
    db.close();
  });
});

// The store conformance suite on SQLite: the vault's own database file (openDatabase migrates
// it), a second better-sqlite3 connection to the same file as the "other instance". Plus one
// check only SQLite can make: rows the asynchronous store appends continue the chain the
// synchronous AuditWriter writes, and the other way round.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../../vault/storage/db.js";
import { createStore, sqliteStore } from "../../../vault/storage/store/index.js";
import { SqliteDriver } from "../../../vault/storage/sql/sqlite-driver.js";
import { AuditWriter } from "../../../vault/audit/writer.js";
import { tempDir } from "../helpers.js";
import { chainRow, crypto, storeConformance, type StoreHarness } from "./conformance.js";

const tmp = tempDir("alter-store-");
const open: Db[] = [];
let n = 0;
afterAll(() => {
  for (const db of open) if (db.open) db.close();
  tmp.remove();
});

function openDb(file: string): Db {
  const db = openDatabase(file);
  open.push(db);
  return db;
}

const harness: StoreHarness = {
  dialect: "sqlite",
  async fresh() {
    const file = join(tmp.dir, `vault-${++n}.db`);
    const db = openDb(file);
    return {
      store: sqliteStore(db, crypto),
      another: async (opts) => createStore(new SqliteDriver(openDb(file)), crypto, opts),
      raw: async <T>(sql: string) => {
        const s = db.prepare(sql);
        if (s.reader) return s.all() as T[];
        s.run();
        return [];
      },
      allowAuditTampering: async () => {
        db.exec("DROP TRIGGER audit_no_update");
      },
    };
  },
};

storeConformance(() => harness);

describe("SQLite: the asynchronous store and the AuditWriter keep one chain", () => {
  it("appends from either continue the other's chain", async () => {
    const { store } = await harness.fresh();
    const db = (store.sql as unknown as { db: Db }).db;
    await store.audit.append([chainRow(1), chainRow(2)]);
    const writer = new AuditWriter(db);
    expect(writer.head()).toEqual(await store.audit.head());
    writer.write({ action: "admin", outcome: "success", details: { by: "writer" } });
    await store.audit.append([chainRow(4)]);
    expect(await store.audit.verify()).toMatchObject({ rows: 4, problems: [] });
  });

  it("a second audit chain needs PostgreSQL", async () => {
    const { another } = await harness.fresh();
    await expect(another({ auditChain: "instance-b" })).rejects.toThrow(/one audit chain .*needs PostgreSQL/);
  });
});

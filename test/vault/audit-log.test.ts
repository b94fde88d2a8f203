// The audit log (vault/audit/log.ts) on both engines: SQLite (the AuditWriter on the vault's file)
// and a real PostgreSQL (PostgresAuditLog, one chain per instance). The same cases on each:
// group commit with `also` (both kept, or the failing row alone rejected), write() inside a store
// transaction commits or rolls back with it, write() from outside never rides on another caller's
// transaction, and two instances appending at once keep two chains that both verify.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { asRole } from "../support/postgres.js";
import { pgSuite, RUNTIME_ROLE } from "../support/pg-suite.js";
import { postgresStore, sqliteStore, type Store } from "../../vault/storage/store/index.js";
import { migratePostgres } from "../../vault/storage/sql/pg-migrate.js";
import { openDatabase } from "../../vault/storage/db.js";
import type { AuditLog } from "../../vault/audit/log.js";
import { openAuditLog } from "../../vault/audit/open.js";
import { auditChainId } from "../../vault/audit/chain-id.js";
import { crypto } from "./storage/conformance.js";
import { tempDir } from "./helpers.js";

const RUNTIME = RUNTIME_ROLE;
const tmp = tempDir("alter-audit-log-");
const suite = pgSuite();
const stores = suite.stores;
let n = 0;

afterAll(() => {
  tmp.remove();
});

interface Opened {
  store: Store;
  log: AuditLog;
  /** Another instance over the same database (PostgreSQL: its own chain), or undefined on SQLite. */
  another(): Promise<{ store: Store; log: AuditLog } | undefined>;
}

async function track(store: Store): Promise<Store> {
  stores.push(store);
  return store;
}

const ENGINES: Record<"sqlite" | "postgres", () => Promise<Opened>> = {
  async sqlite() {
    const dir = join(tmp.dir, `v${++n}`);
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dir);
    const store = await track(sqliteStore(openDatabase(join(dir, "vault.db")), crypto));
    const log = await openAuditLog({ dataDir: dir, store, crypto });
    return { store, log, another: async () => undefined };
  },
  async postgres() {
    const owner = await suite.cluster.createDatabase();
    await migratePostgres({ url: owner, runtimeRole: RUNTIME });
    const url = asRole(owner, RUNTIME, "runtime-pw");
    const open = async (chain: string) => {
      const store = await track(await postgresStore(url, crypto, { auditChain: chain }));
      return { store, log: await openAuditLog({ dataDir: tmp.dir, store, crypto }) };
    };
    const a = await open("instance-a");
    return { ...a, another: () => open("instance-b") };
  },
};

async function runIds(store: Store): Promise<string[]> {
  return (await store.audit.read(0, 10_000)).map((r) => String(r.run_id));
}

async function probes(store: Store, key: string): Promise<number> {
  return (await store.sql.all("SELECT key FROM meta WHERE key = ?", [key])).length;
}

describe.each(Object.keys(ENGINES) as (keyof typeof ENGINES)[])("the audit log on %s", (engine) => {
  // [what `also` does, do the row and also's write commit, also's statement]
  const ALSO = [
    ["writes through the transaction", true, "INSERT INTO meta (key, value) VALUES ('also', 'x')"],
    ["runs a statement that fails", false, "INSERT INTO no_such_table (key) VALUES ('also')"],
  ] as const;

  it.each(ALSO)("group commit, when `also` %s: its row committed %s, the batch's other rows kept", async (_name, ok, sql) => {
    const { store, log } = await ENGINES[engine]();
    const results = await Promise.allSettled([
      log.commit({ action: "credential.retrieve", outcome: "success", runId: "before" }),
      log.commit({ action: "credential.retrieve", outcome: "success", runId: "this" }, (tx) => tx.run(sql)),
      log.commit({ action: "credential.retrieve", outcome: "success", runId: "after" }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", ok ? "fulfilled" : "rejected", "fulfilled"]);
    expect(await runIds(store)).toEqual(ok ? ["before", "this", "after"] : ["before", "after"]);
    expect(await probes(store, "also")).toBe(ok ? 1 : 0);
    expect((await store.audit.verify()).problems).toEqual([]);
  });

  // [who writes the row, how the transaction ends, is the row in the log afterwards]
  const CASES = [
    ["inside the transaction", "commits", true],
    ["inside the transaction", "rolls back", false],
    ["another caller, meanwhile", "commits", true],
    ["another caller, meanwhile", "rolls back", true],
  ] as const;

  it.each(CASES)("write() by %s, the transaction %s: in the log %s", async (who, end, kept) => {
    const { store, log } = await ENGINES[engine]();
    let release!: () => void;
    const paused = new Promise<void>((r) => (release = r));
    let id = "";
    const tx = store.sql.transaction(async (t) => {
      await t.run("INSERT INTO meta (key, value) VALUES ('probe', 'x')");
      if (who === "inside the transaction") id = log.write({ action: "grant.issue", outcome: "success", runId: "inside" });
      await paused;
      if (end === "rolls back") throw new Error("rolled back");
    });
    if (who !== "inside the transaction") {
      await new Promise((r) => setTimeout(r, 20));
      id = log.write({ action: "credential.retrieve", outcome: "success", runId: "outside" });
      // On PostgreSQL nothing waits for the open transaction: the row is in before it ends.
      if (engine === "postgres") await log.settled(id);
    }
    const settled = log.settled(id);
    release();
    if (end === "rolls back") await expect(tx).rejects.toThrow("rolled back");
    else await tx;
    await settled;
    expect((await store.audit.read(0, 100)).some((r) => r.id === id)).toBe(kept);
    expect(await probes(store, "probe")).toBe(end === "commits" ? 1 : 0);
    expect((await store.audit.verify()).problems).toEqual([]);
  });

  it("a row that cannot be inserted inside a transaction rolls the transaction back", async () => {
    const { store, log } = await ENGINES[engine]();
    const tx = store.sql.transaction(async (t) => {
      await t.run("INSERT INTO meta (key, value) VALUES ('probe', 'x')");
      // An outcome the table refuses (NOT NULL), as a failing insert.
      log.write({ action: "grant.issue", outcome: null as unknown as "success" });
    });
    await expect(tx).rejects.toThrow(/null|NOT NULL/i);
    expect(await probes(store, "probe")).toBe(0);
  });

  it("drain() waits for every queued and written row", async () => {
    const { store, log } = await ENGINES[engine]();
    const ids = Array.from({ length: 50 }, (_, i) => (i % 2 ? log.write({ action: "admin", outcome: "success", runId: `w${i}` }) : null));
    for (let i = 0; i < 50; i += 2) void log.commit({ action: "admin", outcome: "success", runId: `c${i}` });
    await log.drain();
    expect((await store.audit.read(0, 1000)).length).toBe(50);
    expect(ids.filter(Boolean).length).toBe(25);
  });

  it.runIf(engine === "postgres")("two instances appending at once keep two chains that both verify", async () => {
    const a = await ENGINES[engine]();
    const b = (await a.another())!;
    const rows = (log: AuditLog, tag: string) =>
      Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? (log.settled(log.write({ action: "admin", outcome: "success", runId: `${tag}${i}` })) as Promise<unknown>) : log.commit({ action: "admin", outcome: "success", runId: `${tag}${i}` })));
    await Promise.all([...rows(a.log, "a"), ...rows(b.log, "b")]);
    const [va, vb] = [await a.store.audit.verify(), await b.store.audit.verify()];
    expect([va.chain, va.rows, va.problems]).toEqual(["instance-a", 200, []]);
    expect([vb.chain, vb.rows, vb.problems]).toEqual(["instance-b", 200, []]);
    expect((await runIds(a.store)).every((r) => r.startsWith("a"))).toBe(true);
    expect(await a.store.audit.chains()).toEqual(["instance-a", "instance-b"]);
  });
});


describe("the chain an instance appends to (ALTER_VAULT_INSTANCE_ID, else the host name)", () => {
  // [environment, host name, chain id or the error]
  const CASES: [Record<string, string>, string, string | RegExp][] = [
    [{ ALTER_VAULT_INSTANCE_ID: "vault-0" }, "ignored", "vault-0"],
    [{}, "web-1.internal", "web-1.internal"],
    [{ ALTER_VAULT_INSTANCE_ID: "" }, "host with spaces", "host-with-spaces"],
    [{}, "", "instance"],
    [{ ALTER_VAULT_INSTANCE_ID: "bad id/../x" }, "h", /ALTER_VAULT_INSTANCE_ID must be .* got "bad id\/..\/x"/],
    [{ ALTER_VAULT_INSTANCE_ID: "x".repeat(101) }, "h", /ALTER_VAULT_INSTANCE_ID must be 1-100 characters/],
  ];
  it.each(CASES)("env %j on host %j: %s", (env, host, want) => {
    if (typeof want === "string") expect(auditChainId(env, host)).toBe(want);
    else expect(() => auditChainId(env, host)).toThrow(want);
  });

  it("two processes given the same id share one chain that stays unbroken and attested", async () => {
    const owner = await suite.cluster.createDatabase();
    await migratePostgres({ url: owner, runtimeRole: RUNTIME });
    const url = asRole(owner, RUNTIME, "runtime-pw");
    const open = async () => {
      const store = await track(await postgresStore(url, crypto, { auditChain: "same-id" }));
      return { store, log: await openAuditLog({ dataDir: tmp.dir, store, crypto }) };
    };
    const [a, b] = [await open(), await open()];
    const rows = (log: AuditLog, tag: string) =>
      Array.from({ length: 150 }, (_, i) => (i % 4 === 0 ? log.settled(log.write({ action: "admin", outcome: "success", runId: `${tag}${i}` })) : log.commit({ action: "admin", outcome: "success", runId: `${tag}${i}` })));
    await Promise.all([...rows(a.log, "a"), ...rows(b.log, "b")]);
    expect(await a.store.audit.verify()).toMatchObject({ chain: "same-id", rows: 300, problems: [] });
    expect(await a.store.audit.checkpoint()).toMatchObject(await a.store.audit.head());
  });
});

// `vault audit` on PostgreSQL lists every instance's chain in one listing (vault/audit/read-store.ts),
// against a real server: ordered by time (then chain, then seq) both ways, each row naming its
// chain, filters applied, and pages joined by the cursor return every row exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asRole, startPostgres, type PgCluster } from "../../support/postgres.js";
import { postgresStore, type Store } from "../../../vault/storage/store/index.js";
import { migratePostgres } from "../../../vault/storage/sql/pg-migrate.js";
import { openAuditLog } from "../../../vault/audit/open.js";
import { auditCursorAfter, decodeAuditCursor, iterateChainsAuditRows } from "../../../vault/audit/read-store.js";
import type { AuditQuery } from "../../../vault/audit/read.js";
import type { AuditRow } from "../../../vault/audit/writer.js";
import { crypto } from "./conformance.js";

const RUNTIME = "vault_runtime";
let cluster: PgCluster;
const stores: Store[] = [];
let store: Store;

const T0 = Date.parse("2026-12-01T10:00:00.000Z");

beforeAll(async () => {
  cluster = await startPostgres();
  await cluster.sql("postgres", `CREATE ROLE ${RUNTIME} LOGIN PASSWORD 'runtime-pw'`);
  const owner = await cluster.createDatabase();
  await migratePostgres({ url: owner, runtimeRole: RUNTIME });
  const url = asRole(owner, RUNTIME, "runtime-pw");
  // Instance a writes at even seconds, b at odd ones: the listing interleaves the chains.
  for (const [chain, offset] of [["instance-a", 0], ["instance-b", 1]] as const) {
    const s = await postgresStore(url, crypto, { auditChain: chain });
    stores.push(s);
    let second = offset;
    const log = await openAuditLog({ dataDir: "/nonexistent", store: s, crypto, now: () => T0 + second * 1000 });
    for (let k = 0; k < 10; k++, second = 2 * k + offset) await log.commit({ action: k % 2 ? "proxy.call" : "credential.retrieve", outcome: "success", runId: `${chain}-${k}` });
  }
  store = stores[0]!;
}, 120_000);

afterAll(async () => {
  for (const s of stores) await s.close().catch(() => {});
  await cluster?.stop();
});

async function list(q: AuditQuery): Promise<AuditRow[]> {
  const out: AuditRow[] = [];
  for await (const r of iterateChainsAuditRows(store.audit, q)) out.push(r);
  return out;
}

const label = (r: AuditRow) => `${r.chain}:${r.seq}`;

describe("PostgreSQL: vault audit lists every chain", () => {
  // [order, the first four rows]
  const ORDERS = [
    ["oldest-first", ["instance-a:1", "instance-b:1", "instance-a:2", "instance-b:2"]],
    ["newest-first", ["instance-b:10", "instance-a:10", "instance-b:9", "instance-a:9"]],
  ] as const;

  it.each(ORDERS)("%s: ordered by time across chains, each row naming its chain", async (order, first) => {
    const rows = await list({ order });
    expect(rows).toHaveLength(20);
    expect(rows.slice(0, 4).map(label)).toEqual(first);
    const times = rows.map((r) => r.time);
    expect(times).toEqual([...times].sort((a, b) => (order === "oldest-first" ? a.localeCompare(b) : b.localeCompare(a))));
    expect(rows.find((r) => label(r) === "instance-b:1")).toMatchObject({ action: "credential.retrieve", outcome: "success", runId: "instance-b-0", details: null });
  });

  it.each(ORDERS)("%s: pages of 3 joined by the cursor give every row once", async (order) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await list({ order, limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.map(label));
      if (page.length < 3) break;
      cursor = auditCursorAfter(page.at(-1)!);
    }
    expect(seen).toEqual((await list({ order })).map(label));
  });

  // [filter, the rows it keeps]
  const FILTERS: [AuditQuery, string[]][] = [
    [{ runId: "instance-b-3" }, ["instance-b:4"]],
    [{ action: "proxy.call", since: "2026-12-01T10:00:10.000Z", until: "2026-12-01T10:00:16.000Z" }, ["instance-a:6", "instance-b:6", "instance-a:8", "instance-b:8"]],
  ];

  it.each(FILTERS)("filters %j", async (q, want) => {
    expect((await list({ ...q, order: "oldest-first" })).map(label)).toEqual(want);
  });

  it("a cursor this vault did not print is a usage error naming the flag", () => {
    expect(() => decodeAuditCursor("not-a-cursor")).toThrow(/--cursor not-a-cursor is not a cursor/);
  });
});

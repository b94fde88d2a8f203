// Per-chain signed checkpoints on PostgreSQL (migration 092, vault/audit/checkpoint-rows.ts),
// against a real server: each appending transaction rewrites its chain's checkpoint row; the
// running vault's role cannot move a checkpoint back or remove it; rows the owner deletes or
// rewrites (hashes recomputed) are found by verification against the checkpoint; a log whose
// checkpoint does not hold is not attested again on the next open; and verification covers every
// chain, naming each.
import { describe, expect, it } from "vitest";
import { asRole, queryRows } from "../../support/postgres.js";
import { pgSuite, RUNTIME_ROLE } from "../../support/pg-suite.js";
import { postgresStore } from "../../../vault/storage/store/index.js";
import { migratePostgres } from "../../../vault/storage/sql/pg-migrate.js";
import { openAuditLog } from "../../../vault/audit/open.js";
import { readChainCheckpoint } from "../../../vault/audit/checkpoint-rows.js";
import { verifyStoreAudit } from "../../../vault/audit/verify-store.js";
import { genesisHash, rowHash, type ChainRow } from "../../../vault/crypto/audit-chain.js";
import { AtRest } from "../../../vault/crypto/at-rest.js";
import { crypto } from "./conformance.js";
import { checkAuditAtStart } from "../../../vault/audit/startup.js";
import type { OpenedVault } from "../../../vault/context.js";

const RUNTIME = RUNTIME_ROLE;
const suite = pgSuite();
const stores = suite.stores;

async function fresh(): Promise<{ owner: string; runtime: string }> {
  const owner = await suite.cluster.createDatabase();
  await migratePostgres({ url: owner, runtimeRole: RUNTIME });
  return { owner, runtime: asRole(owner, RUNTIME, "runtime-pw") };
}

async function instance(url: string, chain: string) {
  const store = await postgresStore(url, crypto, { auditChain: chain });
  stores.push(store);
  return { store, log: await openAuditLog({ dataDir: "/nonexistent", store, crypto }) };
}

async function writeRows(log: Awaited<ReturnType<typeof instance>>["log"], n: number, tag = "r"): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => log.commit({ action: "admin", outcome: "success", runId: `${tag}${i}` })));
  await log.drain();
}

describe("PostgreSQL: per-chain signed checkpoints", () => {
  it("each appending transaction leaves the chain's checkpoint at its head, signed", async () => {
    const { runtime } = await fresh();
    const a = await instance(runtime, "instance-a");
    await writeRows(a.log, 40);
    const id = a.log.write({ action: "admin", outcome: "success", runId: "w" });
    await a.log.settled(id);
    const state = await readChainCheckpoint(a.store.audit, crypto);
    expect(state).toMatchObject({ status: "ok", checkpoint: await a.store.audit.head() });
    // Another master key reads no valid checkpoint.
    expect(await readChainCheckpoint(a.store.audit, new AtRest(Buffer.alloc(32, 9)))).toEqual({ status: "invalid" });
    const report = await verifyStoreAudit(a.store, crypto, "/nonexistent");
    expect([report.rows, report.firstBroken, report.chains!.map((c) => [c.chain, c.checkpoint?.seq])]).toEqual([41, null, [["instance-a", 41]]]);
  });

  it("the running vault's role cannot move a checkpoint back, remove it or truncate the table", async () => {
    const { runtime } = await fresh();
    const a = await instance(runtime, "instance-a");
    await writeRows(a.log, 3);
    for (const sql of ["UPDATE audit_checkpoints SET seq = 1", "DELETE FROM audit_checkpoints", "TRUNCATE audit_checkpoints", "UPDATE audit_checkpoints SET chain = 'x'"]) {
      await expect(queryRows(runtime, sql), sql).rejects.toThrow(/only move forward|permission denied|append-only/);
    }
    expect((await readChainCheckpoint(a.store.audit, crypto)).status).toBe("ok");
  });

  // [what the owner does to chain instance-a, with its triggers disabled; the problem verify
  //  reports; does the next open still attest new rows (only while the row the checkpoint names
  //  still has its hash, as on SQLite: the damage stays visible either way)]
  const DAMAGE: [string, string, boolean, (owner: string) => Promise<void>][] = [
    ["deletes the last rows", "checkpoint_ahead", false, (o) => ownerSql(o, "DELETE FROM audit WHERE chain = 'instance-a' AND seq > 8")],
    ["deletes a row in the middle", "missing_rows", true, (o) => ownerSql(o, "DELETE FROM audit WHERE chain = 'instance-a' AND seq = 4")],
    ["rewrites a row and recomputes every hash after it", "checkpoint_mismatch", false, rewriteAndRehash],
    ["deletes the checkpoint row", "checkpoint_missing", false, (o) => ownerSql(o, "DELETE FROM audit_checkpoints WHERE chain = 'instance-a'")],
  ];

  it.each(DAMAGE)("when the owner %s, verification finds it (%s); the next open attests new rows: %s", async (_what, kind, attested, damage) => {
    const { owner, runtime } = await fresh();
    const a = await instance(runtime, "instance-a");
    const b = await instance(runtime, "instance-b");
    await Promise.all([writeRows(a.log, 10, "a"), writeRows(b.log, 5, "b")]);
    await ownerSql(owner, "ALTER TABLE audit DISABLE TRIGGER audit_no_update; ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoint_forward");
    await damage(owner);
    const report = await verifyStoreAudit(a.store, crypto, "/nonexistent");
    expect(report.firstBroken).toMatchObject({ kind });
    expect(report.firstBroken!.message).toMatch(/^chain "instance-a": /);
    expect(report.chains!.map((c) => [c.chain, c.firstBroken === null])).toEqual([
      ["instance-a", false],
      ["instance-b", true],
    ]);
    // Reopened over the damage, the instance writes rows; it attests them only if the checkpoint holds.
    const before = await a.store.audit.checkpoint();
    const again = await instance(runtime, "instance-a");
    await writeRows(again.log, 2, "later");
    const after = await again.store.audit.checkpoint();
    if (attested) expect(after).toMatchObject({ ...(await again.store.audit.head()) });
    else expect(after).toEqual(before);
    expect((await verifyStoreAudit(a.store, crypto, "/nonexistent")).firstBroken).not.toBeNull();
  });
});

async function ownerSql(owner: string, sql: string): Promise<void> {
  for (const s of sql.split(";")) if (s.trim()) await queryRows(owner, s);
}

/** Changes row 5 of instance-a and recomputes the hash of it and every row after it (no master key needed). */
async function rewriteAndRehash(owner: string): Promise<void> {
  const rows = await queryRows<ChainRow & { hash: string }>(owner, "SELECT * FROM audit WHERE chain = 'instance-a' ORDER BY seq");
  let prev = genesisHash("instance-a");
  for (const row of rows) {
    if (Number(row.seq) === 5) row.run_id = "rewritten";
    const hash = rowHash(prev, { ...row, seq: Number(row.seq) });
    await queryRows(owner, "UPDATE audit SET run_id = $1, hash = $2 WHERE chain = 'instance-a' AND seq = $3", [row.run_id, hash, row.seq]);
    prev = hash;
  }
}

describe("PostgreSQL: the start-up check and the operator's override", () => {
  it("refuses a damaged chain; --accept-audit-damage writes a signed override row and a fresh checkpoint, and attests again", async () => {
    const { owner, runtime } = await fresh();
    const a = await instance(runtime, "instance-a");
    await writeRows(a.log, 10);
    await ownerSql(owner, "ALTER TABLE audit DISABLE TRIGGER audit_no_update");
    await ownerSql(owner, "DELETE FROM audit WHERE chain = 'instance-a' AND seq > 7");
    const again = await instance(runtime, "instance-a");
    const state = { ...again, audit: again.log, crypto, dataDir: "/nonexistent", app: { id: "app-1" }, now: Date.now } as unknown as OpenedVault;
    const log: string[] = [];
    await expect(checkAuditAtStart(state, { log: (l) => log.push(l) })).rejects.toThrow(/rows 8-10 are missing.*Nothing was served/);
    await checkAuditAtStart(state, { acceptDamage: true, log: (l) => log.push(l) });
    expect(log.join("\n")).toMatch(/serving over a damaged audit log .* recorded as audit row 11/);
    await writeRows(again.log, 2, "after");
    const report = await verifyStoreAudit(again.store, crypto, "/nonexistent");
    expect([report.firstBroken, report.acknowledged, report.chains![0]!.checkpoint?.seq, report.chains![0]!.head.seq]).toEqual([null, 1, 13, 13]);
    expect(report.overrides).toMatchObject([{ seq: 11, problemCount: 1 }]);
    // The override is signed: the same row rewritten by the owner acknowledges nothing.
    await ownerSql(owner, `UPDATE audit SET details = replace(details, '"problemCount":1', '"problemCount":2') WHERE chain = 'instance-a' AND seq = 11`);
    expect((await verifyStoreAudit(again.store, crypto, "/nonexistent")).firstBroken).not.toBeNull();
  });
});

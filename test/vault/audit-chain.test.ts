// The audit log is tamper-evident: each way of damaging it is found by `vault audit verify` (the
// first broken link, with its row) and by start-up, which refuses to serve until an operator
// accepts the damage; the acceptance is itself a signed audit row, and seq numbers never repeat.
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, createApiKey, initVault, issueGrant, readAudit, startVault, verifyAudit } from "../../vault/index.js";
import { genesisHash, HASHED_COLUMNS, rowHash, type ChainRow } from "../../vault/crypto/audit-chain.js";
import { openDatabase } from "../../vault/storage/db.js";
import { call, tempDir } from "./helpers.js";
import { openSealingOn } from "../../vault/crypto/open-sealing.js";
import { SqliteDriver } from "../../vault/storage/sql/sqlite-driver.js";
import { CheckpointFile } from "../../vault/audit/checkpoint.js";

let tmp: ReturnType<typeof tempDir>;
let base: string;
let head: number;

beforeAll(async () => {
  tmp = tempDir();
  base = join(tmp.dir, "base");
  const init = await initVault({ dataDir: base, env: {} });
  const s = await addManagedSecret({ dataDir: base, provider: "github", value: "ghp_chain_CANARY" });
  const { grantId } = await issueGrant({ dataDir: base, secretId: s.id, principal: "system" });
  const running = await startVault({ dataDir: base, port: 0, env: {} });
  try {
    for (let i = 0; i < 12; i++) {
      const res = await call({ url: running.url, apiKey: init.apiKey } as never, "POST", "/v1/credentials/retrieve", {
        grant: { grantId },
        provider: "github",
        request: { method: "GET", url: "https://api.github.com/user" },
        context: { runId: `r${i}` },
      });
      expect(res.status).toBe(200);
    }
  } finally {
    await running.close();
  }
  head = (await readAudit({ dataDir: base })).at(-1)!.seq;
});
afterAll(() => tmp.remove());

let n = 0;
function copy(): string {
  const dir = join(tmp.dir, `case-${n++}`);
  cpSync(base, dir, { recursive: true });
  return dir;
}

/** A SQL shell on the file, as someone with access to the data folder has. */
function tamper(dir: string, fn: (db: Database.Database) => void): void {
  const db = new Database(join(dir, "vault.db"));
  try {
    db.exec("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;");
    fn(db);
  } finally {
    db.close();
  }
}

const cols = [...HASHED_COLUMNS];
const rowAt = (db: Database.Database, seq: number) => db.prepare(`SELECT ${cols.join(", ")}, hash FROM audit WHERE seq = ?`).get(seq) as ChainRow & { hash: string };

/** Recomputes every hash from `from` on, as an attacker without the master key can. */
function rehash(db: Database.Database, from: number): void {
  let prev = from === 1 ? genesisHash() : rowAt(db, from - 1).hash;
  for (const r of db.prepare(`SELECT ${cols.join(", ")} FROM audit WHERE seq >= ? ORDER BY seq`).all(from) as ChainRow[]) {
    prev = rowHash(prev, r);
    db.prepare("UPDATE audit SET hash = ? WHERE seq = ?").run(prev, r.seq);
  }
}

interface Case {
  name: string;
  damage: (dir: string) => void;
  kind: string;
  seq: () => number;
}

const cases: Case[] = [
  {
    name: "a row's contents changed",
    damage: (d) => tamper(d, (db) => db.prepare("UPDATE audit SET url = 'https://elsewhere.test/' WHERE seq = 5").run()),
    kind: "hash_mismatch",
    seq: () => 5,
  },
  {
    name: "a row deleted",
    damage: (d) => tamper(d, (db) => db.prepare("DELETE FROM audit WHERE seq = 6").run()),
    kind: "missing_rows",
    seq: () => 6,
  },
  {
    name: "two rows re-ordered (contents swapped, seq kept)",
    damage: (d) =>
      tamper(d, (db) => {
        const a = rowAt(db, 7);
        const b = rowAt(db, 8);
        const set = db.prepare(`UPDATE audit SET ${[...cols.slice(1), "hash"].map((c) => `${c} = @${c}`).join(", ")} WHERE seq = @target`);
        set.run({ ...a, id: "tmp", target: 8 });
        set.run({ ...b, target: 7 });
        db.prepare("UPDATE audit SET id = ? WHERE seq = 8").run(a.id);
      }),
    kind: "hash_mismatch",
    seq: () => 7,
  },
  {
    name: "a row changed and every later hash recomputed",
    damage: (d) =>
      tamper(d, (db) => {
        db.prepare("UPDATE audit SET reason = 'rewritten' WHERE seq = 4").run();
        rehash(db, 4);
      }),
    kind: "checkpoint_mismatch",
    seq: () => head,
  },
  {
    name: "the newest rows gone (a restored or rolled-back database)",
    damage: (d) => tamper(d, (db) => db.prepare("DELETE FROM audit WHERE seq > ?").run(head - 3)),
    kind: "checkpoint_ahead",
    seq: () => head - 2,
  },
  {
    name: "the checkpoint file deleted",
    damage: (d) => rmSync(join(d, "audit.checkpoint")),
    kind: "checkpoint_missing",
    seq: () => head,
  },
  {
    name: "the checkpoint file's signatures forged",
    damage: (d) => {
      const text = readFileSync(join(d, "audit.checkpoint"), "utf8").replace(/"mac":"[0-9a-f]{64}"/g, `"mac":"${"0".repeat(64)}"`);
      writeFileSync(join(d, "audit.checkpoint"), text);
    },
    kind: "checkpoint_invalid",
    seq: () => head,
  },
  {
    name: "a forged override appended to hide a changed row",
    damage: (d) =>
      tamper(d, (db) => {
        db.prepare("UPDATE audit SET reason = 'nothing to see' WHERE seq = 3").run();
        const last = rowAt(db, head);
        const forged = { ...last, seq: head + 1, id: "forged", action: "audit.override", details: JSON.stringify({ command: "start --accept-audit-damage", mac: "0".repeat(64) }) };
        const hash = rowHash(last.hash, forged);
        db.prepare(`INSERT INTO audit (${cols.join(", ")}, hash) VALUES (${cols.map((c) => "@" + c).join(", ")}, @hash)`).run({ ...forged, hash });
      }),
    kind: "hash_mismatch",
    seq: () => 3,
  },
];

describe("a damaged audit log", () => {
  it.each(cases)("$name: verify names the first broken link, start-up refuses, an override is recorded", async (c) => {
    const dir = copy();
    expect((await verifyAudit({ dataDir: dir })).firstBroken).toBeNull();
    c.damage(dir);

    const report = await verifyAudit({ dataDir: dir });
    expect(report.firstBroken).toMatchObject({ kind: c.kind, seq: c.seq() });
    expect(report.firstBroken!.message).toMatch(new RegExp(`row ${c.seq()}|rows ${c.seq()}-`));
    await expect(startVault({ dataDir: dir, port: 0, env: {} })).rejects.toThrow(/audit log .* is damaged: .*--accept-audit-damage/);

    const warnings: string[] = [];
    const running = await startVault({ dataDir: dir, port: 0, env: {}, acceptAuditDamage: true, log: (l) => warnings.push(l) });
    await running.close();
    expect(warnings.join("\n")).toMatch(/WARNING: serving over a damaged audit log/);
    const rows = await readAudit({ dataDir: dir, action: "audit.override" });
    const override = rows.at(-1)!;
    expect(override.details).toMatchObject({ command: "start --accept-audit-damage", problems: expect.arrayContaining([expect.objectContaining({ kind: c.kind, seq: c.seq() })]) });
    // Nothing the damaged log held or the checkpoint attested gets its number reused.
    expect(override.seq).toBeGreaterThan(head);

    const after = await verifyAudit({ dataDir: dir });
    expect(after.firstBroken).toBeNull();
    // Damage in the chain stays visible as accepted; a replaced checkpoint is history, kept in
    // the override row that the report lists.
    if (!c.kind.startsWith("checkpoint_")) expect(after.acknowledged).toBeGreaterThanOrEqual(1);
    expect(after.problems.every((p) => p.acknowledgedBy === override.seq)).toBe(true);
    expect(after.overrides).toEqual([{ seq: override.seq, time: override.time, problemCount: override.details!.problemCount }]);
    // The next start needs no flag; new damage after the override would be refused again.
    const again = await startVault({ dataDir: dir, port: 0, env: {} });
    await again.close();
  });

  it("a healthy log starts without a warning and verifies from the CLI's function", async () => {
    const dir = copy();
    const logs: string[] = [];
    const running = await startVault({ dataDir: dir, port: 0, env: {}, log: (l) => logs.push(l) });
    await running.close();
    expect(logs).toEqual([]);
    const r = await verifyAudit({ dataDir: dir });
    expect(r).toMatchObject({ firstBroken: null, unacknowledged: 0, unattested: 0, rows: head });
    expect(r.checkpoint!.seq).toBe(head);
  });
});

describe("attesting before answering", () => {
  it("a row a route writes inside its own transaction is checkpointed by the time the caller has the answer", async () => {
    const dir = copy();
    // The vault's own sealing object: its MAC root is in the database, not derived from the key file.
    const keyDb = openDatabase(join(dir, "vault.db"));
    const key = await openSealingOn(new SqliteDriver(keyDb), dir, {}, { follow: false });
    keyDb.close();
    const apiKey = (await createApiKey({ dataDir: dir, label: "issuer" })).apiKey;
    const secretId = (await readAudit({ dataDir: dir, action: "admin" })).map((r) => r.details as { command: string; secretId?: string }).find((d) => d.secretId)?.secretId;
    expect(secretId).toBeDefined();
    const running = await startVault({ dataDir: dir, port: 0, env: {} });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await call({ url: running.url, apiKey } as never, "POST", "/v1/grants", { managedSecretId: secretId, principal: { type: "system", label: `g${i}` } });
        expect(res.status).toBe(201);
        // Read at once, while the server may still be between turns of its event loop.
        const cp = new CheckpointFile(dir, key).read();
        const db = new Database(join(dir, "vault.db"), { readonly: true });
        const row = db.prepare("SELECT seq, hash FROM audit WHERE action = 'grant.issue' AND grant_id = ?").get(res.json.grant.grantId) as { seq: number; hash: string };
        db.close();
        expect(cp).toMatchObject({ status: "ok", checkpoint: { seq: row.seq, hash: row.hash } });
      }
    } finally {
      await running.close();
    }
  });
});

describe("a vault created before the chain", () => {
  it("gets its rows hashed and a first checkpoint when the migration runs", async () => {
    const dir = copy();
    rmSync(join(dir, "audit.checkpoint"));
    const db = openDatabase(join(dir, "vault.db"));
    db.exec(`DROP INDEX audit_by_run; DROP INDEX audit_by_key; DROP INDEX audit_by_action;
      ALTER TABLE audit DROP COLUMN hash; DELETE FROM schema_migrations WHERE version IN (10, 11);`);
    db.close();
    const r = await verifyAudit({ dataDir: dir });
    expect(r).toMatchObject({ firstBroken: null, rows: head });
    expect(r.checkpoint!.seq).toBe(head);
    await createApiKey({ dataDir: dir, label: "after the upgrade" });
    expect(await verifyAudit({ dataDir: dir })).toMatchObject({ firstBroken: null, rows: head + 1, unattested: 0 });
  });
});

// Master-key rotation re-seals every sealed column: the list is checked against the migrated
// schema (a new `*_sealed` column cannot be forgotten), a canary sealed into every listed column
// comes out re-sealed, approver links survive a rotation, and what an interrupted rotation leaves
// behind is settled on the next open.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { addManagedSecret, approverLink, initVault, issueGrant, rotateMasterKey, startVault, verifyAudit } from "../support/vault-admin.js";
import { openVaultState } from "../../vault/state.js";
import { AtRest } from "../../vault/crypto/at-rest.js";
import { sealedColumns } from "../../vault/crypto/sealed-columns.js";
import { openDatabase } from "../../vault/storage/db.js";
import { call, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.remove());

let n = 0;
async function freshVault(): Promise<{ dataDir: string; apiKey: string }> {
  const dataDir = join(tmp.dir, `v${n++}`);
  const init = await initVault({ dataDir, env: {} });
  return { dataDir, apiKey: init.apiKey };
}

const keyOf = (dataDir: string) => new AtRest(Buffer.from(readFileSync(join(dataDir, "master.key"), "utf8").trim(), "base64url"));

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: unknown;
  pk: number;
}

function schemaColumns(db: Database.Database): Map<string, ColumnInfo[]> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
  return new Map(tables.map((t) => [t.name, db.prepare(`PRAGMA table_info(${t.name})`).all() as ColumnInfo[]]));
}

describe("the list of sealed columns", () => {
  it("names every column of the migrated schema called `sealed` or `*_sealed`, and nothing that does not exist", () => {
    const db = openDatabase(join(tmp.dir, "schema.db"));
    try {
      const schema = schemaColumns(db);
      const listed = new Set(sealedColumns.map((c) => `${c.table}.${c.column}`));
      const found = [...schema].flatMap(([table, cols]) => cols.filter((c) => c.name === "sealed" || c.name.endsWith("_sealed")).map((c) => `${table}.${c.name}`));
      expect(found.filter((c) => !listed.has(c))).toEqual([]);
      for (const c of sealedColumns) {
        const cols = schema.get(c.table)?.map((x) => x.name) ?? [];
        expect(cols, `${c.table}.${c.column}`).toContain(c.column);
        expect(cols, `${c.table}.${c.idColumn}`).toContain(c.idColumn);
      }
    } finally {
      db.close();
    }
  });

  it("rotation re-seals a canary put into every listed column", async () => {
    const { dataDir } = await freshVault();
    const oldKey = keyOf(dataDir);
    const canaries: { table: string; column: string; purpose: string; id: string; plain: string }[] = [];
    const db = new Database(join(dataDir, "vault.db"));
    try {
      // Rows made from the schema alone: any value where a column needs one; constraints that
      // would need real parents or states are not what this test is about.
      db.pragma("foreign_keys = OFF");
      db.pragma("ignore_check_constraints = ON");
      const schema = schemaColumns(db);
      const byTable = new Map<string, typeof sealedColumns>();
      for (const c of sealedColumns) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
      for (const [table, cols] of byTable) {
        const id = table === "meta" ? "sealed:canary" : `canary-${table}`;
        const row: Record<string, unknown> = {};
        for (const c of schema.get(table)!) {
          if (c.notnull && c.dflt_value === null) row[c.name] = /INT/i.test(c.type) ? 1 : `x-${table}-${c.name}`;
        }
        row[cols[0]!.idColumn] = id;
        for (const c of cols) {
          const plain = `CANARY ${c.table}.${c.column}`;
          row[c.column] = oldKey.seal(c.purpose, id, plain);
          canaries.push({ table, column: c.column, purpose: c.purpose, id, plain });
        }
        const names = Object.keys(row);
        db.prepare(`INSERT INTO ${table} (${names.join(", ")}) VALUES (${names.map((k) => "@" + k).join(", ")})`).run(row);
      }
    } finally {
      db.close();
    }
    expect(canaries.length).toBe(sealedColumns.length);

    const r = await rotateMasterKey({ dataDir, env: {} });
    expect(r.resealed).toBeGreaterThanOrEqual(canaries.length);
    const newKey = keyOf(dataDir);
    const after = new Database(join(dataDir, "vault.db"), { readonly: true });
    try {
      for (const c of canaries) {
        const idColumn = sealedColumns.find((s) => s.table === c.table)!.idColumn;
        const { v } = after.prepare(`SELECT ${c.column} AS v FROM ${c.table} WHERE ${idColumn} = ?`).get(c.id) as { v: string };
        expect(newKey.open(c.purpose, c.id, v).toString("utf8"), `${c.table}.${c.column}`).toBe(c.plain);
        expect(() => oldKey.open(c.purpose, c.id, v), `${c.table}.${c.column}`).toThrow(/does not open/);
      }
    } finally {
      after.close();
    }
    // The audit checkpoint was re-signed with the new key.
    expect((await verifyAudit({ dataDir })).firstBroken).toBeNull();
  });
});

describe("approver links across a rotation", () => {
  it("the same link is printed after the rotation and still opens the approval page", async () => {
    const { dataDir, apiKey } = await freshVault();
    const s = await addManagedSecret({ dataDir, provider: "github", value: "ghp_approver_CANARY" });
    const { grantId } = await issueGrant({ dataDir, secretId: s.id, principal: "system", policy: { requireApproval: true } });
    let running = await startVault({ dataDir, port: 0, env: {} });
    let approvalId: string;
    try {
      const res = await call({ url: running.url, apiKey } as never, "POST", "/v1/proxy", {
        grant: { grantId },
        provider: "github",
        request: { method: "GET", url: "https://api.github.com/user", headers: {}, body: null },
      });
      expect(res.json.error.code).toBe("approval_required");
      approvalId = res.json.error.details.approvalId;
    } finally {
      await running.close();
    }
    const before = await approverLink({ dataDir, approvalId, baseUrl: "http://vault.test" });
    await rotateMasterKey({ dataDir, env: {} });
    const after = await approverLink({ dataDir, approvalId, baseUrl: "http://vault.test" });
    expect(after).toBe(before);

    running = await startVault({ dataDir, port: 0, env: {} });
    try {
      const page = await request(after.replace("http://vault.test", running.url));
      const html = await page.body.text();
      expect(page.statusCode).toBe(200);
      expect(html).toContain(approvalId);
      expect(html).toMatch(/approve/i);
    } finally {
      await running.close();
    }
  });
});

describe("what an interrupted rotation leaves behind", () => {
  const open = async (dataDir: string) => (await openVaultState(dataDir, { env: {} })).close();

  it("a pending key of a rotation that never committed is removed; the data keeps its key", async () => {
    const { dataDir } = await freshVault();
    const key = readFileSync(join(dataDir, "master.key"), "utf8");
    writeFileSync(join(dataDir, "master.key.new"), Buffer.alloc(32, 5).toString("base64url") + "\n", { mode: 0o600 });
    await open(dataDir);
    expect(readdirSync(dataDir)).not.toContain("master.key.new");
    expect(readFileSync(join(dataDir, "master.key"), "utf8")).toBe(key);
  });

  it("temporary key files of dead processes are removed, a live process's are kept", async () => {
    const { dataDir } = await freshVault();
    const dead = 2 ** 22 + 12345; // above pid_max's default range: no such process
    const live = process.pid;
    for (const f of [`master.key.tmp-${dead}`, `master.key.new.tmp-${dead}`, `master.key.tmp-${live}`]) writeFileSync(join(dataDir, f), "x\n", { mode: 0o600 });
    await open(dataDir);
    const files = readdirSync(dataDir);
    expect(files).not.toContain(`master.key.tmp-${dead}`);
    expect(files).not.toContain(`master.key.new.tmp-${dead}`);
    expect(files).toContain(`master.key.tmp-${live}`);
  });

  it("nothing is touched and no server starts while a live rotation holds the lock; a dead rotation's lock is taken over", async () => {
    const { dataDir } = await freshVault();
    const pending = join(dataDir, "master.key.new");
    writeFileSync(pending, Buffer.alloc(32, 6).toString("base64url") + "\n", { mode: 0o600 });
    writeFileSync(join(dataDir, "master.key.lock"), `${process.pid}\n`);
    await open(dataDir);
    expect(existsSync(pending)).toBe(true);
    await expect(rotateMasterKey({ dataDir, env: {} })).rejects.toThrow(/rotation .* is in progress/);
    await expect(startVault({ dataDir, port: 0, env: {} })).rejects.toThrow(/rotation .* is in progress/);
    writeFileSync(join(dataDir, "master.key.lock"), `${2 ** 22 + 54321}\n`);
    await open(dataDir);
    expect(existsSync(pending)).toBe(false);
    expect(existsSync(join(dataDir, "master.key.lock"))).toBe(false);
  });
});

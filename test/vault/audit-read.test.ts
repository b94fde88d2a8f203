// `vault audit` on a large log: every documented filter is answered from an index (checked with
// EXPLAIN QUERY PLAN, for each filter option the command declares), output is streamed newest
// first with --reverse and --cursor paging, and 200k rows print without exhausting the stack.
import { spawn } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initVault, readAudit, streamAudit } from "../../vault/index.js";
import { auditQuerySql } from "../../vault/audit/read.js";
import { auditQueryFromFlags } from "../../vault/cli/audit.js";
import { registerVaultCommands } from "../../vault/cli/index.js";
import { tempDir } from "./helpers.js";

const ROOT = join(import.meta.dirname, "../..");
const ROWS = 200_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
let initRows: number;

beforeAll(async () => {
  tmp = tempDir();
  dataDir = join(tmp.dir, "data");
  await initVault({ dataDir, env: {} });
  const db = new Database(join(dataDir, "vault.db"));
  try {
    initRows = (db.prepare("SELECT max(seq) AS n FROM audit").get() as { n: number }).n;
    // Bulk rows made inside SQLite (indexes rebuilt once at the end): one per second of time,
    // 50 grants, 1,000 runs, 3 keys. Their hashes are left out: this suite is about reading.
    const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
    db.transaction(() => {
      for (const i of indexes) db.exec(`DROP INDEX ${i.name}`);
      db.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO audit (seq, id, time, app_id, key_id, action, grant_id, provider, method, url, run_id, remote_address, outcome, status, latency_ms)
         SELECT ? + i, 'bulk-' || i, strftime('%Y-%m-%dT%H:%M:%fZ', ? + i, 'unixepoch'), 'app', 'key' || (i % 3),
           CASE WHEN i % 10 = 0 THEN 'proxy.call' ELSE 'credential.retrieve' END, 'grant-' || (i % 50), 'github', 'GET',
           'https://api.github.com/user', 'run-' || (i % 1000), '127.0.0.1', 'success', 200, 1.5 FROM n`,
      ).run(ROWS, initRows, T0 / 1000);
      for (const i of indexes) db.exec(i.sql);
    })();
  } finally {
    db.close();
  }
}, 60_000);
afterAll(() => tmp.remove());

/** The filter options `vault audit` declares, with a sample value each. */
function declaredFilters(): { flag: string; value: string | undefined }[] {
  const program = new Command();
  registerVaultCommands(program);
  const audit = program.commands.find((c) => c.name() === "vault")!.commands.find((c) => c.name() === "audit")!;
  const notFilters = new Set(["data", "limit", "cursor", "reverse", "json"]);
  const samples: Record<string, string> = { since: "2026-01-02T00:00:00Z", until: "2026-01-02T01:00:00Z" };
  return audit.options
    .map((o) => o.attributeName())
    .filter((name) => !notFilters.has(name))
    .map((flag) => ({ flag, value: samples[flag] ?? "x" }));
}

function plan(q: Parameters<typeof auditQuerySql>[0]): string {
  const db = new Database(join(dataDir, "vault.db"), { readonly: true });
  try {
    const { sql, args } = auditQuerySql(q);
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join("; ");
  } finally {
    db.close();
  }
}

describe("every documented filter uses an index", () => {
  const filters = declaredFilters();

  it("the command declares the filters this suite knows about", () => {
    expect(filters.map((f) => f.flag).sort()).toEqual(["action", "grant", "key", "run", "since", "until"]);
  });

  it.each(filters)("--$flag alone, newest first and --reverse, with a cursor", ({ flag, value }) => {
    for (const extra of [{}, { reverse: true }, { cursor: "100000", limit: "20" }]) {
      const p = plan(auditQueryFromFlags({ [flag]: value, ...extra }));
      expect(p, `--${flag} ${JSON.stringify(extra)}: ${p}`).toMatch(/SEARCH audit USING (COVERING )?INDEX audit_by_\w+/);
      expect(p).not.toMatch(/SCAN audit\b/);
    }
  });

  it("combined filters still search an index", () => {
    const p = plan(auditQueryFromFlags({ grant: "grant-7", since: "2026-01-02T00:00:00Z", action: "proxy.call" }));
    expect(p).toMatch(/SEARCH audit USING INDEX audit_by_grant/);
  });

  it("--since reads only the rows in its range (the time index, then a sort of those rows)", () => {
    expect(plan(auditQueryFromFlags({ since: "2026-01-03T07:00:00Z", limit: "10" }))).toMatch(/SEARCH audit USING INDEX audit_by_time \(time>\?\)/);
  });
});

describe("reading 200k rows", () => {
  it("newest first by default, oldest first with --reverse, and pages that continue where they stopped", async () => {
    const newest = await readAudit({ dataDir, order: "newest-first", limit: 3 });
    expect(newest.map((r) => r.seq)).toEqual([initRows + ROWS, initRows + ROWS - 1, initRows + ROWS - 2]);
    const oldest = await readAudit({ dataDir, order: "oldest-first", limit: 2 });
    expect(oldest.map((r) => r.seq)).toEqual([1, 2]);

    const seen: number[] = [];
    let cursor: number | string | undefined;
    for (let page = 0; page < 3; page++) {
      const r = await streamAudit({ dataDir, order: "newest-first", limit: 4, grantId: "grant-7", ...(cursor !== undefined ? { cursor } : {}) }, (row) => void seen.push(row.seq));
      cursor = r.nextCursor!;
      expect(cursor).toBe(seen.at(-1));
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);

    const recent = await readAudit({ dataDir, since: new Date(T0 + (ROWS - 5) * 1000).toISOString(), until: new Date(T0 + (ROWS + 1) * 1000).toISOString() });
    expect(recent.map((r) => r.id)).toEqual(["bulk-199995", "bulk-199996", "bulk-199997", "bulk-199998", "bulk-199999", "bulk-200000"]);
  });

  it("`vault audit` prints every row as a table and as JSON lines, streamed", async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; lines: number; first: string; last: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "cli/entry.ts"), "vault", "audit", "--data", dataDir, ...args], {
          cwd: ROOT,
          env: { ...process.env, ALTER_VAULT_MASTER_KEY: "" },
        });
        let lines = 0;
        let first = "";
        let tail = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => {
          const text = tail + d.toString();
          const parts = text.split("\n");
          tail = parts.pop()!;
          if (!first && parts.length > 1) first = parts[1]!;
          lines += parts.length;
          if (parts.length) last = parts.at(-1)!;
        });
        let last = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.once("close", (code) => resolve({ code, lines, first, last, stderr }));
      });
    const table = await run([]);
    expect(table.stderr).toBe("");
    expect(table.code).toBe(0);
    expect(table.lines).toBe(ROWS + initRows + 1);
    expect(table.first).toMatch(new RegExp(`^${initRows + ROWS}\\s+2026-01-03T07:33:20.000Z\\s+proxy.call\\s+success\\s+200\\s+grant-0`));
    expect(table.last).toMatch(/^1\s+.*admin/);

    const page = await run(["--json", "--limit", "2", "--reverse", "--cursor", String(initRows)]);
    expect(page.code).toBe(0);
    expect(page.lines).toBe(2);
    expect(JSON.parse(page.last)).toMatchObject({ seq: initRows + 2, id: "bulk-2" });
    expect(page.stderr).toBe(`next page: --cursor ${initRows + 2}\n`);
  }, 60_000);
});

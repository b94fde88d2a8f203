// Migration 073 on a folder made before it: the unused connect_confirmations table and the
// approvals.csrf_token_hash column are gone; every approval row and its other columns are kept,
// and the store reads them as before.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../vault/storage/db.js";
import { migrations } from "../../vault/storage/migrations/index.js";
import { getApproval } from "../../vault/approvals/store.js";
import { sqliteStore } from "../../vault/storage/store/index.js";
import { AtRest } from "../../vault/crypto/at-rest.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir();
afterAll(() => tmp.remove());

const columns = (db: ReturnType<typeof openDatabase>, table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
const tables = (db: ReturnType<typeof openDatabase>) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);

describe("migration 073 (unused CSRF storage)", () => {
  it("drops the table and the column, keeping every approval", async () => {
    const file = join(tmp.dir, "at-072.db");
    const old = openDatabase(file, migrations.filter((m) => m.version < 73));
    expect(tables(old)).toContain("connect_confirmations");
    expect(columns(old, "approvals")).toContain("csrf_token_hash");
    old.prepare("INSERT INTO apps (id, name, created_at) VALUES ('app1', 'old', '2025-01-01T00:00:00Z')").run();
    old.prepare("INSERT INTO grants (id, app_id, provider, principal_type, status, source, created_at) VALUES ('g1', 'app1', 'github', 'system', 'active', 'managed_secret', '2025-01-01T00:00:00Z')").run();
    old
      .prepare(
        `INSERT INTO approvals (id, app_id, grant_id, status, provider, operation_id, method, url_redacted, request_sealed, page_token_hash, csrf_token_hash, created_at, expires_at, asked_by)
         VALUES ('a1', 'app1', 'g1', 'pending', 'github', 'issues/create', 'POST', 'https://api.github.com/repos/o/r/issues', 'sealed', 'hash', 'csrf', '2025-01-01T00:00:00Z', '2025-01-01T01:00:00Z', '["grant"]')`,
      )
      .run();
    old.prepare("INSERT INTO connect_confirmations (session_id, provider, csrf_token_hash, created_at) VALUES ('s1', 'github', 'h', 'now')").run();
    old.close();

    const db = openDatabase(file);
    try {
      expect(tables(db)).not.toContain("connect_confirmations");
      expect(columns(db, "approvals")).not.toContain("csrf_token_hash");
      expect(await getApproval(sqliteStore(db, new AtRest(Buffer.alloc(32, 1))), "a1")).toMatchObject({ id: "a1", grantId: "g1", status: "pending", operationId: "issues/create", method: "POST", askedBy: ["grant"] });
      expect(db.pragma("foreign_key_check")).toEqual([]);
    } finally {
      db.close();
    }
  });
});

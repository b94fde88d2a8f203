// Migration 060 on a folder made before it: the managed_secrets table is rebuilt with `fields`
// allowed, every row and column kept, grants still pointing at their secrets; and on a folder
// that meets it before 006 (which adds policy_floor), nothing breaks either.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../vault/storage/db.js";
import { migrations } from "../../vault/storage/migrations/index.js";
import { getSecret } from "../../vault/storage/secrets.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir();
afterAll(() => tmp.remove());

describe("migration 060 (fields secrets)", () => {
  const cases: [string, { before: (v: number) => boolean; floor: boolean }][] = [
    ["a folder at 055", { before: (v) => v < 60, floor: true }],
    ["a folder that meets 060 before 006", { before: (v) => v < 5 || (v >= 50 && v < 60), floor: false }],
  ];
  it.each(cases)("%s", (name, { before, floor }) => {
    const file = join(tmp.dir, `${name.replace(/\W+/g, "-")}.db`);
    const old = openDatabase(file, migrations.filter((m) => before(m.version)));
    old.prepare("INSERT INTO apps (id, name, created_at) VALUES ('app1', 'old', '2025-01-01T00:00:00Z')").run();
    old.prepare(`INSERT INTO managed_secrets (id, app_id, provider, label, type, sealed, created_at${floor ? ", policy_floor" : ""}) VALUES ('s1', 'app1', 'trello', 'l', 'token', 'x', '2025-01-01T00:00:00Z'${floor ? `, '{"requireApproval":true}'` : ""})`).run();
    old.prepare("INSERT INTO grants (id, app_id, provider, principal_type, status, source, managed_secret_id, created_at) VALUES ('g1', 'app1', 'trello', 'system', 'active', 'managed_secret', 's1', '2025-01-01T00:00:00Z')").run();
    expect(() => old.prepare("INSERT INTO managed_secrets (id, app_id, provider, type, sealed, created_at) VALUES ('s0', 'app1', 'trello', 'fields', 'x', 'now')").run()).toThrow(/CHECK constraint/);
    old.close();

    const db = openDatabase(file);
    try {
      expect(getSecret(db, "app1", "s1")).toMatchObject({ provider: "trello", label: "l", type: "token", policyFloor: floor ? { requireApproval: true } : {} });
      db.prepare("INSERT INTO managed_secrets (id, app_id, provider, type, sealed, created_at) VALUES ('s2', 'app1', 'trello', 'fields', 'x', 'now')").run();
      expect(db.prepare("SELECT managed_secret_id FROM grants WHERE id = 'g1'").get()).toEqual({ managed_secret_id: "s1" });
      expect(db.pragma("foreign_key_check")).toEqual([]);
    } finally {
      db.close();
    }
  });
});

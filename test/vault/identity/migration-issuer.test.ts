// Migration 055: users and group grants get the issuer that vouched for them. Data written by the
// schema before it (version 50) is migrated in place: the configured IDP's issuer, else the last
// `idp set` in the audit log, else NULL (reachable by no token). Foreign keys hold throughout.
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { migrate } from "../../../vault/storage/db.js";
import { migrations } from "../../../vault/storage/migrations/index.js";

const ISSUER_A = "https://idp-a.example.test";
const ISSUER_B = "https://idp-b.example.test";
let db: Database.Database;
afterEach(() => db?.close());

function oldVault(history: "configured" | "removed" | "none"): Database.Database {
  const d = new Database(":memory:");
  d.pragma("foreign_keys = ON");
  migrate(d, migrations.filter((m) => m.version <= 50));
  const at = "2026-01-01T00:00:00.000Z";
  d.prepare("INSERT INTO apps (id, name, created_at) VALUES ('app1', 'default', ?)").run(at);
  if (history === "configured") {
    d.prepare("INSERT INTO idp_configs (app_id, issuer, client_id, discovery, created_at, updated_at) VALUES ('app1', ?, 'c', '{}', ?, ?)").run(ISSUER_A, at, at);
  }
  if (history === "removed") {
    const audit = d.prepare("INSERT INTO audit (id, time, app_id, action, outcome, details) VALUES (?, ?, 'app1', 'admin', 'success', ?)");
    audit.run("a1", at, JSON.stringify({ command: "idp set", issuer: ISSUER_B }));
    audit.run("a2", at, JSON.stringify({ command: "idp set", issuer: ISSUER_A }));
    audit.run("a3", at, JSON.stringify({ command: "idp remove", issuer: ISSUER_A }));
  }
  d.prepare("INSERT INTO users (id, app_id, subject, created_at, last_seen_at) VALUES ('u1', 'app1', 'alice', ?, ?)").run(at, at);
  d.prepare("INSERT INTO user_groups (user_id, group_id, seen_at) VALUES ('u1', 'eng', ?)").run(at);
  d.prepare(
    "INSERT INTO connect_sessions (id, app_id, page_token_hash, providers, principal_type, user_id, status, created_at, expires_at) VALUES ('s1', 'app1', 'h', '[]', 'user', 'u1', 'pending', ?, ?)",
  ).run(at, at);
  const grant = d.prepare(
    "INSERT INTO grants (id, app_id, provider, principal_type, principal_id, status, source, created_at) VALUES (?, 'app1', 'github', ?, ?, 'active', 'managed_secret', ?)",
  );
  grant.run("g-user", "user", "u1", at);
  grant.run("g-group", "group", "eng", at);
  grant.run("g-system", "system", null, at);
  return d;
}

const issuers = (d: Database.Database) => ({
  user: (d.prepare("SELECT issuer FROM users WHERE id = 'u1'").get() as { issuer: string | null }).issuer,
  grants: Object.fromEntries((d.prepare("SELECT id, principal_issuer FROM grants ORDER BY id").all() as { id: string; principal_issuer: string | null }[]).map((r) => [r.id, r.principal_issuer])),
});

describe("migration 055 (identity issuer)", () => {
  it.each([
    ["the configured IDP's issuer", "configured", ISSUER_A],
    ["the last `idp set` of the audit log when the IDP was removed", "removed", ISSUER_A],
    ["no issuer at all when none is on record", "none", null],
  ] as const)("binds existing users and group grants to %s", (_name, history, want) => {
    db = oldVault(history);
    migrate(db, migrations);
    expect(issuers(db)).toEqual({ user: want, grants: { "g-group": want, "g-system": null, "g-user": want } });
  });

  it("keeps every row and reference, and foreign keys stay enforced", () => {
    db = oldVault("configured");
    migrate(db, migrations);
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("foreign_key_check")).toEqual([]);
    expect(db.prepare("SELECT subject, last_seen_at FROM users").all()).toEqual([{ subject: "alice", last_seen_at: "2026-01-01T00:00:00.000Z" }]);
    expect(db.prepare("SELECT user_id FROM user_groups").all()).toEqual([{ user_id: "u1" }]);
    expect(db.prepare("SELECT user_id FROM connect_sessions").all()).toEqual([{ user_id: "u1" }]);
    expect(() => db.prepare("INSERT INTO user_groups (user_id, group_id, seen_at) VALUES ('nobody', 'x', 'now')").run()).toThrow(/FOREIGN KEY/);
  });

  it("the same subject at two issuers is two users; at one issuer, one", () => {
    db = oldVault("configured");
    migrate(db, migrations);
    const insert = db.prepare("INSERT INTO users (id, app_id, issuer, subject, created_at) VALUES (?, 'app1', ?, 'alice', 'now')");
    expect(() => insert.run("u2", ISSUER_B)).not.toThrow();
    expect(() => insert.run("u3", ISSUER_A)).toThrow(/UNIQUE/);
  });
});

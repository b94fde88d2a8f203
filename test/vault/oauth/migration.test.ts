// Upgrading a data folder: a provider whose OAuth client was set up before per-provider connect
// callbacks keeps the shared /connect/callback its registration names (so its connects keep
// working), every other provider gets its own callback.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { migrate, openDatabase } from "../../../vault/storage/db.js";
import { migrations } from "../../../vault/storage/migrations/index.js";

const dir = mkdtempSync(join(tmpdir(), "alter-migrate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("051 keeps registered OAuth clients on the shared callback; 052 adds lease holders and cool-downs", () => {
  const db = openDatabase(join(dir, "vault.db"), migrations.filter((m) => m.version <= 50));
  const now = new Date().toISOString();
  db.prepare("INSERT INTO apps (id, name, created_at) VALUES ('app', 'app', ?)").run(now);
  const provider = db.prepare("INSERT INTO providers (app_id, provider, client_id, updated_at) VALUES ('app', ?, ?, ?)");
  provider.run("github", "gh-client", now);
  provider.run("slack", "slack-client", now);
  provider.run("stripe", null, now); // managed secrets only: no OAuth registration
  db.prepare("INSERT INTO oauth_endpoints (app_id, provider, token_url, updated_at) VALUES ('app', 'slack', 'https://t.example/token', ?)").run(now);
  db.prepare("INSERT INTO refresh_leases (grant_id, holder, expires_at) VALUES ('g1', 'old-holder', 1)").run();

  migrate(db, migrations);

  const rows = db.prepare("SELECT provider, token_url, callback, issuer FROM oauth_endpoints ORDER BY provider").all();
  expect(rows).toEqual([
    { provider: "github", token_url: null, callback: "shared", issuer: null },
    { provider: "slack", token_url: "https://t.example/token", callback: "shared", issuer: null },
  ]);
  expect(db.prepare("SELECT holder, holder_pid, retry_at, failures FROM refresh_leases").all()).toEqual([
    { holder: "old-holder", holder_pid: null, retry_at: null, failures: 0 },
  ]);
  db.close();
});

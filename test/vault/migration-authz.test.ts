// Migrations 005-008 on a vault made before them: existing API keys keep working (service keys
// with every scope), existing approvals read as asked by the grant's policy, secrets have no floor.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../vault/storage/db.js";
import { migrations } from "../../vault/storage/migrations/index.js";
import { getApiKey } from "../../vault/storage/api-keys.js";
import { getSecret } from "../../vault/storage/secrets.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir();
afterAll(() => tmp.remove());

describe("upgrading a vault made before scopes and floors", () => {
  it("keeps existing keys working with every scope, and secrets without a floor", () => {
    const file = join(tmp.dir, "vault.db");
    const before = openDatabase(file, migrations.filter((m) => m.version < 5 || m.version >= 50));
    before.prepare("INSERT INTO apps (id, name, created_at) VALUES ('app1', 'old', '2025-01-01T00:00:00Z')").run();
    before
      .prepare("INSERT INTO api_keys (id, app_id, label, state, derived_keys_sealed, created_at) VALUES ('k0000000000000old', 'app1', 'old', 'active', 'x', '2025-01-01T00:00:00Z')")
      .run();
    before
      .prepare("INSERT INTO managed_secrets (id, app_id, provider, label, type, sealed, created_at) VALUES ('s1', 'app1', 'github', null, 'token', 'x', '2025-01-01T00:00:00Z')")
      .run();
    before.close();

    const after = openDatabase(file);
    try {
      expect(getApiKey(after, "k0000000000000old")).toMatchObject({ kind: "service", scopes: ["call", "provision", "manage"] });
      expect(getSecret(after, "app1", "s1")).toMatchObject({ policyFloor: {} });
      const versions = (after.prepare("SELECT version FROM schema_migrations ORDER BY version").all() as { version: number }[]).map((r) => r.version);
      expect(versions).toEqual(expect.arrayContaining([5, 6, 7, 8]));
    } finally {
      after.close();
    }
  });
});

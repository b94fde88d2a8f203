// The test worlds run on the engine of their vitest project (test/support/vault-engine.ts): on
// "postgres" every test vault lives in a database of its own, served as the runtime role, and
// nothing is stored in the data folder but the master key; on "main" the vault is the SQLite file
// of the folder, as always. If the engine switch broke, the postgres project would quietly test
// SQLite twice: these cases fail instead.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueGrant, addManagedSecret, listGrants } from "../support/vault-admin.js";
import { openTestDb } from "../support/vault-db.js";
import { onPostgres, PG_ROLES, testEngine } from "../support/vault-engine.js";
import { queryRows } from "../support/postgres.js";
import { startTestVault, type TestVault } from "./helpers.js";

let a: TestVault;
let b: TestVault;
beforeAll(async () => {
  [a, b] = await Promise.all([startTestVault(), startTestVault()]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe(`the test vaults run on ${testEngine()}`, () => {
  it("the vault's app is stored where the engine keeps it, and the data folder holds what it should", async () => {
    const db = await openTestDb(a.dataDir);
    try {
      expect(db.dialect).toBe(testEngine());
      expect(await db.all("SELECT id FROM apps")).toEqual([{ id: a.appId }]);
    } finally {
      await db.close();
    }
    expect(existsSync(join(a.dataDir, "vault.db"))).toBe(!onPostgres());
    expect(readdirSync(a.dataDir)).toContain("master.key");
  });

  it("each vault has a store of its own: a grant issued in one is not in the other", async () => {
    const s = await addManagedSecret({ dataDir: a.dataDir, provider: "github", value: "ghp_engine_test_token" });
    const g = await issueGrant({ dataDir: a.dataDir, secretId: s.id, principal: "system" });
    expect((await listGrants({ dataDir: a.dataDir })).map((x) => x.grantId)).toEqual([g.grantId]);
    expect(await listGrants({ dataDir: b.dataDir })).toEqual([]);
  });

  it.runIf(onPostgres())("on PostgreSQL each vault has its own database, owned by the owner role; the vault's role may not rewrite the audit log", async () => {
    expect(a.database).toBeDefined();
    expect(b.database).toBeDefined();
    expect(a.database!.name).not.toBe(b.database!.name);
    const owners = await queryRows<{ tableowner: string }>(a.database!.ownerUrl, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = current_schema()");
    expect(owners).toEqual([{ tableowner: PG_ROLES.owner.name }]);
    expect(new URL(a.database!.url).username).toBe(PG_ROLES.runtime.name);
    await expect(queryRows(a.database!.url, "DELETE FROM audit")).rejects.toThrow(/permission denied/);
  });
});

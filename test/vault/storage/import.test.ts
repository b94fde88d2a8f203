// `vault import`: a SQLite vault made by the real admin functions moves into a freshly migrated
// PostgreSQL database; the running vault's role then reads every record back with the data
// folder's master key, and the audit chain verifies there with the SQLite head. A second import
// into the same database is refused.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asRole, startPostgres, type PgCluster } from "../../support/postgres.js";
import { initVault, type InitResult } from "../../../vault/admin/init.js";
import { addManagedSecret } from "../../../vault/admin/secrets.js";
import { issueGrant } from "../../../vault/admin/grants.js";
import { createApiKey } from "../../../vault/admin/keys.js";
import { openDatabase } from "../../../vault/storage/db.js";
import { openSealingOn } from "../../../vault/crypto/open-sealing.js";
import { AtRest } from "../../../vault/crypto/at-rest.js";
import { migratePostgres } from "../../../vault/storage/sql/pg-migrate.js";
import { postgresStore, sqliteStore } from "../../../vault/storage/store/index.js";
import { tempDir } from "../helpers.js";
import { runVaultCli } from "../cli-run.js";
import { CANARY } from "./conformance.js";
import { verifyStoreAudit } from "../../../vault/audit/verify-store.js";

let cluster: PgCluster;
const tmp = tempDir("alter-import-");
const dataDir = join(tmp.dir, "data");
let init: InitResult;
let secretId: string;
let grantId: string;
let agentKey: string;

beforeAll(async () => {
  cluster = await startPostgres();
  await cluster.sql("postgres", "CREATE ROLE vault_runtime LOGIN");
  init = await initVault({ dataDir, env: {} });
  secretId = (await addManagedSecret({ dataDir, provider: "github", type: "token", value: CANARY, label: "bot" })).id;
  grantId = (await issueGrant({ dataDir, secretId, principal: "system", label: "ci" })).grantId;
  agentKey = (await createApiKey({ dataDir, kind: "agent" })).keyId;
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  tmp.remove();
});

describe("vault import (SQLite to PostgreSQL)", () => {
  it("copies every row; the running vault's role reads them back and the audit chain verifies with the same head", async () => {
    const owner = await cluster.createDatabase();
    await migratePostgres({ url: owner, runtimeRole: "vault_runtime" });
    const r = await runVaultCli(["import", "--data", dataDir, "--database-url", owner]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^Copied \d+ rows in 22 tables; every table's count matches\.\nAudit chain "main": \d+ rows, head \d+, verified the same on both sides\.\n$/);

    const crypto = new AtRest(Buffer.from(readFileSync(join(dataDir, "master.key"), "utf8").trim(), "base64url"));
    const db = openDatabase(join(dataDir, "vault.db"));
    const local = sqliteStore(db, crypto);
    const pg = await postgresStore(asRole(owner, "vault_runtime"), crypto);
    try {
      expect((await pg.apps.first())?.id).toBe(init.appId);
      for (const id of [init.keyId, agentKey]) {
        const there = (await pg.apiKeys.getWithKeys(id))!;
        const here = (await local.apiKeys.getWithKeys(id))!;
        expect(there.key).toEqual(here.key);
        expect(Buffer.from(there.derived.requestSigning).equals(Buffer.from(here.derived.requestSigning))).toBe(true);
      }
      expect(await pg.secrets.open(secretId)).toEqual({ token: CANARY });
      expect(await pg.grants.get(init.appId, grantId)).toEqual(await local.grants.get(init.appId, grantId));
      const [a, b] = [await local.audit.verify(), await pg.audit.verify()];
      expect(a.rows).toBeGreaterThanOrEqual(4); // init, secrets add, grants issue, keys create
      expect(b).toEqual(a);
      expect(b.problems).toEqual([]);
      // The KEK state and the MAC root come along: the folder's keyring opens PostgreSQL the same.
      const kekRows = "SELECT id, status FROM keks ORDER BY id";
      expect(await pg.sql.all(kekRows)).toEqual(await local.sql.all(kekRows));
      const [here, there] = [await openSealingOn(local.sql, dataDir, {}, { follow: false }), await openSealingOn(pg.sql, dataDir, {}, { follow: false })];
      expect(there.keyring.currentId).toBe(here.keyring.currentId);
      expect(there.mac("approval-page-csrf", "x")).toBe(here.mac("approval-page-csrf", "x"));
      // The checkpoint file became chain main's checkpoint row: the imported chain verifies attested.
      const report = await verifyStoreAudit(pg, there, "/nonexistent");
      expect([report.firstBroken, report.chains!.map((c) => [c.chain, c.checkpoint?.seq])]).toEqual([null, [["main", b.head.seq]]]);
    } finally {
      await pg.close();
      db.close();
    }
  }, 120_000);

  it("refuses a database that already holds a vault, in one line with exit 2", async () => {
    const owner = await cluster.createDatabase();
    await migratePostgres({ url: owner });
    expect((await runVaultCli(["import", "--data", dataDir, "--database-url", owner])).code).toBe(0);
    const again = await runVaultCli(["import", "--data", dataDir, "--database-url", owner]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a vault \(apps or audit rows\); import only into a freshly migrated one/);
    expect(again.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});

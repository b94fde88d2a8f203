// An admin change and its audit row commit together: when the row cannot be written, the change
// is rolled back and the command fails, so no change is ever left unaudited. The audit table is
// made to refuse inserts (a trigger) after the fixtures exist; each command must then fail and
// leave what it would have changed as it was. (PostgreSQL: the same mechanism, a row written
// inside a store transaction joining it, is covered by audit-log.test.ts on both engines.)
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addManagedSecret,
  createApiKey,
  deprecateApiKey,
  initVault,
  issueGrant,
  listApiKeys,
  listGrants,
  listManagedSecrets,
  listProviderConfigs,
  revokeApiKey,
  setApiKeyScopesOf,
  setGrantPolicy,
  setProviderConfig,
  setSecretPolicy,
} from "../../vault/index.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir("alter-admin-atomic-");
const dataDir = join(tmp.dir, "data");
let secretId = "";
let grantId = "";
let keyId = "";

/** Everything the commands below could change, as one comparable value. */
async function snapshot(): Promise<unknown> {
  return {
    keys: await listApiKeys({ dataDir }),
    secrets: await listManagedSecrets({ dataDir }),
    grants: (await listGrants({ dataDir })).map((g) => ({ ...g, lastUsedAt: null })),
    providers: await listProviderConfigs({ dataDir }),
  };
}

function refuseAuditRows(refuse: boolean): void {
  const db = new Database(join(dataDir, "vault.db"));
  if (refuse) db.exec("CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit row refused by the test'); END");
  else db.exec("DROP TRIGGER IF EXISTS test_refuse_audit");
  db.close();
}

beforeAll(async () => {
  await initVault({ dataDir, env: {} });
  secretId = (await addManagedSecret({ dataDir, provider: "github", value: "ghp_fixture" })).id;
  grantId = (await issueGrant({ dataDir, secretId, principal: "system" })).grantId;
  keyId = (await createApiKey({ dataDir, label: "fixture" })).keyId;
});

afterAll(() => tmp.remove());

// [command, what it runs]
const COMMANDS: [string, () => Promise<unknown>][] = [
  ["secrets add", () => addManagedSecret({ dataDir, provider: "github", value: "ghp_other" })],
  ["secrets policy", () => setSecretPolicy({ dataDir, secretId, policyFloor: { maxTtlSeconds: 60 } })],
  ["grants policy", () => setGrantPolicy({ dataDir, grantId, policy: { maxTtlSeconds: 3600 } })],
  ["keys create", () => createApiKey({ dataDir, label: "second" })],
  ["keys scopes", () => setApiKeyScopesOf({ dataDir, keyId, scopes: ["call"] })],
  ["keys deprecate", () => deprecateApiKey({ dataDir, keyId })],
  ["keys revoke", () => revokeApiKey({ dataDir, keyId })],
  ["providers set", () => setProviderConfig({ dataDir, provider: "github", baseUrl: "https://ghe.example.com/api/v3" })],
];

describe("an admin change whose audit row cannot be written", () => {
  it.each(COMMANDS)("%s fails and changes nothing", async (_name, run) => {
    const before = await snapshot();
    refuseAuditRows(true);
    try {
      await expect(run()).rejects.toThrow(/audit row refused by the test/);
    } finally {
      refuseAuditRows(false);
    }
    expect(await snapshot()).toEqual(before);
  });

  it.each(COMMANDS.slice(0, 2))("%s succeeds, with its row, once rows can be written again", async (name, run) => {
    await run();
    const { readAudit } = await import("../../vault/index.js");
    const rows = await readAudit({ dataDir, action: "admin" });
    expect(rows.at(-1)!.details).toMatchObject({ command: name });
  });
});

// Storage at rest: append-only audit, no secret anywhere in the data folder, sealed values bound
// to their row, master key handling and rotation.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { addManagedSecret, createApiKey, initVault, issueGrant, readAudit, rotateMasterKey, setProviderConfig, startVault } from "../support/vault-admin.js";
import { openVaultState } from "../../vault/state.js";
import { AtRest } from "../../vault/crypto/at-rest.js";
import { call, tempDir, unsealFor } from "./helpers.js";

const CANARY_TOKEN = "ghp_CANARYstorage0123456789abcdef";
const CANARY_CLIENT_SECRET = "client-secret-CANARY-42";

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
let apiKey: string;
let grantId: string;

beforeAll(async () => {
  tmp = tempDir();
  dataDir = join(tmp.dir, "data");
  apiKey = (await initVault({ dataDir, env: {} })).apiKey;
  const s = await addManagedSecret({ dataDir, provider: "github", value: CANARY_TOKEN });
  grantId = (await issueGrant({ dataDir, secretId: s.id, principal: "system" })).grantId;
  await setProviderConfig({ dataDir, provider: "github", clientId: "cid", clientSecret: CANARY_CLIENT_SECRET });
});
afterAll(() => tmp.remove());

function folderBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
}

describe("the data folder", () => {
  it("has a 0600 master key and holds no secret in clear (database, WAL, key file)", async () => {
    expect(statSync(join(dataDir, "master.key")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, "vault.db")).mode & 0o777).toBe(0o600);
    const bytes = folderBytes(dataDir);
    expect(bytes.includes(CANARY_TOKEN)).toBe(false);
    expect(bytes.includes(CANARY_CLIENT_SECRET)).toBe(false);
    // The API key secret part is not stored either.
    expect(bytes.includes(apiKey.slice(26))).toBe(false);
  });

  it("the audit table refuses UPDATE and DELETE", () => {
    const db = new Database(join(dataDir, "vault.db"));
    try {
      expect(() => db.prepare("UPDATE audit SET outcome = 'success'").run()).toThrow(/append-only/);
      expect(() => db.prepare("DELETE FROM audit").run()).toThrow(/append-only/);
      expect((db.prepare("SELECT count(*) AS n FROM audit").get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it("a sealed value moved to another row does not open", () => {
    const db = new Database(join(dataDir, "vault.db"));
    try {
      const a = new AtRest(Buffer.from(readFileSync(join(dataDir, "master.key"), "utf8").trim(), "base64url"));
      const row = db.prepare("SELECT id, sealed FROM managed_secrets LIMIT 1").get() as { id: string; sealed: string };
      expect(a.openJson("managed-secret", row.id, row.sealed)).toEqual({ token: CANARY_TOKEN });
      expect(() => a.open("managed-secret", "another-id", row.sealed)).toThrow(/does not open/);
      expect(() => a.open("grant-credential", row.id, row.sealed)).toThrow(/does not open/);
    } finally {
      db.close();
    }
  });

  it("admin actions are audited without secrets", async () => {
    const rows = await readAudit({ dataDir });
    expect(rows.map((r) => (r.details as { command?: string } | null)?.command)).toEqual(["init", "secrets add", "grants issue", "providers set"]);
    expect(JSON.stringify(rows)).not.toContain(CANARY_TOKEN);
    expect(JSON.stringify(rows)).not.toContain(CANARY_CLIENT_SECRET);
  });

  it("inspecting or serialising the vault state shows no key material", async () => {
    const s = await openVaultState(dataDir);
    try {
      const { inspect } = await import("node:util");
      expect(inspect(s.crypto)).toBe("[AtRest]");
      expect(JSON.stringify({ c: s.crypto })).toBe('{"c":"[AtRest]"}');
      const keyId = /^alter_sk_([a-z0-9]{16})_/.exec(apiKey)![1]!;
      const keys = (await s.store.apiKeys.getWithKeys(keyId))!.derived;
      expect(keys.requestSigning).toHaveLength(32);
      expect(inspect({ keys })).toBe("{ keys: [derived keys] }");
      expect(JSON.stringify({ keys })).toBe('{"keys":"[derived keys]"}');
    } finally {
      await s.close();
    }
  });
});

describe("master key", () => {
  it("a wrong key is refused with a clear message", async () => {
    const other = tempDir();
    try {
      const dir = join(other.dir, "d");
      await initVault({ dataDir: dir, env: {} });
      await expect(openVaultState(dir, { env: { ALTER_VAULT_MASTER_KEY: Buffer.alloc(32, 7).toString("base64url") } })).rejects.toThrow(
        /does not open this vault/,
      );
      await expect(openVaultState(dir, { env: { ALTER_VAULT_MASTER_KEY: "short" } })).rejects.toThrow(/ALTER_VAULT_MASTER_KEY does not hold a master key/);
    } finally {
      other.remove();
    }
  });

  it("the key can come from ALTER_VAULT_MASTER_KEY and is then never written", async () => {
    const other = tempDir();
    try {
      const dir = join(other.dir, "d");
      const env = { ALTER_VAULT_MASTER_KEY: Buffer.alloc(32, 9).toString("hex") };
      await initVault({ dataDir: dir, env });
      expect(readdirSync(dir)).not.toContain("master.key");
      const s = await openVaultState(dir, { env });
      await s.close();
      await expect(openVaultState(dir, { env: {} })).rejects.toThrow(/No master key/);
    } finally {
      other.remove();
    }
  });

  it("a world-readable key file is refused", async () => {
    const other = tempDir();
    try {
      const dir = join(other.dir, "d");
      await initVault({ dataDir: dir, env: {} });
      const { chmodSync } = await import("node:fs");
      chmodSync(join(dir, "master.key"), 0o644);
      await expect(openVaultState(dir, { env: {} })).rejects.toThrow(/chmod 600/);
    } finally {
      other.remove();
    }
  });

  it("rotation re-seals everything; the old key stops working and the vault serves the same credential", async () => {
    await createApiKey({ dataDir, label: "second" });
    const oldKey = readFileSync(join(dataDir, "master.key"), "utf8");
    const r = await rotateMasterKey({ dataDir, env: {} });
    // meta check + MAC root + 2 api keys + client secret + managed secret
    expect(r.resealed).toBe(6);
    expect(r.keyDestination).toBe("file");
    const newKey = readFileSync(join(dataDir, "master.key"), "utf8");
    expect(newKey).not.toBe(oldKey);
    expect(statSync(join(dataDir, "master.key")).mode & 0o777).toBe(0o600);
    await expect(openVaultState(dataDir, { env: { ALTER_VAULT_MASTER_KEY: oldKey.trim() } })).rejects.toThrow(/does not open/);

    const running = await startVault({ dataDir, port: 0, env: {} });
    try {
      const res = await call({ url: running.url, apiKey } as never, "POST", "/v1/credentials/retrieve", {
        grant: { grantId },
        provider: "github",
        request: { method: "GET", url: "https://api.github.com/user" },
      });
      expect(res.status).toBe(200);
      expect(unsealFor(apiKey, res.req.nonce, res.json.credential)).toEqual({ token: CANARY_TOKEN });
    } finally {
      await running.close();
    }
    const rows = await readAudit({ dataDir });
    expect(rows.at(-2)!.details).toMatchObject({ command: "rotate-master-key", resealed: 6 });
  });

  it("a rotation interrupted after its commit is completed from the pending key file", async () => {
    const current = readFileSync(join(dataDir, "master.key"), "utf8");
    // Simulate: data re-sealed under a new key, the process died before renaming the key file.
    await rotateMasterKey({ dataDir, env: {} });
    const rotated = readFileSync(join(dataDir, "master.key"), "utf8");
    writeFileSync(join(dataDir, "master.key.new"), rotated, { mode: 0o600 });
    writeFileSync(join(dataDir, "master.key"), current, { mode: 0o600 });
    const s = await openVaultState(dataDir, { env: {} });
    await s.close();
    expect(readFileSync(join(dataDir, "master.key"), "utf8")).toBe(rotated);
    expect(readdirSync(dataDir)).not.toContain("master.key.new");
  });
});

describe("one server per data folder", () => {
  it("refuses a second server, and a rotation of a key from the environment while one is serving", async () => {
    const running = await startVault({ dataDir, port: 0, env: {} });
    try {
      await expect(startVault({ dataDir, port: 0, env: {} })).rejects.toThrow(/A vault is already serving .* stop it before starting another/);
      // A serving instance cannot re-read its environment, so it could never learn the new KEK.
      const env = { ALTER_VAULT_MASTER_KEY: readFileSync(join(dataDir, "master.key"), "utf8").trim() };
      await expect(rotateMasterKey({ dataDir, env, newMasterKey: Buffer.alloc(32, 4).toString("base64url") })).rejects.toThrow(/stop it before rotating the master key/);
    } finally {
      await running.close();
    }
    const again = await startVault({ dataDir, port: 0, env: {} });
    await again.close();
  });
});

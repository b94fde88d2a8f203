// Master-key rotation while a SQLite vault serves (issue 14), in one process: clients retrieve a
// credential in a loop while `rotateMasterKey` adds a KEK, makes it current, rewraps every sealed
// value in small batches and retires the old KEK. Every call succeeds; afterwards no value needs
// the old KEK, the folder holds only the new one (a restarted server, which can only know the new
// one, serves), and MACs are unchanged. A rotation interrupted after one batch is finished by
// running it again, and a second rotation of the same folder is refused meanwhile.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, createApiKey, initVault, issueGrant, rotateMasterKey, setProviderConfig, startVault, type RunningVault } from "../../vault/index.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";
import { openSealingOn } from "../../vault/crypto/open-sealing.js";
import { kekIdOf, KEYRING_FILE, readKeyringFile } from "../../vault/crypto/folder-keyring.js";
import { countNotUnder } from "../../vault/crypto/rewrap.js";
import { keks } from "../../vault/crypto/kek-state.js";
import { AtRest } from "../../vault/crypto/at-rest.js";
import { openDatabase } from "../../vault/storage/db.js";
import { CheckpointFile } from "../../vault/audit/checkpoint.js";
import { SqliteDriver } from "../../vault/storage/sql/sqlite-driver.js";
import { call, tempDir, unsealFor } from "./helpers.js";

const CANARY = "ghp_CANARY_rotation_serving_4c1d";
const tmp = tempDir("alter-rotation-serving-");
afterAll(() => tmp.remove());

const keyIdOfFolder = (dir: string) => kekIdOf(Buffer.from(readFileSync(join(dir, "master.key"), "utf8").trim(), "base64url"));

interface Folder {
  dataDir: string;
  apiKey: string;
  grantId: string;
}

let n = 0;
async function freshFolder(extraKeys = 0): Promise<Folder> {
  const dataDir = join(tmp.dir, `v${n++}`);
  const init = await initVault({ dataDir, env: {} });
  for (let i = 0; i < extraKeys; i++) await createApiKey({ dataDir, label: `extra-${i}` });
  const secret = await addManagedSecret({ dataDir, provider: "github", value: CANARY, label: "octocat" });
  const grantId = (await issueGrant({ dataDir, secretId: secret.id, principal: "system", label: "rotation" })).grantId;
  return { dataDir, apiKey: init.apiKey, grantId };
}

/** What the folder's database says: KEK states, values not under `kek`, and MACs a fresh opener computes. */
async function inspectFolder(dataDir: string, kek: string) {
  const db = openDatabase(join(dataDir, "vault.db"));
  try {
    const sql = new SqliteDriver(db);
    const crypto = await openSealingOn(sql, dataDir, {}, { follow: false });
    return {
      keks: Object.fromEntries((await keks(sql)).map((k) => [k.id, k.status])),
      notUnder: await countNotUnder(sql, kek),
      macs: ["approval-page-csrf", "approver-session", "audit-checkpoint"].map((p) => crypto.mac(p, "a\nb")),
      current: crypto.keyring.currentId,
    };
  } finally {
    db.close();
  }
}

/**
 * Clients calling in a loop until stopped, retrieve and (with a provider stand-in) proxy in turn;
 * each result is true when the call returned the credential, or the provider's answer.
 */
function callers(url: string, f: Folder, count: number, provider?: Standin) {
  let stop = false;
  const results: boolean[] = [];
  const errors: string[] = [];
  let turn = 0;
  const loops = Array.from({ length: count }, async () => {
    while (!stop) {
      try {
        const proxy = provider !== undefined && turn++ % 2 === 1;
        const res = proxy
          ? await call({ url, apiKey: f.apiKey } as never, "POST", "/v1/proxy", {
              grant: { grantId: f.grantId },
              provider: "github",
              request: { operationId: "repos/get", method: "GET", url: `${provider.url}/repos/octo/hello`, headers: { accept: "application/vnd.github+json" }, body: null },
            })
          : await call({ url, apiKey: f.apiKey } as never, "POST", "/v1/credentials/retrieve", {
              grant: { grantId: f.grantId },
              provider: "github",
              request: { method: "GET", url: `${provider?.url ?? "https://api.github.com"}/user` },
            });
        const ok = res.status === 200 && (proxy ? res.json.status === 200 : unsealFor<{ token: string }>(f.apiKey, res.req.nonce, res.json.credential).token === CANARY);
        results.push(ok);
        if (!ok) errors.push(`${res.status} ${JSON.stringify(res.json)}`);
      } catch (e) {
        results.push(false);
        errors.push(String(e));
      }
    }
  });
  return {
    results,
    errors,
    async stop() {
      stop = true;
      await Promise.all(loops);
    },
  };
}

describe("rotate-master-key while a SQLite vault serves", () => {
  let f: Folder;
  let running: RunningVault | undefined;
  let standin: Standin;
  beforeAll(async () => {
    f = await freshFolder(3);
    standin = await startProviderStandin("github", { credential: CANARY });
    await setProviderConfig({ dataDir: f.dataDir, provider: "github", baseUrl: standin.url });
    running = await startVault({ dataDir: f.dataDir, port: 0, env: {} });
  });
  afterAll(async () => {
    await running?.close();
    await standin?.close();
  });

  it("every call succeeds during the rotation; afterwards nothing needs the old KEK, MACs are unchanged, and a server knowing only the new KEK serves", async () => {
    const oldKek = keyIdOfFolder(f.dataDir);
    const before = await inspectFolder(f.dataDir, oldKek);
    expect(before.keks).toEqual({ [oldKek]: "current" });
    const load = callers(running!.url, f, 3, standin);
    let r: Awaited<ReturnType<typeof rotateMasterKey>>;
    try {
      await new Promise((res) => setTimeout(res, 200));
      r = await rotateMasterKey({ dataDir: f.dataDir, env: {}, batchSize: 2 });
      await new Promise((res) => setTimeout(res, 300));
    } finally {
      await load.stop();
    }
    expect(load.errors).toEqual([]);
    expect(load.results.length).toBeGreaterThan(20);
    // The provider got every proxied call, each with the credential injected.
    expect(standin.requests.length).toBeGreaterThan(5);
    for (const seen of standin.requests) expect([seen.problems, seen.headers.authorization]).toEqual([[], `Bearer ${CANARY}`]);
    expect(r.phase).toBe("retired");
    expect(r.retired).toEqual([oldKek]);
    expect(r.kekId).not.toBe(oldKek);
    // meta check + MAC root + 4 API keys + the managed secret
    expect(r.resealed).toBe(7);

    const after = await inspectFolder(f.dataDir, r.kekId);
    expect(after.keks).toEqual({ [oldKek]: "retired", [r.kekId]: "current" });
    expect(after.notUnder).toBe(0);
    expect(after.macs).toEqual(before.macs);
    // The folder: master.key is the new KEK (0600), keyring.json is gone, the old key is nowhere.
    expect(keyIdOfFolder(f.dataDir)).toBe(r.kekId);
    expect(statSync(join(f.dataDir, "master.key")).mode & 0o777).toBe(0o600);
    expect(existsSync(join(f.dataDir, KEYRING_FILE))).toBe(false);

    // A server started now holds only the new KEK: it serves the same credential.
    await running!.close();
    running = await startVault({ dataDir: f.dataDir, port: 0, env: {} });
    const again = callers(running.url, f, 2, standin);
    await new Promise((res) => setTimeout(res, 300));
    await again.stop();
    expect(again.errors).toEqual([]);
    expect(again.results.length).toBeGreaterThan(0);
  }, 60_000);
});

describe("an interrupted rotation", () => {
  it("stopped after one batch, leaves a vault that serves, and the next run finishes it (same KEK)", async () => {
    const f = await freshFolder(4);
    const oldKek = keyIdOfFolder(f.dataDir);
    await expect(
      rotateMasterKey({
        dataDir: f.dataDir,
        env: {},
        batchSize: 1,
        afterBatch: () => {
          throw new Error("crashed after one batch");
        },
      }),
    ).rejects.toThrow(/crashed after one batch/);
    const newKek = [...readKeyringFile(f.dataDir).keys()][0]!;
    const mid = await inspectFolder(f.dataDir, newKek);
    expect(mid.keks).toEqual({ [oldKek]: "retiring", [newKek]: "current" });
    expect(mid.current).toBe(newKek);
    expect(mid.notUnder).toBeGreaterThan(0);

    // Meanwhile the vault serves: both KEKs are in the folder.
    const running = await startVault({ dataDir: f.dataDir, port: 0, env: {} });
    try {
      const load = callers(running.url, f, 1);
      await new Promise((res) => setTimeout(res, 200));
      await load.stop();
      expect(load.errors).toEqual([]);
    } finally {
      await running.close();
    }

    // --add-only never moves a rotation under way along.
    await expect(rotateMasterKey({ dataDir: f.dataDir, env: {}, addOnly: true })).rejects.toThrow(`A rotation to KEK "${newKek}" is under way; run the command without --add-only to finish it.`);
    const r = await rotateMasterKey({ dataDir: f.dataDir, env: {} });
    expect([r.phase, r.kekId, r.retired]).toEqual(["retired", newKek, [oldKek]]);
    const after = await inspectFolder(f.dataDir, newKek);
    expect(after.keks).toEqual({ [oldKek]: "retired", [newKek]: "current" });
    expect(after.notUnder).toBe(0);
    expect(keyIdOfFolder(f.dataDir)).toBe(newKek);
  }, 60_000);

  it("a second rotation of the same folder while one runs is refused, and nothing of it is left", async () => {
    const f = await freshFolder(2);
    let release!: () => void;
    const held = new Promise<void>((res) => (release = res));
    let entered!: () => void;
    const inBatch = new Promise<void>((res) => (entered = res));
    const first = rotateMasterKey({
      dataDir: f.dataDir,
      env: {},
      batchSize: 1,
      afterBatch: async () => {
        entered();
        await held;
      },
    });
    await inBatch;
    await expect(rotateMasterKey({ dataDir: f.dataDir, env: {} })).rejects.toThrow(/master key rotation of .* is in progress/);
    release();
    const r = await first;
    expect(r.phase).toBe("retired");
    expect((await inspectFolder(f.dataDir, r.kekId)).notUnder).toBe(0);
  }, 60_000);
});

describe("the command", () => {
  /** `alter-gen vault <args>` in a child process, as an operator runs it. */
  function cli(args: string[]): Promise<{ code: number | null; output: string }> {
    const root = join(import.meta.dirname, "../..");
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "cli/entry.ts"), "vault", ...args], {
      cwd: root,
      env: { ...process.env, ALTER_VAULT_MASTER_KEY: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    return new Promise((resolve) => child.once("close", (code) => resolve({ code, output })));
  }

  it("rotate-master-key in two steps (--add-only, then the rest) prints KEK ids, never a key", async () => {
    const f = await freshFolder(0);
    const before = readFileSync(join(f.dataDir, "master.key"), "utf8").trim();
    const added = await cli(["rotate-master-key", "--data", f.dataDir, "--add-only"]);
    expect(added.code).toBe(0);
    expect(added.output).toMatch(/^Added KEK mk-[0-9a-f]{16} to keyring\.json\. Copy it to every other instance's data folder/);
    const newKey = [...readKeyringFile(f.dataDir).values()][0]!.toString("base64url");
    const done = await cli(["rotate-master-key", "--data", f.dataDir]);
    expect(done.code).toBe(0);
    expect(done.output).toMatch(/^Re-sealed 4 values under KEK mk-[0-9a-f]{16}; retired mk-[0-9a-f]{16}\.\nThe new key replaced master\.key/);
    expect(readFileSync(join(f.dataDir, "master.key"), "utf8").trim()).toBe(newKey);
    for (const key of [before, newKey]) expect(added.output + done.output).not.toContain(key);
  }, 60_000);
});

describe("a master key from ALTER_VAULT_MASTER_KEY", () => {
  it("rotates with --new-key-from-env; interrupted, the same command finishes it; then only the new key opens the vault", async () => {
    const [oldKey, newKey] = [Buffer.alloc(32, 21).toString("base64url"), Buffer.alloc(32, 22).toString("base64url")];
    const dataDir = join(tmp.dir, `env${n++}`);
    const init = await initVault({ dataDir, env: { ALTER_VAULT_MASTER_KEY: oldKey } });
    const env = { ALTER_VAULT_MASTER_KEY: oldKey };
    await expect(rotateMasterKey({ dataDir, env, newMasterKey: newKey, batchSize: 1, afterBatch: () => Promise.reject(new Error("crashed")) })).rejects.toThrow(/crashed/);
    const r = await rotateMasterKey({ dataDir, env, newMasterKey: newKey });
    expect([r.phase, r.keyDestination, r.kekId]).toEqual(["retired", "env", kekIdOf(Buffer.from(newKey, "base64url"))]);
    // Nothing of the new key was written to the folder.
    expect(existsSync(join(dataDir, KEYRING_FILE))).toBe(false);
    expect(existsSync(join(dataDir, "master.key"))).toBe(false);
    const { openVaultState } = await import("../../vault/state.js");
    await expect(openVaultState(dataDir, { env })).rejects.toThrow(/does not open this vault's data/);
    const s = await openVaultState(dataDir, { env: { ALTER_VAULT_MASTER_KEY: newKey } });
    try {
      expect((await s.store.apiKeys.getWithKeys(init.keyId))?.key.id).toBe(init.keyId);
    } finally {
      await s.close();
    }
  }, 60_000);
});

describe("a vault sealed before envelopes", () => {
  it("v1 values are rewrapped into envelopes and the vault's MACs stay those of its master key", async () => {
    const f = await freshFolder(0);
    const db = openDatabase(join(f.dataDir, "vault.db"));
    const masterKey = Buffer.from(readFileSync(join(f.dataDir, "master.key"), "utf8").trim(), "base64url");
    try {
      // As an older version left it: no KEK rows, no MAC root, the secret in v1.
      const { sealV1 } = await import("../support/seal-v1.js");
      db.prepare("DELETE FROM keks").run();
      db.prepare("DELETE FROM meta WHERE key = 'sealed:mac-root'").run();
      const row = db.prepare("SELECT id FROM managed_secrets").get() as { id: string };
      db.prepare("UPDATE managed_secrets SET sealed = ? WHERE id = ?").run(sealV1(masterKey, "managed-secret", row.id, JSON.stringify({ token: CANARY })), row.id);
      // Its audit checkpoint signed as then: under the MAC key derived from the master key.
      const head = db.prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").get() as { seq: number; hash: string };
      const file = new CheckpointFile(f.dataDir, new AtRest(masterKey));
      for (const slot of [0, 1]) file.write({ ...head, time: new Date().toISOString() }, slot);
      file.syncNow();
    } finally {
      db.close();
    }
    const oldKek = kekIdOf(masterKey);
    const before = await inspectFolder(f.dataDir, oldKek);
    expect(before.keks).toEqual({ [oldKek]: "current" });
    expect(before.notUnder).toBe(1);
    expect(before.macs[0]).toBe(new AtRest(masterKey).mac("approval-page-csrf", "a\nb"));
    const r = await rotateMasterKey({ dataDir: f.dataDir, env: {} });
    const after = await inspectFolder(f.dataDir, r.kekId);
    expect(after.notUnder).toBe(0);
    expect(after.macs).toEqual(before.macs);
    const running = await startVault({ dataDir: f.dataDir, port: 0, env: {} });
    try {
      const load = callers(running.url, f, 1);
      await new Promise((res) => setTimeout(res, 200));
      await load.stop();
      expect(load.errors).toEqual([]);
      expect(load.results.length).toBeGreaterThan(0);
    } finally {
      await running.close();
    }
  }, 60_000);
});

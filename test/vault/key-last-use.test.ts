// An API key's last use: written when a request signed with it is verified, at most once a
// minute per key, and shown by `vault keys list`. A refused request is no use of the key.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listApiKeys } from "../support/vault-admin.js";
import { send, sign, startTestVault, type TestVault } from "./helpers.js";
import { runVaultCli } from "./cli-run.js";

let v: TestVault;
let offset = 0;
const vaultNow = () => Date.now() + offset;

beforeAll(async () => {
  v = await startTestVault({ now: vaultNow });
});
afterAll(() => v.close());

/** A signed GET /v1/grants at the vault's clock; `forged` signs with a key that is not the key's. */
async function call(forged = false): Promise<number> {
  // Rounded up: a request signed in the second the vault started, before it, reads as a replay.
  const created = Math.ceil(vaultNow() / 1000);
  const spec = { method: "GET", url: `${v.url}/v1/grants`, created, ...(forged ? { signingKey: randomBytes(32) } : {}) };
  return (await send(sign(v.apiKey, spec))).status;
}

async function lastUsed(): Promise<string | null> {
  const keys = await listApiKeys({ dataDir: v.dataDir });
  return keys.find((k) => k.id === v.keyId)!.lastUsedAt;
}

describe("an API key's last use", () => {
  it("is never before the first request", async () => {
    expect(await lastUsed()).toBeNull();
  });

  it("is written by the first verified request, then at most once a minute", async () => {
    const before = vaultNow();
    expect(await call()).toBe(200);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    expect(Date.parse(first!)).toBeGreaterThanOrEqual(before - 1);

    offset += 30_000;
    expect(await call()).toBe(200);
    expect(await lastUsed()).toBe(first);

    offset += 31_000;
    const later = vaultNow();
    expect(await call()).toBe(200);
    const second = await lastUsed();
    expect(Date.parse(second!)).toBeGreaterThanOrEqual(later - 1);
    expect(Date.parse(second!) - Date.parse(first!)).toBeGreaterThanOrEqual(60_000);
  });

  it("is not written by a request whose signature fails", async () => {
    const known = await lastUsed();
    offset += 61_000;
    expect(await call(true)).toBe(401);
    expect(await lastUsed()).toBe(known);
  });

  it("is shown by `vault keys list`", async () => {
    const known = (await lastUsed())!;
    const run = await runVaultCli(["keys", "list", "--data", v.dataDir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("LAST USED");
    expect(run.stdout.split("\n").find((l) => l.includes(v.keyId))).toContain(known);
  }, 60_000);
});

// The transport against the real local vault (vault/), over loopback: the two independent
// implementations of docs/protocol.md must agree on signatures, digests and sealed values.
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addManagedSecret,
  createApiKey,
  deprecateApiKey,
  initVault,
  issueGrant,
  revokeApiKey,
  startVault,
  type RunningVault,
} from "../../vault/index.js";
import { VaultTransport } from "../../runtime/internal/transport.js";
import { generateApiKey } from "../../protocol/keys.js";
import { GrantNotFoundError, SignatureError } from "../../runtime/errors.js";

const CANARY = "ghp_CANARYrealVault0123456789abcdefXYZ";
let dataDir: string;
let vault: RunningVault;
let apiKey: string;
let transport: VaultTransport;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "alter-transport-vault-"));
  const init = await initVault({ dataDir, env: {} });
  apiKey = init.apiKey;
  vault = await startVault({ dataDir, port: 0, env: {} });
  // The vault refuses requests whose `created` second is not after its start (replay guard across
  // restarts), so the first signed request waits for the next whole second.
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
  transport = new VaultTransport({ baseUrl: vault.url, apiKey });
}, 60_000);

afterAll(async () => {
  await transport?.close();
  await vault?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("against the real vault", () => {
  it("health", async () => {
    expect(await transport.health()).toMatchObject({ ok: true });
  });

  it("a signed request gets a verified answer", async () => {
    const res = await transport.request<{ grants: unknown[]; nextCursor: unknown }>("GET", "/v1/grants?limit=10");
    expect(res.status).toBe(200);
    expect(Array.isArray(res.data.grants)).toBe(true);
  });

  it("a verified error envelope becomes its class", async () => {
    const error = await transport.request("POST", "/v1/grants/grt_missing/revoke", { body: { reason: "test" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrantNotFoundError);
  });

  it("retrieves a managed secret's credential and unseals it with the request nonce", async () => {
    const secret = await addManagedSecret({ dataDir, provider: "github", value: CANARY, label: "ci" });
    const grant = await issueGrant({ dataDir, secretId: secret.id, principal: "system", label: "ci" });
    const res = await transport.request<{ credential: unknown; grantId: string; hosts: string[] }>("POST", "/v1/credentials/retrieve", {
      body: {
        grant: { grantId: grant.grantId },
        provider: "github",
        request: { operationId: "repos/get", method: "GET", url: "https://api.github.com/repos/o/r" },
        context: { caller: "transport-test" },
      },
    });
    expect(res.data.grantId).toBe(grant.grantId);
    expect(JSON.stringify(res.data)).not.toContain(CANARY);
    expect(transport.unseal(res.data.credential, res.nonce)).toEqual({ token: CANARY });
  });

  it("an unknown key gets an unverified SignatureError", async () => {
    const stranger = new VaultTransport({ baseUrl: vault.url, apiKey: generateApiKey().apiKey });
    try {
      const error = (await stranger.request("GET", "/v1/grants").catch((e: unknown) => e)) as SignatureError;
      expect(error).toBeInstanceOf(SignatureError);
      expect(error.code).toBe("unknown_key");
      expect(error.unverified).toBe(true);
    } finally {
      await stranger.close();
    }
  });

  it("an ed25519-signed request is accepted for a key with a registered public key", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const created = await createApiKey({ dataDir, label: "ed", ed25519PublicKeyPem: publicKey.export({ format: "pem", type: "spki" }).toString() });
    const ed = new VaultTransport({ baseUrl: vault.url, apiKey: created.apiKey, signingKey: privateKey });
    const wrong = new VaultTransport({ baseUrl: vault.url, apiKey: created.apiKey, signingKey: generateKeyPairSync("ed25519").privateKey });
    try {
      expect((await ed.request("GET", "/v1/grants")).status).toBe(200);
      const error = (await wrong.request("GET", "/v1/grants").catch((e: unknown) => e)) as SignatureError;
      expect(error).toBeInstanceOf(SignatureError);
      expect(error.code).toBe("signature_invalid");
    } finally {
      await ed.close();
      await wrong.close();
    }
  });

  it("a deprecated key works and warns once; a revoked key is refused", async () => {
    const created = await createApiKey({ dataDir, label: "old" });
    await deprecateApiKey({ dataDir, keyId: created.keyId, sunsetAt: "2031-01-01T00:00:00.000Z" });
    const warnings: string[] = [];
    const old = new VaultTransport({ baseUrl: vault.url, apiKey: created.apiKey, logger: { warn: (m) => warnings.push(m) } });
    try {
      await old.request("GET", "/v1/grants");
      await old.request("GET", "/v1/grants");
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain("2031-01-01");
      await revokeApiKey({ dataDir, keyId: created.keyId });
      const error = (await old.request("GET", "/v1/grants").catch((e: unknown) => e)) as SignatureError;
      expect(error).toBeInstanceOf(SignatureError);
      expect(error.code).toBe("key_revoked");
    } finally {
      await old.close();
    }
  });
});

// The running vault caches the records a retrieval reads (vault/storage/store/record-cache.ts).
// A change an operator makes while it serves (an admin function with its own connection, or the
// CLI in another process) must hold for the very next request once the change returned:
// revocations above all. Each row: two retrievals that succeed (the second one served from the
// cache), the change, then the next retrieval, refused with the change's code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, createApiKey, issueGrant, revokeApiKey, revokeGrant, setGrantPolicy, setProviderConfig, setSecretPolicy } from "../../vault/index.js";
import { runVaultCli } from "./cli-run.js";
import { call, startTestVault, type TestVault } from "./helpers.js";

let v: TestVault;
beforeAll(async () => {
  v = await startTestVault();
});
afterAll(async () => {
  await v.close();
});

interface Setup {
  grantId: string;
  secretId: string;
  keyId: string;
  /** The vault as seen with this row's own API key. */
  as: TestVault;
}

const retrieve = (s: Setup, url = "https://api.github.com/repos/o/r") =>
  call(s.as, "POST", "/v1/credentials/retrieve", { grant: { grantId: s.grantId }, provider: "github", request: { method: "GET", url }, context: { caller: "cache-test" } });

const ROWS: ReadonlyArray<readonly [name: string, change: (s: Setup) => Promise<unknown>, code: string]> = [
  ["grant revoked by an admin function (its own connection)", (s) => revokeGrant({ dataDir: v.dataDir, grantId: s.grantId }), "grant_revoked"],
  [
    "grant revoked by the CLI in another process",
    async (s) => {
      const r = await runVaultCli(["grants", "revoke", s.grantId, "--data", v.dataDir]);
      if (r.code !== 0) throw new Error(`vault grants revoke exited ${r.code}: ${r.stderr}`);
    },
    "grant_revoked",
  ],
  ["API key revoked", (s) => revokeApiKey({ dataDir: v.dataDir, keyId: s.keyId }), "key_revoked"],
  ["grant policy: an IP allowlist without the caller", (s) => setGrantPolicy({ dataDir: v.dataDir, grantId: s.grantId, policy: { ipAllowlist: ["10.9.8.0/24"] } }), "policy_violation"],
  ["secret floor: an IP allowlist without the caller", (s) => setSecretPolicy({ dataDir: v.dataDir, secretId: s.secretId, policyFloor: { ipAllowlist: ["10.9.8.0/24"] } }), "policy_violation"],
  ["provider settings: other hosts", () => setProviderConfig({ dataDir: v.dataDir, provider: "github", hosts: ["ghe.example"] }), "provider_host_not_allowed"],
];

describe("the record cache of a running vault", () => {
  it.each(ROWS)("%s: the next retrieval after the change returned is refused", async (_name, change, code) => {
    const secret = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: "ghp_cache_test_value", label: `bot-${code}` });
    const grant = await issueGrant({ dataDir: v.dataDir, secretId: secret.id, principal: "system" });
    const key = await createApiKey({ dataDir: v.dataDir });
    const s: Setup = { grantId: grant.grantId, secretId: secret.id, keyId: key.keyId, as: { ...v, apiKey: key.apiKey, keyId: key.keyId } };
    try {
      for (let i = 0; i < 2; i++) expect((await retrieve(s)).status).toBe(200);
      await change(s);
      const refused = await retrieve(s);
      expect(refused.json?.error?.code).toBe(code);
    } finally {
      // The provider row is shared by every row of this table.
      await setProviderConfig({ dataDir: v.dataDir, provider: "github", hosts: null });
    }
  });
});

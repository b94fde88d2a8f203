// Approval by operation for a provider outside the catalog: `vault providers set <id> --from-spec`
// (the real CLI) stores the document's operations, and the vault checks a call's operation against
// them as it does against a catalog provider's pinned document. Before the document is given, a
// gated grant of that provider refuses every call (no_document). The provider is the GitHub
// stand-in under another name, given a two-operation excerpt of GitHub's document.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, issueGrant, setProviderConfig } from "../support/vault-admin.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";
import { call, startTestVault, tempDir, type TestVault } from "./helpers.js";
import { runVaultCli } from "./cli-run.js";

const TOKEN = "ghp_SPECGATE_CANARY_77aa88bb";
const DOC = {
  openapi: "3.0.3",
  info: { title: "Acme issues", version: "1" },
  servers: [{ url: "https://issues.acme.example" }],
  components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
  security: [{ bearer: [] }],
  paths: {
    "/repos/{owner}/{repo}/issues": {
      get: { operationId: "issues/list-for-repo", responses: { "200": { description: "ok" } } },
      post: { operationId: "issues/create", responses: { "201": { description: "created" } } },
    },
  },
};

let v: TestVault;
let github: Standin;
let tmp: ReturnType<typeof tempDir>;
let grantId: string;
beforeAll(async () => {
  [github, v] = await Promise.all([startProviderStandin("github", { credential: TOKEN }), startTestVault()]);
  tmp = tempDir();
  await setProviderConfig({ dataDir: v.dataDir, provider: "acme-issues", baseUrl: github.url, injection: { type: "bearer" } });
  const s = await addManagedSecret({ dataDir: v.dataDir, provider: "acme-issues", value: TOKEN });
  grantId = (await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system", policy: { requireApprovalFor: { classes: ["write"] } } })).grantId;
}, 60_000);
afterAll(async () => {
  await v?.close();
  await github?.close();
  tmp?.remove();
});

const proxy = (operationId: string, method: string, body?: unknown) =>
  call(v, "POST", "/v1/proxy", {
    grant: { grantId },
    provider: "acme-issues",
    request: {
      operationId,
      method,
      url: `${github.url}/repos/acme/billing/issues`,
      headers: body ? { "content-type": "application/json" } : {},
      ...(body ? { body: Buffer.from(JSON.stringify(body)).toString("base64") } : {}),
    },
  });

describe("approval by operation, provider outside the catalog", () => {
  it("refuses every call until the document is given, then checks operations against it", async () => {
    const before = await proxy("issues/list-for-repo", "GET");
    expect(before.json.error).toMatchObject({ code: "operation_mismatch", details: { reason: "no_document" } });
    expect(before.json.error.message).toContain("providers set acme-issues --from-spec");

    const file = join(tmp.dir, "acme.json");
    writeFileSync(file, JSON.stringify(DOC));
    const set = await runVaultCli(["providers", "set", "acme-issues", "--data", v.dataDir, "--from-spec", file, "--base-url", github.url]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain("Operations from the document: 2");

    expect((await proxy("issues/list-for-repo", "GET")).status).toBe(200);
    expect((await proxy("issues/create", "POST", { title: "x" })).json.error.code).toBe("approval_required");
    expect((await proxy("issues/list-for-repo", "POST", { title: "x" })).json.error).toMatchObject({ code: "operation_mismatch", details: { reason: "method" } });
    expect((await proxy("issues/delete", "DELETE")).json.error).toMatchObject({ code: "operation_mismatch", details: { reason: "unknown" } });
  }, 60_000);
});

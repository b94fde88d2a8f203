// Retrieve mode: managed-secret grants resolved by id, sealed to the caller, audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, issueGrant, readAudit, revokeGrant, setProviderConfig } from "../support/vault-admin.js";
import { VaultTransport } from "../../runtime/internal/transport.js";
import { call, startTestVault, unsealFor, verifyResponse, type TestVault } from "./helpers.js";
import { openTestDb, refuseAuditInserts } from "../support/vault-db.js";

const CANARY = "ghp_CANARY_retrieve_7f3a9c0e1d2b4a5f";
let v: TestVault;
let grantId: string;

beforeAll(async () => {
  v = await startTestVault();
  const secret = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: CANARY, label: "octocat" });
  grantId = (await issueGrant({ dataDir: v.dataDir, secretId: secret.id, principal: "system", label: "nightly job" })).grantId;
});
afterAll(async () => {
  await v.close();
});

const body = (grant: unknown, url = "https://api.github.com/repos/o/r") => ({
  grant,
  provider: "github",
  request: { operationId: "repos/get", method: "GET", url },
  context: { caller: "report-bot", callerType: "agent", reason: "weekly report", runId: "run-1", toolName: "github_get_repo" },
});

describe("POST /v1/credentials/retrieve", () => {
  it("returns the credential sealed to this request, with injection and hosts", async () => {
    const res = await call(v, "POST", "/v1/credentials/retrieve", body({ grantId }));
    expect(res.status).toBe(200);
    verifyResponse(v.apiKey, res.req, res);
    expect(res.json).toMatchObject({ grantId, provider: "github", account: "octocat", injection: { type: "bearer" } });
    expect(res.json.hosts).toContain("api.github.com");
    expect(res.body.toString()).not.toContain(CANARY);
    expect(unsealFor<{ token: string }>(v.apiKey, res.req.nonce, res.json.credential)).toEqual({ token: CANARY });
    // Sealed to this request's nonce: another nonce cannot open it.
    expect(() => unsealFor(v.apiKey, "AAAAAAAAAAAAAAAAAAAAAA", res.json.credential)).toThrow();
  });

  it("works through the runtime's signed transport", async () => {
    const t = new VaultTransport({ baseUrl: v.url, apiKey: v.apiKey });
    const res = await t.request<{ credential: unknown; grantId: string }>("POST", "/v1/credentials/retrieve", { body: body({ grantId }) });
    expect(res.data.grantId).toBe(grantId);
    expect(unsealFor(v.apiKey, res.nonce, res.data.credential)).toEqual({ token: CANARY });
    await t.close();
  });

  it("writes an audit row with the context and no secret", async () => {
    const res = await call(v, "POST", "/v1/credentials/retrieve", body({ grantId }, "https://api.github.com/repos/o/r?access_token=leak"));
    expect(res.status).toBe(200);
    const rows = await readAudit({ dataDir: v.dataDir, grantId });
    const row = rows.find((r) => r.id === res.json.auditId)!;
    expect(row).toMatchObject({
      action: "credential.retrieve",
      outcome: "success",
      status: 200,
      keyId: v.keyId,
      caller: "report-bot",
      callerType: "agent",
      reason: "weekly report",
      runId: "run-1",
      toolName: "github_get_repo",
      principalType: "system",
      provider: "github",
      operationId: "repos/get",
      method: "GET",
    });
    expect(row.url).toContain("access_token=REDACTED");
    expect(JSON.stringify(rows)).not.toContain(CANARY);
  });

  it("refuses a target outside the provider's hosts", async () => {
    const res = await call(v, "POST", "/v1/credentials/retrieve", body({ grantId }, "https://evil.example.com/x"));
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("provider_host_not_allowed");
  });

  it("answers grant_not_found for an unknown id and invalid_request for a wrong provider", async () => {
    const missing = await call(v, "POST", "/v1/credentials/retrieve", body({ grantId: "5b1f4c1e-0000-4000-8000-000000000000" }));
    expect(missing.json.error.code).toBe("grant_not_found");
    const wrong = await call(v, "POST", "/v1/credentials/retrieve", { ...body({ grantId }), provider: "slack" });
    expect(wrong.json.error.code).toBe("invalid_request");
  });

  it("needs a user token for an identity reference", async () => {
    const res = await call(v, "POST", "/v1/credentials/retrieve", body({ provider: "github" }));
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("user_token_invalid");
  });

  it("rejects malformed bodies naming the field", async () => {
    const res = await call(v, "POST", "/v1/credentials/retrieve", { grant: { grantId }, provider: 42 });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "invalid_request" });
    expect(res.json.error.message).toContain("/provider");
    const notJson = await call(v, "POST", "/v1/credentials/retrieve", "{not json");
    expect(notJson.json.error.code).toBe("invalid_request");
  });

  it("basic secrets are injected as Basic auth, with a provider's hosts overridden per app", async () => {
    await setProviderConfig({ dataDir: v.dataDir, provider: "jira", baseUrl: "https://acme.atlassian.net", hosts: ["acme.atlassian.net"] });
    const s = await addManagedSecret({ dataDir: v.dataDir, provider: "jira", type: "basic", value: "bot@acme.test:CANARYpw" });
    const g = await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system" });
    const res = await call(v, "POST", "/v1/credentials/retrieve", {
      grant: { grantId: g.grantId },
      provider: "jira",
      request: { method: "GET", url: "https://acme.atlassian.net/rest/api/3/myself" },
    });
    expect(res.status).toBe(200);
    expect(res.json.injection).toEqual({ type: "basic" });
    expect(res.json.hosts).toEqual(["acme.atlassian.net"]);
    expect(unsealFor(v.apiKey, res.req.nonce, res.json.credential)).toEqual({ username: "bot@acme.test", password: "CANARYpw" });
  });

  it("a revoked grant answers grant_revoked and is audited as denied", async () => {
    const s = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: "ghp_other" });
    const g = await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system" });
    await revokeGrant({ dataDir: v.dataDir, grantId: g.grantId, reason: "rotated" });
    const res = await call(v, "POST", "/v1/credentials/retrieve", body({ grantId: g.grantId }));
    expect(res.status).toBe(410);
    expect(res.json.error.code).toBe("grant_revoked");
    const rows = await readAudit({ dataDir: v.dataDir, grantId: g.grantId });
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([
      ["admin", "success"],
      ["admin", "success"],
      ["credential.retrieve", "denied"],
    ]);
  });
});

describe("when the audit row cannot be written", () => {
  it("the request fails and no credential leaves the vault", async () => {
    const db = await openTestDb(v.dataDir);
    const allow = await refuseAuditInserts(db);
    try {
      const res = await call(v, "POST", "/v1/credentials/retrieve", body({ grantId }));
      expect(res.status).toBe(500);
      expect(res.json.error.code).toBe("internal_error");
      expect(res.json.credential).toBeUndefined();
      verifyResponse(v.apiKey, res.req, res);
    } finally {
      await allow();
      await db.close();
    }
    expect((await call(v, "POST", "/v1/credentials/retrieve", body({ grantId }))).status).toBe(200);
  });
});

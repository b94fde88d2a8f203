// GET /v1/grants paging and filters, user and group grants refused without an IDP, revocation over
// the API, concurrent approvals running once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, approve, issueGrant, revokeGrant, setProviderConfig } from "../support/vault-admin.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";
import { call, startTestVault, type TestVault } from "./helpers.js";

let v: TestVault;
let ids: string[] = [];
let secretId: string;

beforeAll(async () => {
  v = await startTestVault();
  secretId = (await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: "ghp_list" })).id;
  for (let i = 0; i < 5; i++) ids.push((await issueGrant({ dataDir: v.dataDir, secretId, principal: "system", label: `g${i}` })).grantId);
  await revokeGrant({ dataDir: v.dataDir, grantId: ids[1]! });
});
afterAll(async () => {
  await v.close();
});

describe("GET /v1/grants", () => {
  it("pages with nextCursor until null, in creation order", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call(v, "GET", `/v1/grants?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.json.grants.length).toBeLessThanOrEqual(2);
      seen.push(...res.json.grants.map((g: { grantId: string }) => g.grantId));
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  it("filters by status and provider", async () => {
    const revoked = await call(v, "GET", "/v1/grants?status=revoked");
    expect(revoked.json.grants.map((g: { grantId: string }) => g.grantId)).toEqual([ids[1]]);
    const active = await call(v, "GET", "/v1/grants?status=active&provider=github");
    expect(active.json.grants).toHaveLength(4);
    const none = await call(v, "GET", "/v1/grants?provider=slack");
    expect(none.json.grants).toEqual([]);
  });

  it("rejects bad parameters naming them", async () => {
    expect((await call(v, "GET", "/v1/grants?limit=0")).json.error.message).toContain("limit");
    expect((await call(v, "GET", "/v1/grants?status=gone")).json.error.message).toContain("status");
    expect((await call(v, "GET", "/v1/grants?cursor=bogus")).json.error.message).toContain("cursor");
  });
});

describe("POST /v1/grants without an IDP", () => {
  // A group id (or a subject) means something only at an IDP: with none set, no grant can name one.
  it("refuses a group principal naming the field, and issues nothing", async () => {
    const res = await call(v, "POST", "/v1/grants", { managedSecretId: secretId, principal: { type: "group", groupId: "ops" } });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "invalid_request" });
    expect(res.json.error.message).toMatch(/\/principal\/groupId names a group at the app's IDP, and none is set/);
    expect((await call(v, "GET", "/v1/grants")).json.grants).toHaveLength(ids.length);
  });

  it.each(["user:alice", "group:ops"])("refuses --principal %s at the CLI's API, saying to set an IDP", async (principal) => {
    await expect(issueGrant({ dataDir: v.dataDir, secretId, principal })).rejects.toThrow(/names an identity at the app's IDP, and none is set; run `alter-gen vault idp set/);
  });
});

describe("POST /v1/grants/{id}/revoke", () => {
  it("revokes once; after that the grant is not found", async () => {
    const res = await call(v, "POST", `/v1/grants/${ids[4]}/revoke`, { reason: "offboarding" });
    expect(res.status).toBe(200);
    expect(res.json.grant).toMatchObject({ grantId: ids[4], status: "revoked" });
    const again = await call(v, "POST", `/v1/grants/${ids[4]}/revoke`, { reason: "again" });
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe("grant_not_found");
  });
});

describe("approvals under concurrency", () => {
  let standin: Standin;
  beforeAll(async () => {
    standin = await startProviderStandin("github", { credential: "ghp_list" });
    await setProviderConfig({ dataDir: v.dataDir, provider: "github", baseUrl: standin.url });
  });
  afterAll(async () => {
    await standin.close();
  });

  it("two approvals racing run the call exactly once", async () => {
    const g = await issueGrant({ dataDir: v.dataDir, secretId, principal: "system", policy: { requireApproval: true } });
    const res = await call(v, "POST", "/v1/proxy", {
      grant: { grantId: g.grantId },
      provider: "github",
      request: { method: "GET", url: standin.url + "/repos/o/r", headers: {}, body: null },
    });
    const { approvalId } = res.json.error.details;
    const before = standin.requests.length;
    const outcomes = await Promise.allSettled([approve({ dataDir: v.dataDir, approvalId }), approve({ dataDir: v.dataDir, approvalId })]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(standin.requests.length).toBe(before + 1);
    expect((await call(v, "GET", `/v1/approvals/${approvalId}`)).json.status).toBe("executed");
  });
});

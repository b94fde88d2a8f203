// The operator's policy floor on a managed secret: every grant over it is held to the floor and
// to its own policy at every access (the stricter rule wins, per field), a grant issued over the
// API cannot shed it, and a raised floor applies to existing grants at once (it is read, never
// copied).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, issueGrant, setSecretPolicy } from "../support/vault-admin.js";
import { evaluatePolicies, type AccessFacts, type PolicyLayer } from "../../vault/policy/evaluate.js";
import type { GrantPolicy } from "../../vault/grant-types.js";
import { call, startTestVault, unsealFor, type TestVault } from "./helpers.js";

const at = (iso: string) => Date.parse(iso);
const layers = (floor: GrantPolicy, grant: GrantPolicy): PolicyLayer[] => [
  { source: "floor", policy: floor },
  { source: "grant", policy: grant },
];

describe("floor and grant policy together: the stricter rule wins, per field", () => {
  const base: AccessFacts = {
    nowMs: at("2026-01-14T10:00:00Z"),
    remoteAddress: "10.1.2.3",
    grantCreatedAt: "2026-01-14T08:40:00Z", // 80 minutes earlier
    mode: "proxy",
    userGroups: ["eng"],
  };
  const utc = (start: string, end: string) => ({ start, end, timeZone: "UTC" });
  // [name, floor, grant, facts, denied by [field, source] | allowed (approval asked by)]
  const cases: [string, GrantPolicy, GrantPolicy, Partial<AccessFacts>, [string, string] | { approvalBy: string[] }][] = [
    ["TTL: the floor's shorter one ends it", { maxTtlSeconds: 3600 }, { maxTtlSeconds: 7200 }, {}, ["maxTtlSeconds", "floor"]],
    ["TTL: the grant's shorter one ends it", { maxTtlSeconds: 7200 }, { maxTtlSeconds: 3600 }, {}, ["maxTtlSeconds", "grant"]],
    ["TTL: both still running", { maxTtlSeconds: 7200 }, { maxTtlSeconds: 5400 }, {}, { approvalBy: [] }],
    ["expiry: the floor's earlier date", { expiresAt: "2026-01-14T09:00:00Z" }, { expiresAt: "2027-01-01T00:00:00Z" }, {}, ["expiresAt", "floor"]],
    ["expiry: the grant's earlier date", { expiresAt: "2027-01-01T00:00:00Z" }, { expiresAt: "2026-01-14T09:59:00Z" }, {}, ["expiresAt", "grant"]],
    ["windows intersect: inside the floor's, outside the grant's", { timeWindow: utc("09:00", "17:00") }, { timeWindow: utc("12:00", "20:00") }, {}, ["timeWindow", "grant"]],
    ["windows intersect: inside the grant's, outside the floor's", { timeWindow: utc("10:30", "17:00") }, { timeWindow: utc("06:00", "11:00") }, {}, ["timeWindow", "floor"]],
    ["windows intersect: inside both", { timeWindow: utc("09:00", "17:00") }, { timeWindow: utc("08:00", "11:00") }, {}, { approvalBy: [] }],
    ["IP: both lists must allow (grant narrower)", { ipAllowlist: ["10.0.0.0/8"] }, { ipAllowlist: ["10.9.0.0/16"] }, {}, ["ipAllowlist", "grant"]],
    ["IP: both lists must allow (floor narrower)", { ipAllowlist: ["10.9.0.0/16"] }, { ipAllowlist: ["10.0.0.0/8"] }, {}, ["ipAllowlist", "floor"]],
    ["IP: in both", { ipAllowlist: ["10.0.0.0/8"] }, { ipAllowlist: ["10.1.0.0/16"] }, {}, { approvalBy: [] }],
    ["approval: the floor asks even when the grant does not", { requireApproval: true }, { requireApproval: false }, {}, { approvalBy: ["floor"] }],
    ["approval: both ask", { requireApproval: true }, { requireApproval: true }, {}, { approvalBy: ["floor", "grant"] }],
    ["approval: the floor's forbids retrieve mode", { requireApproval: true }, {}, { mode: "retrieve" }, ["requireApproval", "floor"]],
    ["groups: the user must satisfy both lists", { groups: ["eng"] }, { groups: ["ops"] }, {}, ["groups", "grant"]],
    ["groups: a member of both", { groups: ["eng"] }, { groups: ["ops", "eng"] }, {}, { approvalBy: [] }],
    ["groups: no user token, no group", { groups: ["eng"] }, {}, { userGroups: null }, ["groups", "floor"]],
    ["no floor: the grant's policy alone", {}, { maxTtlSeconds: 60 }, {}, ["maxTtlSeconds", "grant"]],
  ];
  for (const [name, floor, grant, facts, want] of cases) {
    it(name, () => {
      const d = evaluatePolicies(layers(floor, grant), { ...base, ...facts });
      if (Array.isArray(want)) expect(d).toMatchObject({ allow: false, policy: want[0], source: want[1] });
      else expect(d).toEqual({ allow: true, requireApproval: want.approvalBy.length > 0, approvalBy: want.approvalBy });
    });
  }

  it("a closed intersection says when both windows are next open together", () => {
    const d = evaluatePolicies(layers({ timeWindow: utc("09:00", "17:00") }, { timeWindow: utc("12:00", "20:00") }), base);
    expect(d).toMatchObject({ allow: false, retryAfter: 2 * 3600 });
  });
});

describe("the floor on a live vault", () => {
  const CANARY = "ghp_FLOOR_CANARY_5a4b3c2d1e";
  let v: TestVault;
  beforeAll(async () => {
    v = await startTestVault();
  });
  afterAll(async () => {
    await v?.close();
  });

  const retrieve = (grantId: string) =>
    call(v, "POST", "/v1/credentials/retrieve", { grant: { grantId }, provider: "github", request: { method: "GET", url: "https://api.github.com/user" } });

  it("a grant issued over the API with an empty policy cannot shed the operator's floor", async () => {
    const s = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: CANARY, policyFloor: { requireApproval: true } });
    const issued = await call(v, "POST", "/v1/grants", { managedSecretId: s.id, principal: { type: "system" }, policy: {} });
    expect(issued.status).toBe(201);
    expect(issued.json.grant).toMatchObject({ policy: {}, policyFloor: { requireApproval: true } });
    const res = await retrieve(issued.json.grant.grantId);
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({ code: "policy_violation", details: { policy: "requireApproval", source: "floor" } });
    expect(res.body.toString()).not.toContain(CANARY);
  });

  it("a raised floor applies to existing grants at once, and a lowered one too (read, not copied)", async () => {
    const s = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: CANARY });
    const g = await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system" });
    const before = await retrieve(g.grantId);
    expect(before.status).toBe(200);
    expect(unsealFor<{ token: string }>(v.apiKey, before.req.nonce, before.json.credential).token).toBe(CANARY);

    await setSecretPolicy({ dataDir: v.dataDir, secretId: s.id, policyFloor: { ipAllowlist: ["10.0.0.0/8"] } });
    const raised = await retrieve(g.grantId);
    expect(raised.json.error).toMatchObject({ code: "policy_violation", details: { policy: "ipAllowlist", source: "floor" } });

    await setSecretPolicy({ dataDir: v.dataDir, secretId: s.id, policyFloor: { expiresAt: "2020-01-01T00:00:00Z" } });
    expect((await retrieve(g.grantId)).json.error).toMatchObject({ code: "grant_expired", details: { policy: "expiresAt", source: "floor" } });
    const listed = await call(v, "GET", "/v1/grants?status=expired");
    expect(listed.json.grants.find((x: { grantId: string }) => x.grantId === g.grantId)).toMatchObject({ status: "expired", expiresAt: "2020-01-01T00:00:00.000Z" });

    await setSecretPolicy({ dataDir: v.dataDir, secretId: s.id, policyFloor: {} });
    expect((await retrieve(g.grantId)).status).toBe(200);
  });

  it("refuses a grant whose time window never meets the floor's, naming the field", async () => {
    const s = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: CANARY, policyFloor: { timeWindow: { start: "09:00", end: "10:00", timeZone: "UTC" } } });
    const res = await call(v, "POST", "/v1/grants", {
      managedSecretId: s.id,
      principal: { type: "system" },
      policy: { timeWindow: { start: "14:00", end: "15:00", timeZone: "UTC" } },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "invalid_request", details: { pointer: "/policy/timeWindow" } });
    expect(res.json.error.message).toMatch(/never overlaps the managed secret's policy floor window 09:00-10:00/);
    const overlapping = await call(v, "POST", "/v1/grants", {
      managedSecretId: s.id,
      principal: { type: "system" },
      policy: { timeWindow: { start: "10:30", end: "09:30", timeZone: "UTC" } },
    });
    expect(overlapping.status).toBe(201);
  });

  it("proxy mode names the floor as what asked for approval", async () => {
    const s = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: CANARY, policyFloor: { requireApproval: true } });
    const g = await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system" });
    const res = await call(v, "POST", "/v1/proxy", {
      grant: { grantId: g.grantId },
      provider: "github",
      request: { method: "GET", url: "https://api.github.com/user", headers: {}, body: null },
    });
    expect(res.json.error.code).toBe("approval_required");
    const { showApproval } = await import("../support/vault-admin.js");
    const shown = await showApproval({ dataDir: v.dataDir, approvalId: res.json.error.details.approvalId });
    expect(shown.review.askedBy).toEqual(["floor"]);
  });

  it("rejects a bad floor naming the field", async () => {
    await expect(addManagedSecret({ dataDir: v.dataDir, provider: "github", value: CANARY, policyFloor: { groups: [] } })).rejects.toThrow(/policy floor\.groups/);
    await expect(setSecretPolicy({ dataDir: v.dataDir, secretId: "nope", policyFloor: {} })).rejects.toThrow(/No managed secret with id "nope"/);
  });
});

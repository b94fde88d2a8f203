// Whether a grant may be used for one call: the ordered rule table of vault/grants/authorize.ts,
// shared by retrievals, proxy calls and approved calls. One row per case, asserting the rule that
// decided and the error code (or the approval it asks for).
import { describe, expect, it } from "vitest";
import { decideUsability, USABILITY_RULES, type UsabilityFacts } from "../../vault/grants/authorize.js";
import type { GrantPolicy, GrantStatus } from "../../vault/grant-types.js";
import type { AccessFacts } from "../../vault/policy/evaluate.js";

const NOW = Date.parse("2026-03-04T12:00:00Z"); // a Wednesday, noon UTC
const PAST = "2026-03-01T00:00:00Z";
const FUTURE = "2026-04-01T00:00:00Z";

function facts(status: GrantStatus, grant: GrantPolicy = {}, floor: GrantPolicy = {}, access: Partial<AccessFacts> = {}): UsabilityFacts {
  const layers = [...(Object.keys(floor).length > 0 ? [{ source: "floor" as const, policy: floor }] : []), { source: "grant" as const, policy: grant }];
  return {
    status,
    layers,
    access: { nowMs: NOW, remoteAddress: "10.0.0.5", grantCreatedAt: "2026-03-03T00:00:00Z", mode: "proxy", userGroups: null, ...access },
  };
}

type Want = { rule: string; code: string; policy?: string } | { rule: "usable"; approvalBy: string[] };

const table: [name: string, given: UsabilityFacts, want: Want][] = [
  ["an active grant with no policy", facts("active"), { rule: "usable", approvalBy: [] }],
  ["a revoked grant", facts("revoked"), { rule: "revoked", code: "grant_revoked" }],
  ["a revoked grant outside its window: revocation speaks first", facts("revoked", { timeWindow: { start: "01:00", end: "02:00", timeZone: "UTC" } }), { rule: "revoked", code: "grant_revoked" }],
  ["a grant whose credential stopped working", facts("reauth_required"), { rule: "reauth-required", code: "reauth_required" }],
  ["expired by its policy: the policy is named", facts("expired", { expiresAt: PAST }), { rule: "policy", code: "grant_expired", policy: "expiresAt" }],
  ["expired by the floor's TTL", facts("expired", {}, { maxTtlSeconds: 60 }), { rule: "policy", code: "grant_expired", policy: "maxTtlSeconds" }],
  ["expired with no policy to name", facts("expired"), { rule: "expired", code: "grant_expired" }],
  ["an expiry still ahead", facts("active", { expiresAt: FUTURE }), { rule: "usable", approvalBy: [] }],
  ["outside the grant's time window", facts("active", { timeWindow: { start: "01:00", end: "02:00", timeZone: "UTC" } }), { rule: "policy", code: "policy_violation", policy: "timeWindow" }],
  ["inside the time window", facts("active", { timeWindow: { start: "09:00", end: "17:00", timeZone: "UTC" } }), { rule: "usable", approvalBy: [] }],
  ["an address outside the allowlist", facts("active", { ipAllowlist: ["192.168.0.0/16"] }), { rule: "policy", code: "policy_violation", policy: "ipAllowlist" }],
  ["an address inside the floor's allowlist", facts("active", {}, { ipAllowlist: ["10.0.0.0/8"] }), { rule: "usable", approvalBy: [] }],
  ["a group policy and no user token", facts("active", { groups: ["eng"] }), { rule: "policy", code: "policy_violation", policy: "groups" }],
  ["a group policy and a member (an approved call passes its requester's groups)", facts("active", { groups: ["eng"] }, {}, { userGroups: ["eng"] }), { rule: "usable", approvalBy: [] }],
  ["approval asked, in retrieve mode", facts("active", { requireApproval: true }, {}, { mode: "retrieve" }), { rule: "policy", code: "policy_violation", policy: "requireApproval" }],
  ["approval asked by the grant, in proxy mode", facts("active", { requireApproval: true }), { rule: "usable", approvalBy: ["grant"] }],
  ["approval asked by the floor and the grant", facts("active", { requireApproval: true }, { requireApproval: true }), { rule: "usable", approvalBy: ["floor", "grant"] }],
  ["a policy that cannot be read fails closed", facts("active", { expiresAt: "not a date" }), { rule: "policy", code: "policy_violation", policy: "invalid" }],
];

describe("decideUsability", () => {
  it("checks its rules in this order", () => {
    expect(USABILITY_RULES.map(([name]) => name)).toEqual(["revoked", "reauth-required", "policy", "expired"]);
  });

  it.each(table)("%s", (_name, given, want) => {
    const d = decideUsability(given);
    expect(d.rule).toBe(want.rule);
    if ("approvalBy" in want) {
      expect(d).toEqual({ ok: true, rule: "usable", requireApproval: want.approvalBy.length > 0, approvalBy: want.approvalBy });
    } else {
      if (d.ok) throw new Error(`expected a refusal by ${want.rule}`);
      expect(d.error.code).toBe(want.code);
      if (want.policy) expect(d.error.details).toMatchObject({ policy: want.policy });
    }
  });
});

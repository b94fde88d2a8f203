// Policies enforced by the running vault on retrieval: IP allowlist against the SDK's address,
// time windows, expiry/TTL; each denial is a signed 403/410 with the policy named, and audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, issueGrant, readAudit } from "../support/vault-admin.js";
import type { GrantPolicy } from "../support/vault-admin.js";
import { call, startTestVault, verifyResponse, type TestVault } from "./helpers.js";

let v: TestVault;
let secretId: string;
beforeAll(async () => {
  v = await startTestVault();
  secretId = (await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: "ghp_policy" })).id;
});
afterAll(async () => {
  await v.close();
});

async function retrieveWith(policy: GrantPolicy) {
  const g = await issueGrant({ dataDir: v.dataDir, secretId, principal: "system", policy });
  const res = await call(v, "POST", "/v1/credentials/retrieve", {
    grant: { grantId: g.grantId },
    provider: "github",
    request: { method: "GET", url: "https://api.github.com/user" },
  });
  verifyResponse(v.apiKey, res.req, res);
  return { res, grantId: g.grantId };
}

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

describe("policies on a live vault", () => {
  it("IP allowlist: loopback caller outside 10.0.0.0/8 is refused, inside 127.0.0.0/8 allowed", async () => {
    const denied = await retrieveWith({ ipAllowlist: ["10.0.0.0/8", "2001:db8::/32"] });
    expect(denied.res.status).toBe(403);
    expect(denied.res.json.error).toMatchObject({ code: "policy_violation", details: { policy: "ipAllowlist" } });
    const rows = await readAudit({ dataDir: v.dataDir, grantId: denied.grantId });
    expect(rows.at(-1)).toMatchObject({ action: "credential.retrieve", outcome: "denied", errorCode: "policy_violation", remoteAddress: "127.0.0.1" });
    const allowed = await retrieveWith({ ipAllowlist: ["127.0.0.0/8"] });
    expect(allowed.res.status).toBe(200);
  });

  it("time window: outside is refused with retryAfter, inside is allowed", async () => {
    const now = Date.now();
    const later = await retrieveWith({ timeWindow: { start: hhmm(now + 2 * 3600_000), end: hhmm(now + 3 * 3600_000), timeZone: "UTC" } });
    expect(later.res.status).toBe(403);
    expect(later.res.json.error.details.policy).toBe("timeWindow");
    const retryAfter = later.res.json.error.details.retryAfter;
    expect(retryAfter).toBeGreaterThan(3600);
    expect(retryAfter).toBeLessThanOrEqual(2 * 3600);
    const open = await retrieveWith({ timeWindow: { start: hhmm(now - 3600_000), end: hhmm(now + 3600_000), timeZone: "Asia/Kolkata" } });
    // Same instants expressed in UTC+5:30: the window computed in UTC does not match Kolkata time.
    expect(open.res.status).toBe(403);
    const openUtc = await retrieveWith({ timeWindow: { start: hhmm(now - 3600_000), end: hhmm(now + 3600_000), timeZone: "UTC" } });
    expect(openUtc.res.status).toBe(200);
  });

  it("expiry and TTL answer grant_expired", async () => {
    const past = await retrieveWith({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(past.res.status).toBe(410);
    expect(past.res.json.error.code).toBe("grant_expired");
    const g = await issueGrant({ dataDir: v.dataDir, secretId, principal: "system", policy: { maxTtlSeconds: 1 } });
    await new Promise((r) => setTimeout(r, 1100));
    const res = await call(v, "POST", "/v1/credentials/retrieve", {
      grant: { grantId: g.grantId },
      provider: "github",
      request: { method: "GET", url: "https://api.github.com/user" },
    });
    expect(res.json.error.code).toBe("grant_expired");
    const list = await call(v, "GET", "/v1/grants?status=expired");
    expect(list.json.grants.map((x: { grantId: string }) => x.grantId)).toContain(g.grantId);
  });
});

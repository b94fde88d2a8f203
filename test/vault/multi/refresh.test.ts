// Case 2 of issue 14's multi-instance list: 1,000 concurrent calls on an EXPIRED OAuth grant,
// spread round-robin over three vault processes by the balancer, make exactly one refresh at the
// token endpoint of a real authorization server (oidc-provider, rotating refresh tokens: a second
// refresh with the same refresh token would be refused and would revoke the authorization).
// Calls go through the runtime SDK and the generated GitHub client: 500 in retrieve mode (the SDK
// calls GitHub's stand-in with the token), 500 in proxy mode (the vault calls it). Every call
// succeeds with the new token, and the database holds one `grant.refresh` row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGithubClient } from "alter-gen/generated/github";
import { chainOf, expiredOAuthGrant, startAll, startMulti, verifyChains, type Multi } from "./harness.js";

const CALLS = 1000;
const INSTANCES = 3;

let world: Multi;
let grant: { grantId: string; staleToken: string };
beforeAll(async () => {
  world = await startMulti({ engine: "postgres", instances: INSTANCES });
  // The grant exists before the instances start: none of them has seen its record yet.
  grant = await expiredOAuthGrant(world);
  await startAll(world, INSTANCES);
}, 90_000);
afterAll(async () => {
  await world?.close();
});

describe("an expired OAuth grant under 1,000 concurrent calls over three vault processes", () => {
  it("is refreshed exactly once; every call succeeds with the new token", async () => {
    // Retries as shipped (the default policy): a caller that meets the refresh in flight on
    // another instance waits or is told to retry (token_refresh_in_progress) within it.
    const vault = world.client({ caller: "multi-refresh" });
    const from = world.github.requests.length;
    const lbFrom = world.lb.log.length;
    const calls = Array.from({ length: CALLS }, (_, i) => {
      const mode = i % 2 === 0 ? "retrieve" : "proxy";
      const gh = createGithubClient(vault, { baseUrl: world.github.url, mode });
      return gh.repos.get(grant.grantId, { owner: "o", repo: "r" }, { runId: `refresh-${i}` });
    });
    const results = await Promise.allSettled(calls);
    const failed = results.flatMap((r, i) => (r.status === "rejected" ? [`call ${i}: ${String((r.reason as Error).message)}`] : []));
    expect(failed).toEqual([]);

    // One refresh at the authorization server, and it succeeded.
    expect(world.idp.tokenRequests("refresh_token").map((r) => [r.status, r.outcome])).toEqual([[200, "success"]]);
    // Every provider call carried the same, new token (never the stale one).
    const tokens = new Set(world.github.requests.slice(from).map((r) => r.headers.authorization));
    expect(tokens.size).toBe(1);
    const [token] = [...tokens];
    expect(token).not.toBe(`Bearer ${grant.staleToken}`);
    expect(world.idp.isActiveAccessToken(token!.replace(/^Bearer /, ""))).toBe(true);

    // The calls really were spread: every instance answered a good share of them.
    const perInstance = world.instances.map((p) => world.lb.log.slice(lbFrom).filter((e) => e.backend === p.url).length);
    for (const n of perInstance) expect(n).toBeGreaterThan(CALLS / INSTANCES / 2);

    const rows = await world.auditRows();
    expect(rows.filter((r) => r.action === "grant.refresh").map((r) => r.outcome)).toEqual(["success"]);
    const callRows = rows.filter((r) => r.run_id?.startsWith("refresh-") && r.outcome === "success");
    expect(new Set(callRows.map((r) => r.run_id)).size).toBe(CALLS);
    // Each instance wrote its share of them into its own chain.
    expect([...new Set(callRows.map((r) => r.chain))].sort()).toEqual([chainOf(0), chainOf(1), chainOf(2)]);
    expect((await verifyChains(world)).flatMap((c) => c.problems)).toEqual([]);
  }, 120_000);
});

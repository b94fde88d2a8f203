// The multi-instance harness proven on the default engine, one SQLite vault process behind the
// balancer: the launcher's listening line and exit, calls through the balancer (signed for its
// URL, verified by the instance through --public-url), an expired OAuth grant refreshed once at
// oidc-provider for many concurrent calls, and a SIGKILL'd process restarted over its folder.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGithubClient } from "alter-gen/generated/github";
import { expiredOAuthGrant, startMulti, type Multi } from "./harness.js";

let world: Multi;
beforeAll(async () => {
  world = await startMulti({ engine: "sqlite", instances: 1 });
}, 60_000);
afterAll(async () => {
  await world?.close();
});

describe("the harness on one SQLite vault process", () => {
  it("serves calls through the balancer; an expired grant is refreshed once for 50 concurrent calls", async () => {
    const { grantId } = await expiredOAuthGrant(world);
    await world.startInstance(0);
    const gh = createGithubClient(world.client(), { baseUrl: world.github.url });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => gh.repos.get(grantId, { owner: "o", repo: "r" }, { runId: `smoke-${i}` })));
    expect(results.every((r) => typeof r.id === "number")).toBe(true);
    expect(world.idp.tokenRequests("refresh_token").map((r) => r.outcome)).toEqual(["success"]);
    const rows = await world.auditRows();
    expect(rows.filter((r) => r.action === "grant.refresh")).toHaveLength(1);
    expect(rows.filter((r) => r.action === "credential.retrieve" && r.run_id?.startsWith("smoke-")).length).toBe(50);
    expect(world.lb.served.get(world.instances[0]!.url)).toBeGreaterThanOrEqual(50);
  }, 60_000);

  it("a SIGKILL'd process is gone at once; one started again over the folder serves the same grant", async () => {
    const grantId = await world.managedGrant("ghp_MultiSmokeCANARY0001");
    const first = world.instances[0]!;
    expect(await first.kill("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    const again = await world.startInstance(0);
    expect(again.pid).not.toBe(first.pid);
    const gh = createGithubClient(world.client(), { baseUrl: world.github.url });
    expect(typeof (await gh.repos.get(grantId, { owner: "o", repo: "r" })).id).toBe("number");
  }, 60_000);
});

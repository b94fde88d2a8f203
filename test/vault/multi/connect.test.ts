// Case 3 of issue 14's multi-instance list: a connect flow started on one vault process finishes
// on another. The SDK's connect() and the person's browser (real Chromium) go through the
// balancer, which here sends each request by its path: the provider's callback
// (/connect/callback/…) to instance B, everything else (the session, the confirmation page, the
// SDK's polling) to instance A. So the state and PKCE verifier A stored must be found by B, B
// redeems the code at the authorization server (oidc-provider), and A reports the session
// complete. Then the new grant is used once through each instance, the balancer pinned to it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGithubClient } from "alter-gen/generated/github";
import { completeIdpLogin, confirmConnect, launchBrowser, type TestBrowser } from "../../support/browser.js";
import { chainOf, startAll, startMulti, verifyChains, type Multi } from "./harness.js";

const INSTANCES = 3;
let world: Multi;
let browser: TestBrowser;
beforeAll(async () => {
  [world, browser] = await Promise.all([startMulti({ engine: "postgres", instances: INSTANCES }), launchBrowser()]);
  await startAll(world, INSTANCES);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await world?.close();
});

describe("a connect flow across vault processes", () => {
  it("starts on A, the provider's callback lands on B, A reports the grant; the grant works through every instance", async () => {
    const [a, b] = world.instances;
    world.lb.pick = (req, backends) => backends.indexOf((req.url ?? "").startsWith("/connect/callback/") ? b!.url : a!.url);
    const from = world.lb.log.length;
    const vault = world.client({ caller: "multi-connect" });
    const pages: Promise<void>[] = [];
    const grants = await vault.connect({
      providers: ["github"],
      scopes: { github: ["openid", "email", "repo"] },
      openBrowser: (url) =>
        void pages.push(
          (async () => {
            const page = await browser.newPage();
            try {
              await page.goto(url);
              await confirmConnect(page);
              await completeIdpLogin(page, { issuer: world.idp.issuer, username: "alice" });
            } finally {
              await page.close();
            }
          })(),
        ),
      pollIntervalMs: 100,
      timeoutMs: 30_000,
    });
    await Promise.all(pages);
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ provider: "github", status: "active" });

    // Where each step went: the callback on B (answered, once), nothing else of the flow on B.
    const flow = world.lb.log.slice(from);
    const callbacks = flow.filter((e) => e.path.startsWith("/connect/callback/"));
    expect(callbacks.map((e) => e.backend)).toEqual([b!.url]);
    expect(callbacks[0]!.outcome).toBeLessThan(400);
    expect(flow.filter((e) => e.backend !== a!.url && !e.path.startsWith("/connect/callback/"))).toEqual([]);
    // One code exchange at the authorization server.
    expect(world.idp.tokenRequests("authorization_code").map((r) => r.outcome)).toEqual(["success"]);

    // The grant, used once through each instance.
    const gh = createGithubClient(vault, { baseUrl: world.github.url });
    for (const [i, p] of world.instances.entries()) {
      world.lb.pick = (_req, backends) => backends.indexOf(p.url);
      const before = world.lb.log.length;
      const repo = await gh.repos.get(grants[0]!.grantId, { owner: "o", repo: "r" }, { runId: `connect-use-${i}` });
      expect(typeof repo.id).toBe("number");
      expect(world.lb.log.slice(before).map((e) => e.backend)).toEqual([p.url]);
    }
    const rows = await world.auditRows();
    // Each use is on the chain of the instance that served it.
    const uses = rows.filter((r) => r.run_id?.startsWith("connect-use-") && r.outcome === "success");
    expect(uses.map((r) => [r.run_id, r.chain]).sort()).toEqual(world.instances.map((_, i) => [`connect-use-${i}`, chainOf(i)]));
    // The connect row is B's: the instance that redeemed the code wrote it.
    const connected = rows.filter((r) => r.action === "connect" && r.grant_id === grants[0]!.grantId);
    expect(connected.map((r) => [r.outcome, r.chain])).toEqual([["success", chainOf(1)]]);
    expect((await verifyChains(world)).flatMap((c) => c.problems)).toEqual([]);
  }, 120_000);
});

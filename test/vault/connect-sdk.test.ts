// The SDK's own connect() and authenticate() against the local vault, with headless Chromium as
// the person's browser (openBrowser drives the page) and oidc-provider as both the app's IDP
// and GitHub's authorization server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault, ConnectDeniedError } from "../../runtime/index.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { startPeers, type Peers } from "./identity/harness.js";
import { runInBrowser, type BrowserOutcome } from "./identity/flows.js";

let peers: Peers;
let browser: TestBrowser;
beforeAll(async () => {
  [peers, browser] = await Promise.all([startPeers(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await peers?.close();
});

/** An openBrowser that runs the page as `username` in Chromium while the SDK polls. */
function opener(username: string, consent: "allow" | "deny" = "allow") {
  const runs: Promise<BrowserOutcome>[] = [];
  return {
    runs,
    open: (url: string) => {
      runs.push(runInBrowser(browser, peers, url, username, consent));
    },
  };
}

const SCOPES = { github: ["openid", "email", "repo"] };

describe("AlterVault.connect() / authenticate()", () => {
  it("connect() without a signed-in user returns a system grant", async () => {
    await using vault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url });
    const b = opener("alice");
    const grants = await vault.connect({ providers: ["github"], scopes: SCOPES, openBrowser: b.open, pollIntervalMs: 100, timeoutMs: 30_000 });
    expect((await b.runs[0])?.outcome).toBe("completed");
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ provider: "github", account: "alice@example.test", principal: { type: "system" }, status: "active" });
  });

  it("authenticate() then connect() makes a user grant that only that user lists and can revoke", async () => {
    await using vault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url });
    const login = opener("bob");
    const who = await vault.authenticate({ openBrowser: login.open, pollIntervalMs: 100, timeoutMs: 30_000 });
    expect((await login.runs[0])?.outcome).toBe("signed-in");
    expect(who.subject).toBe("bob");

    const b = opener("bob");
    const grants = await vault.connect({ providers: ["github"], scopes: SCOPES, openBrowser: b.open, pollIntervalMs: 100, timeoutMs: 30_000 });
    const bobId = (await peers.sql<{ id: string }>("SELECT id FROM users WHERE subject = 'bob'"))[0]!.id;
    expect(grants[0]).toMatchObject({ principal: { type: "user", id: bobId }, account: "bob@example.test" });

    // Listing as bob: his grant, not the system grant of the first test.
    const mine: string[] = [];
    for await (const g of vault.listGrants()) mine.push(`${g.principal.type}:${g.grantId}`);
    expect(mine).toContain(`user:${grants[0]!.grantId}`);
    expect(mine.every((x) => !x.startsWith("system:"))).toBe(true);

    const revocations = peers.idp.requests.filter((r) => r.path === "/token/revocation").length;
    const revoked = await vault.revokeGrant(grants[0]!.grantId, { reason: "done" });
    expect(revoked.status).toBe("revoked");
    expect(peers.idp.requests.filter((r) => r.path === "/token/revocation").length).toBeGreaterThan(revocations);
  });

  it("connect() rejects with ConnectDeniedError when the user refuses", async () => {
    await using vault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url });
    const b = opener("alice", "deny");
    await expect(vault.connect({ providers: ["github"], scopes: SCOPES, openBrowser: b.open, pollIntervalMs: 100, timeoutMs: 30_000 })).rejects.toBeInstanceOf(
      ConnectDeniedError,
    );
    expect((await b.runs[0])?.outcome).toBe("denied");
  });
});

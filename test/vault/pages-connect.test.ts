// What a person reads on the connect and sign-in pages, and what the app learns, in the cases that
// used to go wrong (issue 15): a partial connect (first provider connected, second declined) was
// reported as "nothing was connected" and as a denied session with no grants; a finished page
// reloaded, or a finished link opened again, said "Could not connect"; the confirmation page
// opened in a second tab broke the first tab's button. Headless Chromium is the person's browser;
// oidc-provider is the app's IDP and the authorization server of both providers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault, ConnectDeniedError } from "../../runtime/index.js";
import { setProviderConfig, setOAuthEndpoints } from "../support/vault-admin.js";
import { completeIdpLogin, confirmConnect, launchBrowser, type TestBrowser } from "../support/browser.js";
import { startPeers, type Peers } from "./identity/harness.js";
import { connectStatus, createConnect, runInBrowser } from "./identity/flows.js";

const APP = "Acme Support";
let peers: Peers;
let browser: TestBrowser;
beforeAll(async () => {
  [peers, browser] = await Promise.all([startPeers({ appName: APP }), launchBrowser()]);
  // A second provider at the same authorization server, with its own client and callback.
  const google = { clientId: "gcal-oauth-app", clientSecret: "gcal-secret-CANARY-55aa" };
  peers.idp.addClient({ ...google, authMethod: "client_secret_basic", redirectUris: [`${peers.vault.url}/connect/callback/google-calendar`] });
  await setProviderConfig({ dataDir: peers.dataDir, provider: "google-calendar", clientId: google.clientId, clientSecret: google.clientSecret });
  await setOAuthEndpoints({
    dataDir: peers.dataDir,
    provider: "google-calendar",
    authorizeUrl: peers.idp.endpoints.authorize,
    tokenUrl: peers.idp.endpoints.token,
    authMethod: "client_secret_basic",
  });
});
afterAll(async () => {
  await browser?.close();
  await peers?.close();
});

const TWO = { providers: ["github", "google-calendar"], scopes: { github: ["openid", "email"], "google-calendar": ["openid", "email"] } };
const states = async (page: import("playwright-core").Page) =>
  Object.fromEntries(
    await page.locator("#providers li").evaluateAll((lis) => lis.map((li) => [li.getAttribute("data-provider"), li.getAttribute("data-state")])),
  ) as Record<string, string>;

/** Connects GitHub, then declines Google Calendar at the provider, in one page; returns the page. */
async function connectThenDecline(connectUrl: string) {
  await browser.context.clearCookies();
  const page = await browser.newPage();
  await page.goto(connectUrl);
  await page.click("#connect-github");
  await confirmConnect(page);
  await completeIdpLogin(page, { issuer: peers.idp.issuer, username: "alice" });
  expect(await page.locator("#message").getAttribute("data-outcome")).toBe("connected");
  await page.click("#continue");
  await confirmConnect(page);
  await completeIdpLogin(page, { issuer: peers.idp.issuer, username: "alice", consent: "deny" });
  return page;
}

describe("a partial connect", () => {
  it("says what was connected, and the session result lists the grant and each provider's status", async () => {
    const session = await createConnect(peers, TWO);
    const page = await connectThenDecline(session.connectUrl);
    try {
      expect(await page.locator("#message").getAttribute("data-outcome")).toBe("partial-denied");
      const message = await page.locator("#message").textContent();
      expect(message).toMatch(/Google Calendar was not connected/);
      expect(message).toMatch(/GitHub stays connected to Acme Support/);
      expect(message).not.toMatch(/nothing was connected/i);
      expect(await states(page)).toEqual({ github: "connected", "google-calendar": "denied" });
      expect(await page.locator('#providers li[data-provider="github"]').textContent()).toContain("alice@example.test");
    } finally {
      await page.close();
    }
    const status = await connectStatus(peers, session.sessionId);
    expect(status.status).toBe("denied");
    expect(status.grants).toHaveLength(1);
    expect(status.grants[0]).toMatchObject({ provider: "github", status: "active", account: "alice@example.test" });
    expect((status as unknown as { providers: unknown }).providers).toEqual([
      { provider: "github", status: "connected", grantId: status.grants[0]!.grantId },
      { provider: "google-calendar", status: "denied", grantId: null },
    ]);
  });

  it("reaches the SDK: ConnectDeniedError carries the grant that was made and each provider's status", async () => {
    await using vault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url });
    const pages: Promise<unknown>[] = [];
    const error = await vault
      .connect({ ...TWO, pollIntervalMs: 100, timeoutMs: 60_000, openBrowser: (url) => void pages.push(connectThenDecline(url).then((p) => p.close())) })
      .then(
        () => null,
        (e: unknown) => e,
      );
    await Promise.all(pages);
    expect(error).toBeInstanceOf(ConnectDeniedError);
    const denied = error as ConnectDeniedError;
    expect(denied.grants.map((g) => g.provider)).toEqual(["github"]);
    expect(denied.providers.map((p) => `${p.provider}:${p.status}`)).toEqual(["github:connected", "google-calendar:denied"]);
    expect(denied.message).toMatch(/connected before that: github/);
  });
});

describe("finished pages stay finished", () => {
  it("a reloaded success page and a completed connect link say it is connected, not that it failed", async () => {
    const session = await createConnect(peers, { providers: ["github"], scopes: { github: ["openid", "email"] } });
    await browser.context.clearCookies();
    const page = await browser.newPage();
    try {
      await page.goto(session.connectUrl);
      await confirmConnect(page);
      await completeIdpLogin(page, { issuer: peers.idp.issuer, username: "alice" });
      expect(await page.locator("#message").getAttribute("data-outcome")).toBe("completed");
      const exchanges = peers.idp.tokenRequests("authorization_code").length;
      const reloaded = await page.reload();
      expect(reloaded!.status()).toBe(200);
      expect(await page.locator("#message").getAttribute("data-outcome")).toBe("completed");
      expect(await page.locator("#title").textContent()).not.toMatch(/could not/i);
      expect(await states(page)).toEqual({ github: "connected" });
      expect(peers.idp.tokenRequests("authorization_code").length).toBe(exchanges);

      const again = await page.goto(session.connectUrl);
      expect(again!.status()).toBe(200);
      expect(await page.locator("#title").textContent()).toBe("Already connected");
      expect(await page.locator("#message").textContent()).toMatch(/GitHub is connected to Acme Support/);
    } finally {
      await page.close();
    }
  });

  it("a completed sign-in link, opened again or reloaded, says who is signed in", async () => {
    const login = (await peers.transport.request<{ sessionId: string; loginUrl: string }>("POST", "/v1/auth/sessions", { body: {} })).data;
    const done = await runInBrowser(browser, peers, login.loginUrl, "alice");
    expect(done.message).toBe("Signed in as alice@example.test.");
    const page = await browser.newPage();
    try {
      for (const url of [login.loginUrl, done.url]) {
        const res = await page.goto(url);
        expect(res!.status(), url).toBe(200);
        expect(await page.locator("#title").textContent(), url).toBe("Already signed in");
        expect(await page.locator("#message").textContent(), url).toBe("Signed in as alice@example.test.");
      }
    } finally {
      await page.close();
    }
  });

  it("an expired link says so, with the next step", async () => {
    const session = await createConnect(peers, { providers: ["github"] });
    await peers.exec("UPDATE connect_sessions SET expires_at = ? WHERE id = ?", new Date(Date.now() - 1000).toISOString(), session.sessionId);
    const page = await browser.newPage();
    try {
      const res = await page.goto(session.connectUrl);
      expect(res!.status()).toBe(410);
      expect(await page.locator("#title").textContent()).toBe("This link has expired");
      expect(await page.locator("#next").textContent()).toBe("Start again from Acme Support to get a new link.");
    } finally {
      await page.close();
    }
  });
});

describe("the confirmation page in two tabs", () => {
  it("the first tab's button still works after the link was opened again in a second tab", async () => {
    const session = await createConnect(peers, { providers: ["github"], scopes: { github: ["openid"] } });
    await browser.context.clearCookies();
    const first = await browser.newPage();
    const second = await browser.newPage();
    try {
      await first.goto(session.connectUrl);
      await second.goto(session.connectUrl);
      const res = first.waitForResponse((r) => r.url().endsWith("/start"));
      await first.click("#confirm");
      expect((await res).status()).toBe(303);
      await completeIdpLogin(first, { issuer: peers.idp.issuer, username: "alice" });
      expect(await first.locator("#message").getAttribute("data-outcome")).toBe("completed");
    } finally {
      await first.close();
      await second.close();
    }
  });
});

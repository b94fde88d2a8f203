// A connect link does not leave for the provider by itself: it shows a page naming the app, the
// provider and whose grant it will be, and only its button (a POST with a CSRF token bound to
// that page view and a SameSite=Strict cookie) goes on. A link made with someone else's session
// therefore cannot be sent to a victim to fix the session. Headless Chromium is the person's
// browser; oidc-provider is GitHub's authorization server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, completeIdpLogin, type TestBrowser } from "../support/browser.js";
import { startPeers, type Peers } from "./identity/harness.js";
import { connectStatus, createConnect } from "./identity/flows.js";

const APP_NAME = 'Acme <Support> & "Co"';
let peers: Peers;
let browser: TestBrowser;
beforeAll(async () => {
  [peers, browser] = await Promise.all([startPeers({ appName: APP_NAME }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await peers?.close();
});

const SCOPES = { github: ["openid", "email", "repo"] };
const authorizations = () => peers.idp.requests.filter((r) => r.path === "/auth").length;

describe("the connect confirmation page", () => {
  it("names the app, the provider and the user, and stays until the button is pressed", async () => {
    const bob = await peers.userToken("bob");
    const session = await createConnect(peers, { providers: ["github"], scopes: SCOPES }, bob);
    await browser.context.clearCookies();
    const page = await browser.newPage();
    try {
      const before = authorizations();
      const res = await page.goto(session.connectUrl);
      expect(res!.headers()["x-frame-options"]).toBe("DENY");
      expect(res!.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
      // Nothing happens by itself: the browser stays on the vault's page, the provider sees nothing.
      await page.waitForTimeout(500);
      expect(new URL(page.url()).pathname).toBe(`/connect/${session.sessionId}`);
      expect(authorizations()).toBe(before);

      expect(await page.locator("#app").textContent()).toBe(APP_NAME);
      expect(await page.title()).toBe(`Connect GitHub to ${APP_NAME}? · ${APP_NAME}`);
      expect(await page.locator("#app-name").textContent()).toBe(APP_NAME);
      expect(await page.locator("#provider").textContent()).toBe("GitHub");
      expect(await page.locator("#owner").getAttribute("data-principal")).toBe("user");
      expect(await page.locator("#owner").textContent()).toContain("bob");
      expect(await page.locator("#scopes").getAttribute("data-scopes")).toBe("openid email repo");
      // Each scope in plain words, the scope itself beside it.
      const scopes = await page.locator("#scopes li").allTextContents();
      expect(scopes).toEqual([
        expect.stringMatching(/^Confirm who you are \(openid\)$/),
        expect.stringMatching(/^See your email address \(email\)$/),
        expect.stringMatching(/^Full control of your repositories.*\(repo\)$/),
      ]);
      // Escaped once, in one place: the raw markup has entities, never doubled ones.
      const raw = await page.content();
      expect(raw).toContain("Acme &lt;Support&gt; &amp; \"Co\"");
      expect(raw).not.toContain("&amp;lt;");

      await Promise.all([page.waitForURL((u) => u.origin === new URL(peers.idp.issuer).origin), page.click("#confirm")]);
      expect(authorizations()).toBeGreaterThan(before);
      await completeIdpLogin(page, { issuer: peers.idp.issuer, username: "bob" });
      expect(await page.locator("#message").getAttribute("data-outcome")).toBe("completed");
    } finally {
      await page.close();
    }
    const status = await connectStatus(peers, session.sessionId);
    expect(status.grants[0]).toMatchObject({ principal: { type: "user", label: "bob@example.test" } });
  });

  it("says a grant made without a user token is shared by the app", async () => {
    const session = await createConnect(peers, { providers: ["github"], scopes: SCOPES });
    const page = await browser.newPage();
    try {
      await page.goto(session.connectUrl);
      expect(await page.locator("#owner").getAttribute("data-principal")).toBe("system");
      expect(await page.locator("#owner").textContent()).toMatch(/^Shared by the app/);
    } finally {
      await page.close();
    }
  });

  it("refuses a forged POST: without the token, without the cookie, from another site", async () => {
    const session = await createConnect(peers, { providers: ["github"], scopes: SCOPES });
    const view = await fetch(session.connectUrl);
    expect(view.status).toBe(200);
    const setCookie = view.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(";")[0]!;
    const html = await view.text();
    const field = (n: string) => new RegExp(`name="${n}" value="([^"]*)"`).exec(html)![1]!;
    const base = { state: field("state"), provider: "github", action: "continue" };
    const csrf = field("csrf");
    const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${peers.vault.url}/connect/${session.sessionId}/start`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams(form).toString(),
      });
    const before = authorizations();
    const attempts: [string, Record<string, string>, Record<string, string>][] = [
      ["no CSRF token", base, { cookie }],
      ["a guessed token", { ...base, csrf: "guessed" }, { cookie: `${cookie.split("=")[0]}=guessed` }],
      ["the token without its cookie", { ...base, csrf }, {}],
      ["another site's form", { ...base, csrf }, { cookie, origin: "https://evil.test" }],
      ["another provider than the page's", { ...base, provider: "google-calendar", csrf }, { cookie }],
    ];
    for (const [name, form, headers] of attempts) {
      const res = await post(form, headers);
      expect(res.status, name).toBe(403);
      expect(res.headers.get("location"), name).toBeNull();
    }
    expect(authorizations()).toBe(before);
    expect((await connectStatus(peers, session.sessionId)).status).toBe("pending");

    const ok = await post({ ...base, csrf }, { cookie, origin: "null" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toMatch(new RegExp(`^${peers.idp.endpoints.authorize}\\?`));
    // The page's token stays good while the session is pending (a second tab, a reload).
    const again = await post({ ...base, csrf }, { cookie });
    expect(again.status).toBe(303);
  });

  it("the Cancel button ends the session as denied", async () => {
    const session = await createConnect(peers, { providers: ["github"], scopes: SCOPES });
    await browser.context.clearCookies();
    const page = await browser.newPage();
    try {
      await page.goto(session.connectUrl);
      await Promise.all([page.waitForURL(/\/start$/), page.click("#cancel")]);
      expect(await page.locator("#message").getAttribute("data-outcome")).toBe("cancelled");
    } finally {
      await page.close();
    }
    expect(await connectStatus(peers, session.sessionId)).toMatchObject({ status: "denied", error: { code: "connect_denied" } });
  });
});

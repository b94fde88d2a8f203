// OAuth mix-up (RFC 9700 §4.4, RFC 9207): a hostile authorization server configured for one
// provider bounces the user to an honest provider's authorization page, hoping the vault sends
// the honest code and PKCE verifier to the hostile token endpoint. The honest server is a real
// oidc-provider (github's OAuth server here) driven in Chromium; the hostile one is the scripted
// server of test/support/oauth-server.ts (asana's). The table below checks the RFC 9207 `iss`
// rules and the per-provider callback binding without a browser.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setProviderConfig, setOAuthEndpoints } from "../../support/vault-admin.js";
import { completeIdpLogin, confirmConnect, launchBrowser, type TestBrowser } from "../../support/browser.js";
import { pressConfirm } from "../identity/flows.js";
import { startOAuthServer, tokenJson, type OAuthServer } from "../../support/oauth-server.js";
import { GITHUB_CLIENT, startPeers, type Peers } from "../identity/harness.js";
import { startScripted, type Scripted } from "./scripted.js";

describe("a hostile authorization server bouncing the user to an honest one", () => {
  let peers: Peers;
  let browser: TestBrowser;
  let hostile: OAuthServer;

  beforeAll(async () => {
    [peers, browser, hostile] = await Promise.all([startPeers(), launchBrowser(), startOAuthServer()]);
    await setProviderConfig({ dataDir: peers.dataDir, provider: "asana", clientId: "asana-app", clientSecret: "asana-secret-CANARY-77" });
    await setOAuthEndpoints({ dataDir: peers.dataDir, provider: "asana", authorizeUrl: hostile.endpoints.authorize, tokenUrl: hostile.endpoints.token });
    // The hostile server sends the browser on to github's authorization page with the vault's
    // github client and callback, keeping the state and PKCE challenge of the asana attempt.
    hostile.authorize = (q) => {
      const honest = new URL(peers.idp.endpoints.authorize);
      honest.search = new URLSearchParams({
        client_id: GITHUB_CLIENT.clientId,
        redirect_uri: redirectTo,
        response_type: "code",
        scope: "openid email",
        state: q.get("state")!,
        code_challenge: q.get("code_challenge")!,
        code_challenge_method: "S256",
      }).toString();
      return { location: honest.toString() };
    };
  });
  afterAll(async () => {
    await browser?.close();
    await hostile?.close();
    await peers?.close();
  });

  let redirectTo = "";

  /** The victim connects asana; returns the vault's page outcome and message. */
  async function victimConnectsAsana(): Promise<{ outcome: string | null; message: string; details: string; sessionId: string }> {
    const session = (await peers.transport.request<{ sessionId: string; connectUrl: string }>("POST", "/v1/connect/sessions", { body: { providers: ["asana"] } })).data;
    await browser.context.clearCookies();
    const page = await browser.newPage();
    try {
      await page.goto(session.connectUrl);
      await confirmConnect(page);
      await completeIdpLogin(page, { issuer: peers.idp.issuer, username: "alice" });
      const message = page.locator("#message");
      // The refusal's reason is technical: the page shows it under its details disclosure.
      const details = (await page.locator("#details").count()) > 0 ? ((await page.locator("#details").textContent()) ?? "") : "";
      return { outcome: await message.getAttribute("data-outcome"), message: (await message.textContent()) ?? "", details, sessionId: session.sessionId };
    } finally {
      await page.close();
    }
  }

  function expectNothingRedeemed(before: { hostile: number; honest: number }) {
    // Neither the hostile token endpoint nor the honest one saw the code or the verifier.
    expect(hostile.requests("/token").length).toBe(before.hostile);
    expect(peers.idp.tokenRequests().length).toBe(before.honest);
  }

  it("per-provider callbacks: the honest answer lands on github's callback with asana's state and is refused", async () => {
    redirectTo = `${peers.vault.url}/connect/callback/github`;
    const before = { hostile: hostile.requests("/token").length, honest: peers.idp.tokenRequests().length };
    const result = await victimConnectsAsana();
    expect(result.outcome).toBe("error");
    expect(result.details).toMatch(/The answer for asana came back on \/connect\/callback\/github, which is not asana's callback/);
    expectNothingRedeemed(before);
    const status = (await peers.transport.request<{ status: string; error: { code: string } }>("GET", `/v1/connect/sessions/${result.sessionId}`)).data;
    expect(status).toMatchObject({ status: "failed", error: { code: "connect_failed" } });
    expect(await peers.sql("SELECT error_code FROM audit WHERE action = 'connect' ORDER BY seq DESC LIMIT 1")).toEqual([{ error_code: "oauth_mixup" }]);
  }, 60_000);

  it("legacy shared callback: github's issuer in the answer is refused for an asana attempt (RFC 9207)", async () => {
    redirectTo = `${peers.vault.url}/connect/callback`;
    peers.idp.addClient({ ...GITHUB_CLIENT, redirectUris: [`${peers.vault.url}/connect/callback/github`, redirectTo] });
    await setOAuthEndpoints({ dataDir: peers.dataDir, provider: "github", callback: "shared", issuer: peers.idp.issuer });
    await setOAuthEndpoints({ dataDir: peers.dataDir, provider: "asana", callback: "shared" });
    try {
      const before = { hostile: hostile.requests("/token").length, honest: peers.idp.tokenRequests().length };
      const result = await victimConnectsAsana();
      expect(result.outcome).toBe("error");
      expect(result.details).toContain(`The answer for asana was issued by github's authorization server "${peers.idp.issuer}" (RFC 9207)`);
      expectNothingRedeemed(before);
    } finally {
      await setOAuthEndpoints({ dataDir: peers.dataDir, provider: "github", callback: "per-provider" });
      await setOAuthEndpoints({ dataDir: peers.dataDir, provider: "asana", callback: "per-provider" });
    }
  }, 60_000);

  it("github connects normally through its own callback, its iss checked", async () => {
    const session = (await peers.transport.request<{ sessionId: string; connectUrl: string }>("POST", "/v1/connect/sessions", { body: { providers: ["github"], scopes: { github: ["openid"] } } })).data;
    expect(new URL(await pressConfirm(session.connectUrl, await fetch(session.connectUrl))).searchParams.get("redirect_uri")).toBe(
      `${peers.vault.url}/connect/callback/github`,
    );
    await browser.context.clearCookies();
    const page = await browser.newPage();
    await page.goto(session.connectUrl);
    await confirmConnect(page);
    await completeIdpLogin(page, { issuer: peers.idp.issuer, username: "alice" });
    expect(new URL(page.url()).searchParams.get("iss")).toBe(peers.idp.issuer);
    expect(await page.locator("#message").getAttribute("data-outcome")).toBe("completed");
    await page.close();
  }, 60_000);
});

describe("RFC 9207 iss and the callback binding", () => {
  let s: Scripted;
  beforeAll(async () => {
    s = await startScripted();
  });
  afterAll(async () => {
    await s?.close();
  });

  type Setup = "issuer" | "issuer, no metadata" | "no issuer" | "other provider's issuer";
  type Row = [name: string, setup: Setup, answer: (q: URLSearchParams) => { location: string }, ok: boolean, message?: RegExp];
  const back = (extra: { iss?: string | "omit" } = {}) => (q: URLSearchParams) => s.as.redirectBack(q, extra);
  const withPath = (path: string) => (q: URLSearchParams) => {
    const { location } = s.as.redirectBack(q);
    const u = new URL(location);
    u.pathname = path;
    return { location: u.toString() };
  };
  const rows: Row[] = [
    ["iss is the configured issuer", "issuer", back(), true],
    ["iss of another server", "issuer", back({ iss: "https://evil.example" }), false, /was issued by "https:\/\/evil\.example", not by asana's authorization server/],
    ["no iss, though the server declares it sends one", "issuer", back({ iss: "omit" }), false, /has no iss parameter, though asana's authorization server declares/],
    ["no iss, from a server without metadata", "issuer, no metadata", back({ iss: "omit" }), true],
    ["no iss, no issuer configured", "no issuer", back({ iss: "omit" }), true],
    ["an iss, no issuer configured to compare it with", "no issuer", back({ iss: "https://somewhere.example" }), true],
    ["the issuer of another provider of this vault", "other provider's issuer", back({ iss: "https://zoom-as.example" }), false, /was issued by zoom's authorization server/],
    [
      "two iss parameters",
      "issuer",
      (q) => {
        const u = new URL(s.as.redirectBack(q).location);
        u.searchParams.append("iss", "https://evil.example");
        return { location: u.toString() };
      },
      false,
      /carries 2 iss parameters/,
    ],
    [
      "an error answer with a wrong iss is a mix-up, not the provider's error",
      "issuer",
      (q) => {
        const u = new URL(q.get("redirect_uri")!);
        u.search = new URLSearchParams({ error: "access_denied", state: q.get("state")!, iss: "https://evil.example" }).toString();
        return { location: u.toString() };
      },
      false,
      /was issued by "https:\/\/evil\.example"/,
    ],
    ["an answer on another provider's callback", "issuer", withPath("/connect/callback/zoom"), false, /came back on \/connect\/callback\/zoom, which is not asana's callback/],
    ["an answer on the shared callback for a per-provider attempt", "issuer", withPath("/connect/callback"), false, /came back on \/connect\/callback, which is not asana's callback/],
  ];

  async function arrange(setup: Setup): Promise<void> {
    s.as.metadata = () => ({ json: { issuer: s.as.issuer, authorization_response_iss_parameter_supported: true } });
    await setOAuthEndpoints({ dataDir: s.dataDir, provider: "zoom", issuer: null });
    if (setup === "issuer" || setup === "issuer, no metadata") {
      if (setup === "issuer, no metadata") s.as.metadata = () => ({ status: 404, json: {} });
      await setOAuthEndpoints({ dataDir: s.dataDir, provider: "asana", issuer: s.as.issuer });
      return;
    }
    await setOAuthEndpoints({ dataDir: s.dataDir, provider: "asana", issuer: null });
    if (setup === "other provider's issuer") {
      // zoom's authorization server is not reachable from here to read its metadata: stored directly.
      await s.sql("UPDATE oauth_endpoints SET issuer = 'https://zoom-as.example' WHERE provider = 'zoom' RETURNING 1");
    }
  }

  it.each(rows)("%s", async (_name, setup, answer, ok, message) => {
    await arrange(setup);
    s.as.authorize = answer;
    s.as.token = () => ({ json: tokenJson() });
    const before = s.as.requests("/token").length;
    const run = await s.connect();
    if (ok) {
      expect(run.status.status).toBe("completed");
      expect(s.as.requests("/token")).toHaveLength(before + 1);
      return;
    }
    expect(run.outcome).toBe("error");
    expect(run.status).toMatchObject({ status: "failed", error: { code: "connect_failed" } });
    expect(run.status.error!.message).toMatch(message!);
    // Refused before any token request: the code and the verifier went nowhere.
    expect(s.as.requests("/token")).toHaveLength(before);
  });
});

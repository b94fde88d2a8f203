// The connect flow end to end: the SDK's signed session endpoints, the vault's connect page in
// headless Chromium, a real OAuth authorization server (oidc-provider standing in for GitHub's),
// the callback's code exchange, and the stored grant.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { completeIdpLogin, confirmConnect } from "../support/browser.js";
import { setProviderConfig, setOAuthEndpoints, removeUser } from "../support/vault-admin.js";
import { GITHUB_CLIENT, startPeers, type Peers } from "./identity/harness.js";
import { connectStatus, createConnect, pressConfirm, retrieveToken, runInBrowser } from "./identity/flows.js";

let peers: Peers;
let browser: TestBrowser;
beforeAll(async () => {
  [peers, browser] = await Promise.all([startPeers(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await peers?.close();
});

const SCOPES = { github: ["openid", "email", "repo"] };

describe("connect flow", () => {
  it("without a user token makes a system grant whose token works at the provider", async () => {
    const session = await createConnect(peers, { providers: ["github"], scopes: SCOPES });
    expect(session.connectUrl).toMatch(new RegExp(`^${peers.vault.url}/connect/${session.sessionId}\\?state=`));
    expect((await connectStatus(peers, session.sessionId)).status).toBe("pending");

    const done = await runInBrowser(browser, peers, session.connectUrl, "alice");
    expect(done.outcome).toBe("completed");
    expect(done.message).toMatch(/Connected GitHub as alice@example\.test/);

    const status = await connectStatus(peers, session.sessionId);
    expect(status.status).toBe("completed");
    expect(status.grants).toHaveLength(1);
    const grant = status.grants[0]!;
    expect(grant).toMatchObject({
      provider: "github",
      account: "alice@example.test",
      principal: { type: "system", id: null },
      source: "oauth",
      status: "active",
    });
    expect(grant.scopes).toEqual(expect.arrayContaining(["openid", "email", "repo"]));

    // The stored token is a real access token of the authorization server.
    const token = await retrieveToken(peers, { grantId: grant.grantId });
    const me = await fetch(peers.idp.endpoints.userinfo, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { sub: string }).sub).toBe("alice");
    // ... and it is sealed at rest, like the client secret.
    const rows = JSON.stringify(await peers.sql("SELECT * FROM grants WHERE id = ?", grant.grantId));
    expect(rows).not.toContain(token);
    expect(JSON.stringify(await peers.sql("SELECT * FROM audit"))).not.toContain(token);
    expect(JSON.stringify(await peers.sql("SELECT * FROM audit"))).not.toContain(GITHUB_CLIENT.clientSecret);

    // The authorization used PKCE: the code exchange carried a verifier the IDP checked.
    const exchange = peers.idp.tokenRequests("authorization_code").at(-1);
    expect(exchange).toMatchObject({ status: 200, outcome: "success" });

    // The state is single-use: replaying the callback (a reload of the page) redeems nothing and
    // says how the session ended.
    const exchanges = peers.idp.tokenRequests("authorization_code").length;
    const replay = await fetch(done.url);
    expect(replay.status).toBe(200);
    expect(await replay.text()).toMatch(/data-outcome="completed"/);
    expect(peers.idp.tokenRequests("authorization_code").length).toBe(exchanges);
  });

  it("with a user token makes a grant owned by that user", async () => {
    const bobToken = await peers.userToken("bob");
    const session = await createConnect(peers, { providers: ["github"], scopes: SCOPES }, bobToken);
    const done = await runInBrowser(browser, peers, session.connectUrl, "bob");
    expect(done.outcome).toBe("completed");
    const status = await connectStatus(peers, session.sessionId);
    const bobId = (await peers.sql<{ id: string }>("SELECT id FROM users WHERE subject = 'bob'"))[0]!.id;
    // Labelled with the email the IDP gave, not its internal subject (issue 15).
    expect(status.grants[0]).toMatchObject({ principal: { type: "user", id: bobId, label: "bob@example.test" }, account: "bob@example.test" });

    // Identity-based retrieval finds it for bob, and not for alice.
    const token = await retrieveToken(peers, { provider: "github" }, bobToken);
    const me = await fetch(peers.idp.endpoints.userinfo, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { sub: string }).sub).toBe("bob");
    await expect(retrieveToken(peers, { provider: "github" }, await peers.userToken("alice"))).rejects.toMatchObject({ code: "grant_not_found" });
  });

  it("marks the session denied when the user refuses at the provider", async () => {
    const before = (await peers.sql<{ n: number }>("SELECT count(*) AS n FROM grants"))[0]!.n;
    const session = await createConnect(peers, { providers: ["github"], scopes: SCOPES });
    const done = await runInBrowser(browser, peers, session.connectUrl, "alice", "deny");
    expect(done.outcome).toBe("denied");
    const status = await connectStatus(peers, session.sessionId);
    expect(status).toMatchObject({ status: "denied", grants: [], error: { code: "connect_denied" } });
    expect((await peers.sql<{ n: number }>("SELECT count(*) AS n FROM grants"))[0]!.n).toBe(before);
  });

  it("expires sessions: the page and the poll both say so", async () => {
    const session = await createConnect(peers, { providers: ["github"] });
    expect(Date.parse(session.expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    expect(await peers.exec("UPDATE connect_sessions SET expires_at = ? WHERE id = ?", new Date(Date.now() - 1000).toISOString(), session.sessionId)).toBe(1);
    expect((await connectStatus(peers, session.sessionId)).status).toBe("expired");
    const page = await fetch(session.connectUrl, { redirect: "manual" });
    expect(page.status).toBe(410);
    expect(await page.text()).toMatch(/expired/);
  });

  it("refuses a connect page without the session's state", async () => {
    const session = await createConnect(peers, { providers: ["github"] });
    const wrong = new URL(session.connectUrl);
    wrong.searchParams.set("state", "guessed");
    expect((await fetch(wrong, { redirect: "manual" })).status).toBe(404);
    const right = await fetch(session.connectUrl, { redirect: "manual" });
    expect(right.status).toBe(200);
    const authorize = new URL(await pressConfirm(session.connectUrl, right));
    expect(authorize.origin + authorize.pathname).toBe(peers.idp.endpoints.authorize);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${peers.vault.url}/connect/callback/github`);
    expect(authorize.searchParams.get("scope")).toBe("repo read:user");
  });

  it("rejects bad requests and unconfigured providers before any browser step", async () => {
    await expect(createConnect(peers, { providers: [] })).rejects.toMatchObject({ code: "invalid_request", message: expect.stringMatching(/\/providers/) });
    await expect(createConnect(peers, { providers: ["github"], scopes: { slack: ["x"] } })).rejects.toMatchObject({
      message: expect.stringMatching(/\/scopes\/slack names a provider not in \/providers/),
    });
    await expect(createConnect(peers, { providers: ["slack"] })).rejects.toMatchObject({
      code: "connect_config",
      message: expect.stringMatching(/vault providers set slack/),
    });
    await expect(createConnect(peers, { providers: ["nosuch"] })).rejects.toMatchObject({ code: "connect_config", message: expect.stringMatching(/not in the catalog/) });
  });

  it("walks several providers through the picker, one authorization each", async () => {
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
    const session = await createConnect(peers, {
      providers: ["github", "google-calendar"],
      scopes: { github: ["openid", "email"], "google-calendar": ["openid", "email"] },
    });
    await browser.context.clearCookies();
    const page = await browser.newPage();
    try {
      await page.goto(session.connectUrl);
      await page.click("#connect-github");
      await confirmConnect(page);
      await completeIdpLogin(page, { issuer: peers.idp.issuer, username: "alice" });
      expect(await page.locator("#message").getAttribute("data-outcome")).toBe("connected");
      expect((await connectStatus(peers, session.sessionId)).status).toBe("pending");
      await page.click("#continue");
      await confirmConnect(page);
      await completeIdpLogin(page, { issuer: peers.idp.issuer, username: "alice" });
      expect(await page.locator("#message").getAttribute("data-outcome")).toBe("completed");
    } finally {
      await page.close();
    }
    const status = await connectStatus(peers, session.sessionId);
    expect(status.status).toBe("completed");
    expect(status.grants.map((g) => g.provider).sort()).toEqual(["github", "google-calendar"]);
    // google-calendar authenticated to the token endpoint with HTTP Basic; the IDP accepted it.
    expect(peers.idp.tokenRequests("authorization_code").slice(-2).every((r) => r.outcome === "success")).toBe(true);
    // Its catalog authorize parameters went along (Google's offline access); github has none.
    const authorizations = peers.idp.requests.filter((r) => r.path === "/auth" && r.query.get("state") !== null);
    const gcal = authorizations.filter((r) => r.query.get("client_id") === google.clientId);
    expect(gcal.length).toBeGreaterThan(0);
    expect(gcal.every((r) => r.query.get("access_type") === "offline" && r.query.get("prompt") === "consent")).toBe(true);
    expect(authorizations.filter((r) => r.query.get("client_id") === GITHUB_CLIENT.clientId).every((r) => !r.query.has("access_type"))).toBe(true);
  });

  it("records the provider account, so one user's several grants can be told apart", async () => {
    peers.idp.addUser({ sub: "erin", email: "erin@example.test" });
    const erinToken = await peers.userToken("erin");
    // erin connects her own account, then a second one (she signs in at the provider as alice).
    for (const providerLogin of ["erin", "alice"]) {
      const session = await createConnect(peers, { providers: ["github"], scopes: SCOPES }, erinToken);
      expect((await runInBrowser(browser, peers, session.connectUrl, providerLogin)).outcome).toBe("completed");
    }
    const err = (await retrieveToken(peers, { provider: "github" }, erinToken).then(
      () => null,
      (e: unknown) => e,
    )) as { code: string; accounts: string[] } | null;
    expect(err?.code).toBe("ambiguous_grant");
    expect([...(err?.accounts ?? [])].sort()).toEqual(["alice@example.test", "erin@example.test"]);
    const token = await retrieveToken(peers, { provider: "github", account: "alice@example.test" }, erinToken);
    const me = await fetch(peers.idp.endpoints.userinfo, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { sub: string }).sub).toBe("alice");
  });

  it("removing a user revokes their OAuth grants at the provider, and their open sessions cannot finish", async () => {
    peers.idp.addUser({ sub: "frank", email: "frank@example.test" });
    const frankToken = await peers.userToken("frank");
    const session = await createConnect(peers, { providers: ["github"], scopes: SCOPES }, frankToken);
    expect((await runInBrowser(browser, peers, session.connectUrl, "frank")).outcome).toBe("completed");
    const grantId = (await connectStatus(peers, session.sessionId)).grants[0]!.grantId;
    const pending = await createConnect(peers, { providers: ["github"], scopes: SCOPES }, frankToken);

    const activeBefore = peers.idp.activeRefreshTokens();
    const revocations = peers.idp.requests.filter((r) => r.path === "/token/revocation").length;
    const removed = await removeUser({ dataDir: peers.dataDir, subject: "frank" });
    expect(removed.revokedGrants).toEqual([grantId]);
    expect(peers.idp.requests.filter((r) => r.path === "/token/revocation" && r.status === 200).length).toBeGreaterThan(revocations);
    expect(peers.idp.activeRefreshTokens()).toBe(activeBefore - 1);
    expect(await peers.sql("SELECT status, credential_sealed FROM grants WHERE id = ?", grantId)).toEqual([{ status: "revoked", credential_sealed: null }]);

    const late = await runInBrowser(browser, peers, pending.connectUrl, "frank");
    expect(late.outcome).toBe("error");
    expect(late.details).toMatch(/removed/);
    expect((await connectStatus(peers, pending.sessionId)).status).toBe("failed");
  });

  it("fails the session, without leaking the client secret, when the code exchange is refused", async () => {
    const canary = "wrong-secret-CANARY-d41d";
    await setProviderConfig({ dataDir: peers.dataDir, provider: "github", clientSecret: canary });
    try {
      const session = await createConnect(peers, { providers: ["github"], scopes: SCOPES });
      const done = await runInBrowser(browser, peers, session.connectUrl, "alice");
      expect(done.outcome).toBe("error");
      expect(done.details).toMatch(/code exchange with github failed: .*invalid_client/);
      const status = await connectStatus(peers, session.sessionId);
      expect(status).toMatchObject({ status: "failed", error: { code: "connect_failed" } });
      const everything = [done.message, done.details, JSON.stringify(status), JSON.stringify(await peers.sql("SELECT * FROM audit")), JSON.stringify(await peers.sql("SELECT * FROM connect_sessions"))].join("\n");
      expect(everything).not.toContain(canary);
    } finally {
      await setProviderConfig({ dataDir: peers.dataDir, provider: "github", clientSecret: GITHUB_CLIENT.clientSecret });
    }
  });
});

// Authenticate sessions end to end: the SDK's signed endpoints, the vault's login page in headless
// Chromium, an OIDC login (code + PKCE + nonce) at the real oidc-provider, and the ID token
// handed to the SDK sealed, once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { listUsers } from "../support/vault-admin.js";
import { APP_CLIENT, startPeers, type Peers } from "./identity/harness.js";
import { runInBrowser } from "./identity/flows.js";

let peers: Peers;
let browser: TestBrowser;
beforeAll(async () => {
  [peers, browser] = await Promise.all([startPeers(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await peers?.close();
});

interface AuthStatus {
  status: string;
  userToken: unknown;
  expiresAt: string;
}

const createLogin = async () =>
  (await peers.transport.request<{ sessionId: string; loginUrl: string; expiresAt: string }>("POST", "/v1/auth/sessions", { body: {} })).data;

describe("authenticate", () => {
  it("logs in at the IDP and hands the ID token to the SDK once, sealed", async () => {
    const login = await createLogin();
    expect(login.loginUrl).toMatch(new RegExp(`^${peers.vault.url}/auth/${login.sessionId}\\?state=`));
    const pending = await peers.transport.request<AuthStatus>("GET", `/v1/auth/sessions/${login.sessionId}`);
    expect(pending.data).toMatchObject({ status: "pending", userToken: null });

    const done = await runInBrowser(browser, peers, login.loginUrl, "alice");
    expect(done.outcome).toBe("signed-in");
    // The person as their IDP names them to themselves (the email claim), not the internal subject.
    expect(done.message).toMatch(/^Signed in as alice@example\.test\b/);

    const first = await peers.transport.request<AuthStatus>("GET", `/v1/auth/sessions/${login.sessionId}`);
    expect(first.data.status).toBe("completed");
    expect(JSON.stringify(first.data.userToken)).not.toMatch(/eyJ/); // sealed, not a bare JWT
    const idToken = peers.transport.unseal<string>(first.data.userToken, first.nonce);
    const claims = JSON.parse(Buffer.from(idToken.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: "alice", aud: APP_CLIENT.clientId, iss: peers.idp.issuer, groups: ["eng"] });

    // The token is a working identity for identity-based calls.
    const grants = await peers.transport.request<{ grants: unknown[] }>("GET", "/v1/grants", { userToken: idToken });
    expect(grants.status).toBe(200);
    expect((await listUsers({ dataDir: peers.dataDir })).map((u) => u.subject)).toContain("alice");

    // Collected once: later polls see completed without a token, and the vault keeps no copy.
    const second = await peers.transport.request<AuthStatus>("GET", `/v1/auth/sessions/${login.sessionId}`);
    expect(second.data).toMatchObject({ status: "completed", userToken: null });
    expect(await peers.sql("SELECT id_token_sealed FROM auth_sessions WHERE id = ?", login.sessionId)).toEqual([{ id_token_sealed: null }]);
    expect(JSON.stringify(await peers.sql("SELECT * FROM audit"))).not.toContain(idToken);
  });

  // RFC 9207 for sign-ins: oidc-provider declares authorization_response_iss_parameter_supported,
  // so an answer without iss, or naming another issuer, is refused before any token request.
  it.each([
    ["another issuer", "https://evil.example", /not issued by this vault's IDP/],
    ["no iss", null, /has no iss parameter/],
  ])("refuses a sign-in answer with %s", async (_name, iss, message) => {
    const login = await createLogin();
    const toIdp = await fetch(login.loginUrl, { redirect: "manual" });
    const state = new URL(toIdp.headers.get("location")!).searchParams.get("state")!;
    const back = new URL(`${peers.vault.url}/auth/callback`);
    back.search = new URLSearchParams({ code: "forged-code", state, ...(iss ? { iss } : {}) }).toString();
    const before = peers.idp.tokenRequests().length;
    const page = await (await fetch(back)).text();
    expect(page.replace(/&#39;/g, "'")).toMatch(message);
    expect(peers.idp.tokenRequests()).toHaveLength(before);
    const status = await peers.transport.request<AuthStatus>("GET", `/v1/auth/sessions/${login.sessionId}`);
    expect(status.data.status).toBe("failed");
  });

  it("fails the session when the user refuses consent", async () => {
    peers.idp.addUser({ sub: "dave", email: "dave@example.test" });
    const login = await createLogin();
    const done = await runInBrowser(browser, peers, login.loginUrl, "dave", "deny");
    expect(done.outcome).toBe("error");
    const status = await peers.transport.request<AuthStatus>("GET", `/v1/auth/sessions/${login.sessionId}`);
    expect(status.data).toMatchObject({ status: "failed", userToken: null });
  });

  it("refuses a login link without its state, and an expired session", async () => {
    const login = await createLogin();
    const wrong = new URL(login.loginUrl);
    wrong.searchParams.set("state", "guessed");
    expect((await fetch(wrong, { redirect: "manual" })).status).toBe(404);

    const redirect = await fetch(login.loginUrl, { redirect: "manual" });
    expect(redirect.status).toBe(303);
    const authorize = new URL(redirect.headers.get("location")!);
    expect(authorize.searchParams.get("client_id")).toBe(APP_CLIENT.clientId);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("nonce")).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(authorize.searchParams.get("scope")?.split(" ")).toEqual(expect.arrayContaining(["openid", "groups"]));

    await peers.exec("UPDATE auth_sessions SET expires_at = ? WHERE id = ?", new Date(Date.now() - 1000).toISOString(), login.sessionId);
    expect((await peers.transport.request<AuthStatus>("GET", `/v1/auth/sessions/${login.sessionId}`)).data.status).toBe("expired");
    expect((await fetch(login.loginUrl, { redirect: "manual" })).status).toBe(410);
  });
});

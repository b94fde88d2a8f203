// Token lifecycle of connected grants against a real authorization server (oidc-provider with
// 20-second access tokens and rotating refresh tokens): refresh before expiry with one refresh in
// flight however many retrievals arrive at once, a refused refresh, and revocation. The vault's
// clock is moved ahead (within the signature window) to reach a token's refresh point without
// waiting: a 20 s token is refreshed once less than half its life is left. (The SDK
// accepts vault signatures at most 30 s in its future, which bounds the offset.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialFingerprint } from "../../protocol/fingerprint.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { startPeers, type Peers } from "./identity/harness.js";
import { connectStatus, createConnect, retrieveToken, runInBrowser } from "./identity/flows.js";

let peers: Peers;
let browser: TestBrowser;
beforeAll(async () => {
  [peers, browser] = await Promise.all([startPeers({ idp: { accessTokenTtl: 20, rotateRefreshToken: true } }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await peers?.close();
});

async function connectSystemGrant(): Promise<string> {
  peers.setClockOffset(0);
  const session = await createConnect(peers, { providers: ["github"], scopes: { github: ["openid", "email", "repo"] } });
  const done = await runInBrowser(browser, peers, session.connectUrl, "alice");
  expect(done.outcome).toBe("completed");
  return (await connectStatus(peers, session.sessionId)).grants[0]!.grantId;
}

const refreshes = () => peers.idp.tokenRequests("refresh_token");

describe("refresh", () => {
  it("refreshes once for many concurrent retrievals", async () => {
    const grantId = await connectSystemGrant();
    expect(refreshes()).toHaveLength(0);
    // A fresh token is handed out as it is.
    const original = await retrieveToken(peers, { grantId });
    expect(refreshes()).toHaveLength(0);

    peers.setClockOffset(12_000); // 8 s left of 20
    const N = 12;
    const first = await Promise.all(Array.from({ length: N }, () => retrieveToken(peers, { grantId })));
    expect(refreshes()).toHaveLength(1);
    expect(refreshes()[0]).toMatchObject({ status: 200, outcome: "success" });
    expect(new Set(first).size).toBe(1);
    expect(first[0]).not.toBe(original);

    peers.setClockOffset(24_000); // the refreshed token has 8 s left
    const second = await Promise.all(Array.from({ length: N }, () => retrieveToken(peers, { grantId })));
    expect(refreshes()).toHaveLength(2);
    expect(new Set(second).size).toBe(1);
    expect(second[0]).not.toBe(first[0]);

    // Each refreshed token is live at the provider (a double refresh with rotating refresh tokens
    // would have revoked the whole authorization instead).
    const me = await fetch(peers.idp.endpoints.userinfo, { headers: { authorization: `Bearer ${second[0]}` } });
    expect(me.status).toBe(200);
    expect(refreshes().every((r) => r.outcome === "success")).toBe(true);
  });

  it("replaces a token the provider refused at once, once for concurrent reports", async () => {
    const grantId = await connectSystemGrant();
    const original = await retrieveToken(peers, { grantId });
    const before = refreshes().length;
    // Far from expiry, so only the rejection can cause a refresh.
    const rejected = credentialFingerprint(original);
    const after = await Promise.all(Array.from({ length: 8 }, () => retrieveToken(peers, { grantId }, undefined, rejected)));
    expect(refreshes().length).toBe(before + 1);
    expect(new Set(after).size).toBe(1);
    expect(after[0]).not.toBe(original);
    // A late report about the token already replaced changes nothing.
    expect(await retrieveToken(peers, { grantId }, undefined, rejected)).toBe(after[0]);
    expect(refreshes().length).toBe(before + 1);
    const me = await fetch(peers.idp.endpoints.userinfo, { headers: { authorization: `Bearer ${after[0]}` } });
    expect(me.status).toBe(200);
  });

  it("marks the grant reauth_required when the provider refuses the refresh", async () => {
    const grantId = await connectSystemGrant();
    expect(peers.idp.revokeRefreshTokens()).toBeGreaterThan(0);
    peers.setClockOffset(12_000);
    const before = refreshes().length;
    await expect(retrieveToken(peers, { grantId })).rejects.toMatchObject({ code: "reauth_required" });
    expect(refreshes().slice(before)).toEqual([expect.objectContaining({ outcome: "error", error: "invalid_grant" })]);
    const row = (await peers.sql<{ status: string }>("SELECT status FROM grants WHERE id = ?", grantId))[0];
    expect(row?.status).toBe("reauth_required");
    // Later calls fail at once, without asking the provider again.
    await expect(retrieveToken(peers, { grantId })).rejects.toMatchObject({ code: "reauth_required" });
    expect(refreshes().length).toBe(before + 1);
  });
});

describe("revocation", () => {
  it("calls the provider's revocation endpoint, deletes the tokens and marks the grant revoked", async () => {
    peers.idp.revokeRefreshTokens();
    const grantId = await connectSystemGrant();
    expect(peers.idp.activeRefreshTokens()).toBe(1);
    const revocationsBefore = peers.idp.requests.filter((r) => r.path === "/token/revocation").length;

    const res = await peers.transport.request<{ grant: { status: string } }>("POST", `/v1/grants/${grantId}/revoke`, { body: { reason: "test" } });
    expect(res.data.grant.status).toBe("revoked");

    const calls = peers.idp.requests.filter((r) => r.path === "/token/revocation").slice(revocationsBefore);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.every((c) => c.method === "POST" && c.status === 200)).toBe(true);
    expect(peers.idp.activeRefreshTokens()).toBe(0);
    expect(await peers.sql("SELECT credential_sealed FROM grants WHERE id = ?", grantId)).toEqual([{ credential_sealed: null }]);
    await expect(retrieveToken(peers, { grantId })).rejects.toMatchObject({ code: "grant_revoked" });
  });
});

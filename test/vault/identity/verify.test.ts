// End-user JWT verification against a real oidc-provider: every identity-based request carries
// Alter-User-Token, and the vault checks it through the IDP's JWKS.
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, issueGrant, getIdp, listUsers, removeIdp, removeUser, setIdp } from "../../support/vault-admin.js";
import { APP_CLIENT, GITHUB_CLIENT, startPeers, type Peers } from "./harness.js";

// Follow a rotation at the first unknown kid instead of after jose's 30 s cooldown.
process.env.ALTER_VAULT_JWKS_COOLDOWN_MS = "0";

interface GrantList {
  grants: { grantId: string; principal: { type: string; id: string | null }; status: string }[];
}

let peers: Peers;
beforeAll(async () => {
  peers = await startPeers();
});
afterAll(async () => {
  await peers?.close();
});

const listAs = (token: string) => peers.transport.request<GrantList>("GET", "/v1/grants", { userToken: token });

async function rejection(token: string): Promise<{ code: string; message: string }> {
  const err = (await listAs(token).then(
    () => {
      throw new Error("expected the vault to refuse the token");
    },
    (e: unknown) => e,
  )) as { code: string; message: string };
  return err;
}

describe("end-user token verification", () => {
  it("accepts a token from a real login and creates the user on first sight", async () => {
    const token = await peers.userToken("alice");
    const res = await listAs(token);
    expect(res.status).toBe(200);
    const users = await listUsers({ dataDir: peers.dataDir });
    const alice = users.filter((u) => u.subject === "alice");
    expect(alice).toHaveLength(1);
    expect(alice[0]).toMatchObject({ status: "active", groups: ["eng"] });
    expect(alice[0]!.lastSeenAt).not.toBeNull();
    // A second request is the same user, not a new one.
    await listAs(await peers.userToken("alice"));
    expect((await listUsers({ dataDir: peers.dataDir })).filter((u) => u.subject === "alice")).toHaveLength(1);
  });

  it("refuses an expired token", async () => {
    const token = await peers.idp.mintIdToken("alice", { audience: APP_CLIENT.clientId, expiresIn: -120 });
    const e = await rejection(token);
    expect(e.code).toBe("user_token_invalid");
    expect(e.message).toMatch(/expired/);
  });

  it("accepts a token that expired within the small clock tolerance only", async () => {
    const justExpired = await peers.idp.mintIdToken("alice", { audience: APP_CLIENT.clientId, expiresIn: -3 });
    expect((await listAs(justExpired)).status).toBe(200);
  });

  it("refuses a token not valid yet", async () => {
    const token = await peers.idp.mintIdToken("alice", { audience: APP_CLIENT.clientId, notBefore: 300 });
    expect((await rejection(token)).message).toMatch(/not valid yet/);
  });

  it("refuses a token for another audience", async () => {
    const token = await peers.idp.mintIdToken("alice", { audience: "some-other-app" });
    const e = await rejection(token);
    expect(e.code).toBe("user_token_invalid");
    expect(e.message).toMatch(/audience/);
  });

  it("refuses a token from another issuer, even signed with the IDP's key", async () => {
    const token = await peers.idp.mintIdToken("alice", { audience: APP_CLIENT.clientId, issuer: "http://127.0.0.1:1" });
    expect((await rejection(token)).message).toMatch(/not issued by/);
  });

  it("refuses a tampered token", async () => {
    const [h, p, s] = (await peers.userToken("bob")).split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString("utf8")) as Record<string, unknown>;
    claims.sub = "alice";
    const forged = [h, Buffer.from(JSON.stringify(claims)).toString("base64url"), s].join(".");
    const e = await rejection(forged);
    expect(e.code).toBe("user_token_invalid");
    expect(e.message).toMatch(/signature/);
    expect((await rejection("not-a-jwt")).message).toMatch(/not a JWT/);
  });

  it("refuses algorithms the IDP does not announce (no HMAC with a guessable key, no none)", async () => {
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(peers.idp.issuer)
      .setAudience(APP_CLIENT.clientId)
      .setSubject("alice")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("a-shared-secret-anyone-could-try-0123456789"));
    expect((await rejection(hs)).message).toMatch(/algorithm is not one the IDP announces/);
    const [, payload] = hs.split(".");
    const none = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${payload}.`;
    expect((await rejection(none)).code).toBe("user_token_invalid");
  });

  it("follows a key rotation at the IDP", async () => {
    const before = await peers.userToken("alice");
    expect((await listAs(before)).status).toBe(200);
    await peers.idp.rotateKeys({ dropOld: true });
    const after = await peers.userToken("alice");
    const kid = (t: string) => JSON.parse(Buffer.from(t.split(".")[0]!, "base64url").toString("utf8")).kid as string;
    expect(kid(after)).not.toBe(kid(before));
    // The new kid is unknown to the vault's cached key set: it refetches the JWKS.
    expect((await listAs(after)).status).toBe(200);
    // The old key is gone from the IDP's JWKS, so its tokens no longer verify.
    expect((await rejection(before)).message).toMatch(/key the IDP does not publish/);
  });
});

describe("groups and deprovisioning", () => {
  it("gives group grants to members only, following membership changes per token", async () => {
    const secret = await addManagedSecret({ dataDir: peers.dataDir, provider: "github", value: "ghp_groupCANARY0000000000000000000000", label: "eng bot" });
    const g = await issueGrant({ dataDir: peers.dataDir, secretId: secret.id, principal: "group:eng", label: "eng" });
    const aliceSees = await listAs(await peers.userToken("alice"));
    expect(aliceSees.data.grants.map((x) => x.grantId)).toContain(g.grantId);
    const bobSees = await listAs(await peers.userToken("bob"));
    expect(bobSees.data.grants.map((x) => x.grantId)).not.toContain(g.grantId);

    const retrieved = await peers.transport.request<{ grantId: string }>("POST", "/v1/credentials/retrieve", {
      userToken: await peers.userToken("alice"),
      body: { grant: { provider: "github" }, provider: "github", request: { operationId: "users/getAuthenticated", method: "GET", url: "https://api.github.com/user" } },
    });
    expect(retrieved.data.grantId).toBe(g.grantId);

    peers.idp.setGroups("alice", ["sales"]);
    const afterMove = await listAs(await peers.userToken("alice"));
    expect(afterMove.data.grants.map((x) => x.grantId)).not.toContain(g.grantId);
    const alice = (await listUsers({ dataDir: peers.dataDir })).find((u) => u.subject === "alice");
    expect(alice?.groups).toEqual(["sales"]);
    peers.idp.setGroups("alice", ["eng"]);
  });

  it("removing a user revokes their grants at once and refuses their tokens", async () => {
    peers.idp.addUser({ sub: "carol", email: "carol@example.test", groups: ["eng"] });
    const token = await peers.userToken("carol");
    await listAs(token); // first sight
    const secret = await addManagedSecret({ dataDir: peers.dataDir, provider: "github", value: "ghp_carolCANARY000000000000000000000", label: "carol" });
    const g = await issueGrant({ dataDir: peers.dataDir, secretId: secret.id, principal: "user:carol", label: "carol" });
    expect((await listAs(token)).data.grants.find((x) => x.grantId === g.grantId)?.status).toBe("active");

    const removed = await removeUser({ dataDir: peers.dataDir, subject: "carol" });
    expect(removed.revokedGrants).toEqual([g.grantId]);
    const row = (await peers.sql<{ status: string; revoke_reason: string }>("SELECT status, revoke_reason FROM grants WHERE id = ?", g.grantId))[0];
    expect(row).toEqual({ status: "revoked", revoke_reason: "user removed" });
    const e = await rejection(token);
    expect(e.code).toBe("user_token_invalid");
    expect(e.message).toMatch(/removed/);
    await expect(removeUser({ dataDir: peers.dataDir, subject: "nobody" })).rejects.toThrow(/No user with subject "nobody"/);
  });
});

describe("IDP configuration", () => {
  it("keeps one IDP per app: switching needs idp remove first", async () => {
    await expect(setIdp({ dataDir: peers.dataDir, issuer: "http://127.0.0.1:9/other", clientId: "x" })).rejects.toThrow(/idp remove/);
    await expect(setIdp({ dataDir: peers.dataDir, issuer: peers.idp.issuer })).rejects.toThrow(/--audience or --client-id/);
  });

  it("never shows or stores the client secrets in clear", async () => {
    const shown = await getIdp({ dataDir: peers.dataDir });
    expect(shown?.hasClientSecret).toBe(true);
    const texts = [
      JSON.stringify(shown),
      JSON.stringify(await peers.sql("SELECT * FROM idp_configs")),
      JSON.stringify(await peers.sql("SELECT * FROM providers")),
      JSON.stringify(await peers.sql("SELECT * FROM audit")),
    ].join("\n");
    expect(texts).not.toContain(APP_CLIENT.clientSecret);
    expect(texts).not.toContain(GITHUB_CLIENT.clientSecret);
  });

  it("without an IDP, identity-based requests fail with a clear error", async () => {
    const token = await peers.userToken("alice");
    expect(await removeIdp({ dataDir: peers.dataDir })).toMatchObject({ issuer: peers.idp.issuer });
    try {
      expect((await rejection(token)).message).toMatch(/no identity provider configured/);
    } finally {
      await setIdp({ dataDir: peers.dataDir, issuer: peers.idp.issuer, clientId: APP_CLIENT.clientId, clientSecret: APP_CLIENT.clientSecret });
    }
    expect((await listAs(token)).status).toBe(200);
  });

  it("names the issuer when discovery fails", async () => {
    await removeIdp({ dataDir: peers.dataDir });
    try {
      await expect(setIdp({ dataDir: peers.dataDir, issuer: "http://127.0.0.1:9", clientId: "x" })).rejects.toThrow(
        /OIDC discovery at http:\/\/127\.0\.0\.1:9\/\.well-known\/openid-configuration failed/,
      );
      await expect(setIdp({ dataDir: peers.dataDir, issuer: "http://idp.example.test", clientId: "x" })).rejects.toThrow(/--issuer must be an https URL/);
    } finally {
      await setIdp({ dataDir: peers.dataDir, issuer: peers.idp.issuer, clientId: APP_CLIENT.clientId, clientSecret: APP_CLIENT.clientSecret });
    }
  });
});

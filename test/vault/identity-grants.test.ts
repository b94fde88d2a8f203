// Identity-based resolution: a verified end user's own grants plus their groups' grants,
// ambiguity with the account list, user-scoped listing and revocation, grants issued over the API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, issueGrant } from "../support/vault-admin.js";
import { unsealFor } from "./helpers.js";
import { startPeers, type Peers } from "./identity/harness.js";

let peers: Peers;
let alice: string;
let bob: string;
let aliceGrant: string;
let groupGrant: string;
let systemGrant: string;
let secretId: string;

beforeAll(async () => {
  peers = await startPeers();
  alice = await peers.userToken("alice");
  bob = await peers.userToken("bob");
  const mine = await addManagedSecret({ dataDir: peers.dataDir, provider: "github", value: "ghp_ALICE_CANARY", label: "alice-gh" });
  const team = await addManagedSecret({ dataDir: peers.dataDir, provider: "github", value: "ghp_TEAM_CANARY", label: "eng-bot" });
  secretId = team.id;
  aliceGrant = (await issueGrant({ dataDir: peers.dataDir, secretId: mine.id, principal: "user:alice" })).grantId;
  groupGrant = (await issueGrant({ dataDir: peers.dataDir, secretId: team.id, principal: "group:eng" })).grantId;
  systemGrant = (await issueGrant({ dataDir: peers.dataDir, secretId: team.id, principal: "system" })).grantId;
});
afterAll(async () => {
  await peers?.close();
});

const retrieve = (token: string, grant: unknown) =>
  peers.transport.request<any>("POST", "/v1/credentials/retrieve", {
    userToken: token,
    body: { grant, provider: "github", request: { method: "GET", url: "https://api.github.com/user" } },
  });

async function failure(p: Promise<unknown>): Promise<any> {
  return p.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e,
  );
}

describe("identity-based retrieval", () => {
  it("several matching grants (own + group) is ambiguous and lists the accounts", async () => {
    const e = await failure(retrieve(alice, { provider: "github" }));
    expect(e.code).toBe("ambiguous_grant");
    expect([...e.accounts].sort()).toEqual(["alice-gh", "eng-bot"]);
  });

  it("the account picks one", async () => {
    const res = await retrieve(alice, { provider: "github", account: "eng-bot" });
    expect(res.data.grantId).toBe(groupGrant);
    expect(unsealFor(peers.apiKey, res.nonce, res.data.credential)).toEqual({ token: "ghp_TEAM_CANARY" });
    const own = await retrieve(alice, { provider: "github", account: "alice-gh" });
    expect(own.data.grantId).toBe(aliceGrant);
  });

  it("a user outside the group has no grant", async () => {
    const e = await failure(retrieve(bob, { provider: "github" }));
    expect(e.code).toBe("grant_not_found");
  });

  it("listing with a user token shows only that user's and their groups' grants", async () => {
    const a = await peers.transport.request<any>("GET", "/v1/grants?provider=github", { userToken: alice });
    expect(a.data.grants.map((g: any) => g.grantId).sort()).toEqual([aliceGrant, groupGrant].sort());
    const b = await peers.transport.request<any>("GET", "/v1/grants", { userToken: bob });
    expect(b.data.grants).toEqual([]);
    const all = await peers.transport.request<any>("GET", "/v1/grants");
    expect(all.data.grants.map((g: any) => g.grantId)).toContain(systemGrant);
  });

  it("a user cannot revoke a grant that is not their own: it looks missing", async () => {
    for (const id of [groupGrant, systemGrant, aliceGrant]) {
      const e = await failure(peers.transport.request("POST", `/v1/grants/${id}/revoke`, { userToken: bob, body: { reason: "x" } }));
      expect(e.code).toBe("grant_not_found");
    }
    const e = await failure(peers.transport.request("POST", `/v1/grants/${groupGrant}/revoke`, { userToken: alice, body: {} }));
    expect(e.code).toBe("grant_not_found");
  });

  it("issues grants over the API to a user (by token) and a group, then the user revokes their own", async () => {
    const userGrant = await peers.transport.request<any>("POST", "/v1/grants", {
      body: { managedSecretId: secretId, principal: { type: "user", label: "Bob", userToken: bob }, policy: { maxTtlSeconds: 3600 } },
    });
    expect(userGrant.status).toBe(201);
    expect(userGrant.data.grant).toMatchObject({ provider: "github", principal: { type: "user", label: "Bob" }, policy: { maxTtlSeconds: 3600 }, status: "active" });
    const mine = await retrieve(bob, { provider: "github" });
    expect(mine.data.grantId).toBe(userGrant.data.grant.grantId);

    const grp = await peers.transport.request<any>("POST", "/v1/grants", {
      body: { managedSecretId: secretId, principal: { type: "group", groupId: "ops", label: "Ops" } },
    });
    expect(grp.data.grant.principal).toEqual({ type: "group", id: "ops", label: "Ops" });

    const revoked = await peers.transport.request<any>("POST", `/v1/grants/${userGrant.data.grant.grantId}/revoke`, { userToken: bob, body: { reason: "done" } });
    expect(revoked.data.grant.status).toBe("revoked");
    const again = await failure(peers.transport.request("POST", `/v1/grants/${userGrant.data.grant.grantId}/revoke`, { userToken: bob, body: {} }));
    expect(again.code).toBe("grant_not_found");
    expect((await failure(retrieve(bob, { provider: "github" }))).code).toBe("grant_revoked");
  });

  it("rejects a bad policy or principal naming the field", async () => {
    const e = await failure(
      peers.transport.request("POST", "/v1/grants", { body: { managedSecretId: secretId, principal: { type: "system" }, policy: { ipAllowlist: ["nope"] } } }),
    );
    expect(e.code).toBe("invalid_request");
    expect(e.message).toContain("/policy.ipAllowlist[0]");
    const p = await failure(peers.transport.request("POST", "/v1/grants", { body: { managedSecretId: secretId, principal: { type: "robot" } } }));
    expect(p.message).toContain("/principal/type");
  });
});

describe("grants addressed by id with a user token", () => {
  it("another user's grant looks missing; system grants stay addressable", async () => {
    const e = await failure(retrieve(bob, { grantId: aliceGrant }));
    expect(e.code).toBe("grant_not_found");
    const g = await failure(retrieve(bob, { grantId: groupGrant }));
    expect(g.code).toBe("grant_not_found");
    const own = await retrieve(alice, { grantId: groupGrant });
    expect(own.data.grantId).toBe(groupGrant);
    const sys = await retrieve(bob, { grantId: systemGrant });
    expect(sys.data.grantId).toBe(systemGrant);
  });
});

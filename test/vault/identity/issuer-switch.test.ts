// Users and groups are identities at one issuer. Two real IDPs (oidc-provider) both have a user
// "alice" in a group "eng", who are different people. After the app switches from the first IDP
// to the second, the second alice must reach none of the first alice's grants (her own, or her
// group's): they stay bound to the first issuer, listed as orphaned, until an operator revokes
// them or sets the first issuer again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, issueGrant, listGrants, listUsers, removeIdp, removeUser, revokeOrphanedGrants, setIdp, IdpSwitchNeedsConfirmation } from "../../support/vault-admin.js";
import { startIdp, type TestIdp } from "../../support/idp.js";
import { APP_CLIENT, startPeers, type Peers } from "./harness.js";

let peers: Peers;
let second: TestIdp;
let firstAlice: string;
let secondAlice: string;
const grants: Record<"own" | "group" | "system", string> = { own: "", group: "", system: "" };

const setIssuer = (issuer: string, confirmOrphaning?: boolean) =>
  setIdp({ dataDir: peers.dataDir, issuer, clientId: APP_CLIENT.clientId, clientSecret: APP_CLIENT.clientSecret, ...(confirmOrphaning ? { confirmOrphaning } : {}) });

const retrieve = (token: string, grant: unknown) =>
  peers.transport.request<any>("POST", "/v1/credentials/retrieve", {
    userToken: token,
    body: { grant, provider: "github", request: { method: "GET", url: "https://api.github.com/user" } },
  });

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  return p.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: { code: string; message: string }) => e,
  );
}

beforeAll(async () => {
  peers = await startPeers();
  second = await startIdp({ users: [{ sub: "alice", email: "someone-else@example.test", groups: ["eng"] }] });
  second.addClient({ ...APP_CLIENT, redirectUris: [`${peers.vault.url}/auth/callback`] });
  const own = await addManagedSecret({ dataDir: peers.dataDir, provider: "github", value: "ghp_FIRST_ALICE_CANARY", label: "alice-personal" });
  const team = await addManagedSecret({ dataDir: peers.dataDir, provider: "github", value: "ghp_FIRST_ENG_CANARY", label: "eng-bot" });
  grants.own = (await issueGrant({ dataDir: peers.dataDir, secretId: own.id, principal: "user:alice" })).grantId;
  grants.group = (await issueGrant({ dataDir: peers.dataDir, secretId: team.id, principal: "group:eng" })).grantId;
  grants.system = (await issueGrant({ dataDir: peers.dataDir, secretId: team.id, principal: "system" })).grantId;
  firstAlice = await peers.userToken("alice");
  secondAlice = (await second.login("alice", { clientId: APP_CLIENT.clientId })).idToken;
  // The first alice is a user of the vault before the switch (seen through her token).
  expect((await retrieve(firstAlice, { provider: "github", account: "alice-personal" })).data.grantId).toBe(grants.own);
}, 60_000);
afterAll(async () => {
  await second?.close();
  await peers?.close();
});

describe("switching the IDP", () => {
  it("is refused while it would orphan grants, naming how many and whose, until confirmed", async () => {
    await removeIdp({ dataDir: peers.dataDir });
    const e = await setIssuer(second.issuer).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(IdpSwitchNeedsConfirmation);
    expect((e as Error).message).toContain(`leaves 2 grants bound to identities of other issuers (1 user grant and 1 group grant of ${peers.idp.issuer})`);
    expect((e as Error).message).toMatch(/--yes/);
    await setIssuer(second.issuer, true);
  });

  it("the second issuer's alice reaches neither the first alice's grant nor her group's, by identity or by id", async () => {
    expect((await refusal(retrieve(secondAlice, { provider: "github" }))).code).toBe("grant_not_found");
    for (const id of [grants.own, grants.group]) {
      expect((await refusal(retrieve(secondAlice, { grantId: id }))).code).toBe("grant_not_found");
    }
    const listed = await peers.transport.request<any>("GET", "/v1/grants", { userToken: secondAlice });
    expect(listed.data.grants).toEqual([]);
    // System grants are not identities: still addressable by id.
    expect((await retrieve(secondAlice, { grantId: grants.system })).data.grantId).toBe(grants.system);
  });

  it("the first issuer's tokens no longer verify at all", async () => {
    expect((await refusal(retrieve(firstAlice, { provider: "github" }))).code).toBe("user_token_invalid");
  });

  it("lists the orphaned grants with their issuer; system grants are never orphaned", async () => {
    const orphaned = await listGrants({ dataDir: peers.dataDir, orphaned: true });
    expect(orphaned.map((g) => g.grantId).sort()).toEqual([grants.own, grants.group].sort());
    expect(orphaned.every((g) => g.orphaned && g.principal.issuer === peers.idp.issuer)).toBe(true);
    const all = await listGrants({ dataDir: peers.dataDir });
    expect(all.find((g) => g.grantId === grants.system)).toMatchObject({ orphaned: false, principal: { issuer: null } });
  });

  it("grants issued now belong to the second issuer's alice and group, with no ambiguity from the old ones", async () => {
    const mine = await addManagedSecret({ dataDir: peers.dataDir, provider: "github", value: "ghp_SECOND_ALICE_CANARY", label: "alice2" });
    const hers = (await issueGrant({ dataDir: peers.dataDir, secretId: mine.id, principal: "user:alice" })).grantId;
    const theirs = (await issueGrant({ dataDir: peers.dataDir, secretId: mine.id, principal: "group:eng", account: "eng2" })).grantId;
    expect((await retrieve(secondAlice, { provider: "github", account: "alice2" })).data.grantId).toBe(hers);
    expect((await retrieve(secondAlice, { provider: "github", account: "eng2" })).data.grantId).toBe(theirs);
    const listed = await peers.transport.request<any>("GET", "/v1/grants", { userToken: secondAlice });
    expect(listed.data.grants.map((g: { grantId: string }) => g.grantId).sort()).toEqual([hers, theirs].sort());
    const users = await listUsers({ dataDir: peers.dataDir });
    expect(users.filter((u) => u.subject === "alice").map((u) => u.issuer).sort()).toEqual([peers.idp.issuer, second.issuer].sort());
  });

  it("setting the first issuer again gives the first alice her grants back, and orphans the second's", async () => {
    await removeIdp({ dataDir: peers.dataDir });
    await expect(setIssuer(peers.idp.issuer)).rejects.toThrow(/leaves 2 grants .*\(1 user grant and 1 group grant of http/);
    await setIssuer(peers.idp.issuer, true);
    const back = await peers.userToken("alice");
    expect((await retrieve(back, { provider: "github", account: "alice-personal" })).data.grantId).toBe(grants.own);
    expect((await retrieve(back, { provider: "github", account: "eng-bot" })).data.grantId).toBe(grants.group);
    expect((await refusal(retrieve(back, { provider: "github", account: "alice2" }))).code).toBe("grant_not_found");
  });

  it("removing a user takes --issuer for another issuer's user, and leaves the current one's alone", async () => {
    const other = await removeUser({ dataDir: peers.dataDir, subject: "alice", issuer: second.issuer, reason: "left" });
    expect(other).toMatchObject({ subject: "alice", issuer: second.issuer });
    expect(other.revokedGrants).toHaveLength(1);
    const back = await peers.userToken("alice");
    expect((await retrieve(back, { provider: "github", account: "alice-personal" })).data.grantId).toBe(grants.own);
  });

  it("revoke-orphaned revokes exactly the grants no user of the current IDP reaches", async () => {
    const before = (await listGrants({ dataDir: peers.dataDir, orphaned: true })).map((g) => g.grantId);
    expect(before).toHaveLength(1); // the second issuer's group grant (her own went with her)
    expect(await revokeOrphanedGrants({ dataDir: peers.dataDir })).toEqual(before);
    expect(await listGrants({ dataDir: peers.dataDir, orphaned: true })).toEqual([]);
    const stillThere = await listGrants({ dataDir: peers.dataDir, status: "active" });
    expect(stillThere.map((g) => g.grantId)).toEqual(expect.arrayContaining([grants.own, grants.group, grants.system]));
  });

  it("setting the same issuer again asks nothing and orphans nothing", async () => {
    await removeIdp({ dataDir: peers.dataDir });
    await setIssuer(peers.idp.issuer);
    expect(await listGrants({ dataDir: peers.dataDir, orphaned: true })).toEqual([]);
  });

  it("without --issuer, removing a user means the current IDP's user", async () => {
    const removed = await removeUser({ dataDir: peers.dataDir, subject: "alice" });
    expect(removed).toMatchObject({ issuer: peers.idp.issuer });
    expect(removed.revokedGrants).toEqual([grants.own]);
  });
});

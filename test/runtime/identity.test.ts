// Identity-based calls and grant management, against the real vault, a real OIDC IDP
// (oidc-provider) and the GitHub stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AlterVault,
  AmbiguousGrantError,
  GrantNotFoundError,
  IdentityError,
  AlterValueError,
  asUser,
  bindOperations,
} from "../../runtime/index.js";
import type { OperationTable } from "../../runtime/index.js";
import { setIdp } from "../../vault/admin/identity.js";
import { startIdp, type TestIdp } from "../support/idp.js";
import { startPeers, type Peers } from "./support/peers.js";

const ops = {
  get: { id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}", params: { owner: "path", repo: "path" } },
} as const satisfies OperationTable;
type Client = Record<keyof typeof ops, any>;

let peers: Peers;
let idp: TestIdp;
let aliceToken: string;
let bobToken: string;
const grants: Record<string, string> = {};

beforeAll(async () => {
  idp = await startIdp({
    users: [
      { sub: "alice", email: "alice@example.com", groups: ["eng"] },
      { sub: "bob", email: "bob@example.com", groups: [] },
    ],
    clients: [{ clientId: "runtime-app", redirectUris: ["http://127.0.0.1/unused"] }],
  });
  peers = await startPeers("github");
  await setIdp({ dataDir: peers.dataDir, issuer: idp.issuer, audience: "runtime-app" });
  grants.aliceWork = await peers.grant("ghp_aliceWork00001", { principal: "user:alice", account: "alice-work" });
  grants.bob = await peers.grant("ghp_bobOnly0000001", { principal: "user:bob", account: "bob" });
  grants.system = await peers.grant("ghp_system00000001");
  aliceToken = (await idp.login("alice", { clientId: "runtime-app" })).idToken;
  bobToken = (await idp.login("bob", { clientId: "runtime-app" })).idToken;
});

afterAll(async () => {
  await peers?.close();
  await idp?.close();
});

function vaultFor(token: string | (() => Promise<string>)) {
  return new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, userTokenGetter: typeof token === "string" ? () => token : token });
}

describe("identity-based calls", () => {
  it("asUser() resolves the signed-in user's grant and injects that user's credential", async () => {
    await using vault = vaultFor(aliceToken);
    const github = bindOperations<Client>(vault, peers.provider, ops);
    const before = peers.standin.requests.length;
    await github.get(asUser(), { owner: "o", repo: "r" });
    expect(peers.standin.requests[before]!.headers.authorization).toBe("Bearer ghp_aliceWork00001");
  });

  it("asks userTokenGetter on every call (async getters work)", async () => {
    let asked = 0;
    await using vault = vaultFor(async () => {
      asked++;
      return bobToken;
    });
    const github = bindOperations<Client>(vault, peers.provider, ops);
    await github.get(asUser(), { owner: "o", repo: "r" });
    await github.get(asUser(), { owner: "o", repo: "r" });
    expect(asked).toBe(2);
    expect(peers.standin.requests.at(-1)!.headers.authorization).toBe("Bearer ghp_bobOnly0000001");
  });

  it("several accounts: AmbiguousGrantError lists them; account picks one", async () => {
    grants.alicePersonal = await peers.grant("ghp_alicePersonal1", { principal: "user:alice", account: "alice-personal" });
    await using vault = vaultFor(aliceToken);
    const github = bindOperations<Client>(vault, peers.provider, ops);
    const err = await github.get(asUser(), { owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousGrantError);
    expect([...(err as AmbiguousGrantError).accounts].sort()).toEqual(["alice-personal", "alice-work"]);
    await github.get(asUser({ account: "alice-personal" }), { owner: "o", repo: "r" });
    expect(peers.standin.requests.at(-1)!.headers.authorization).toBe("Bearer ghp_alicePersonal1");
  });

  it("a token for another audience is refused by the vault (IdentityError)", async () => {
    const wrong = await idp.mintIdToken("alice", { audience: "someone-else" });
    await using vault = vaultFor(wrong);
    const github = bindOperations<Client>(vault, peers.provider, ops);
    await expect(github.get(asUser(), { owner: "o", repo: "r" })).rejects.toBeInstanceOf(IdentityError);
  });
});

describe("grant management", () => {
  it("listGrants: await gives a page; for await walks all; a user sees only their grants", async () => {
    await using app = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url });
    const all: string[] = [];
    for await (const g of app.listGrants({ limit: 1 })) all.push(g.grantId);
    expect(all).toEqual(expect.arrayContaining(Object.values(grants)));
    const first = await app.listGrants({ limit: 1 });
    expect(first.grants).toHaveLength(1);
    expect(first.nextCursor).toBeTypeOf("string");

    await using bob = vaultFor(bobToken);
    const mine: string[] = [];
    for await (const g of bob.listGrants()) mine.push(g.grantId);
    expect(mine).toEqual([grants.bob]);
  });

  it("revokeGrant: a user cannot revoke someone else's grant; the owner can, once", async () => {
    await using bob = vaultFor(bobToken);
    await expect(bob.revokeGrant(grants.aliceWork!, { reason: "not mine" })).rejects.toBeInstanceOf(GrantNotFoundError);
    const revoked = await bob.revokeGrant(grants.bob!, { reason: "leaving" });
    expect(revoked.status).toBe("revoked");
    await expect(bob.revokeGrant(grants.bob!, { reason: "again" })).rejects.toBeInstanceOf(GrantNotFoundError);
  });

  it("createManagedSecretGrant for user, group and system principals", async () => {
    const secretId = await peers.secret("ghp_managedShared01", "shared bot");
    await using app = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url });
    const u = await app.createManagedSecretGrant({ managedSecretId: secretId, principal: { type: "user", label: "Alice", userToken: aliceToken } });
    expect(u.principal.type).toBe("user");
    const g = await app.createManagedSecretGrant({ managedSecretId: secretId, principal: { type: "group", label: "Engineering", groupId: "eng" }, grantPolicy: { maxTtlSeconds: 3600 } });
    expect(g.principal).toMatchObject({ type: "group", id: "eng", label: "Engineering" });
    const s = await app.createManagedSecretGrant({ managedSecretId: secretId, principal: { type: "system" } });
    expect(s.principal.type).toBe("system");
    const github = bindOperations<Client>(app, peers.provider, ops);
    await github.get(s.grantId, { owner: "o", repo: "r" });
    expect(peers.standin.requests.at(-1)!.headers.authorization).toBe("Bearer ghp_managedShared01");
  });

  it("rejects malformed principals before any network call, naming the field", async () => {
    await using app = new AlterVault({ apiKey: peers.apiKey, baseUrl: "http://127.0.0.1:9" });
    await expect(app.createManagedSecretGrant({ managedSecretId: "s", principal: { type: "user", label: "x" } as never })).rejects.toThrow(/principal.userToken/);
    await expect(app.createManagedSecretGrant({ managedSecretId: "s", principal: { type: "group", groupId: "g" } as never })).rejects.toThrow(/principal.label is required/);
    await expect(app.createManagedSecretGrant({ managedSecretId: "s", principal: { type: "robot" } as never })).rejects.toBeInstanceOf(AlterValueError);
  });
});

// The IDP's list of audiences: an MCP server's access token is bound to that server's URL
// (RFC 8707), and the vault must still resolve the user from it. Tokens come from a real
// oidc-provider: ID tokens of the app's client and JWT access tokens for a resource indicator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getIdp, listUsers, setIdp } from "../../support/vault-admin.js";
import { APP_CLIENT, startPeers, type Peers } from "./harness.js";

const MCP_URL = "http://127.0.0.1:7777/mcp";
const OTHER_MCP_URL = "https://agents.example.test/mcp";

let peers: Peers;
beforeAll(async () => {
  peers = await startPeers({ idp: { resources: [MCP_URL, "https://unlisted.example.test/mcp"] } });
});
afterAll(async () => {
  await peers?.close();
});

const listAs = (token: string) => peers.transport.request<{ grants: unknown[] }>("GET", "/v1/grants", { userToken: token });
const refusal = (token: string) =>
  listAs(token).then(
    () => undefined,
    (e: { code: string; message: string }) => e,
  );

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
const accessToken = async (sub: string, resource: string) => (await peers.idp.login(sub, { clientId: APP_CLIENT.clientId, resource })).accessToken;

describe("the IDP's audiences", () => {
  it("refuses a token bound to an MCP server's URL while that URL is not an audience", async () => {
    const token = await accessToken("alice", MCP_URL);
    expect(claims(token)).toMatchObject({ aud: MCP_URL, sub: "alice", client_id: APP_CLIENT.clientId });
    const e = await refusal(token);
    expect(e?.code).toBe("user_token_invalid");
    expect(e?.message).toBe(`The user token's audience is not ${APP_CLIENT.clientId}.`);
  });

  it("stores several audiences and always keeps the client id", async () => {
    const saved = await setIdp({
      dataDir: peers.dataDir,
      issuer: peers.idp.issuer,
      clientId: APP_CLIENT.clientId,
      clientSecret: APP_CLIENT.clientSecret,
      audience: [MCP_URL, OTHER_MCP_URL, MCP_URL],
    });
    expect(saved.audiences).toEqual([MCP_URL, APP_CLIENT.clientId, OTHER_MCP_URL]);
    expect((await getIdp({ dataDir: peers.dataDir }))?.audiences).toEqual(saved.audiences);
    expect((await peers.sql<{ extra_audiences: string }>("SELECT extra_audiences FROM idp_configs"))[0]?.extra_audiences).toBe(JSON.stringify([OTHER_MCP_URL]));
    const audit = (await peers.sql<{ details: string }>("SELECT details FROM audit WHERE action = 'admin' ORDER BY seq DESC LIMIT 1"))[0];
    expect(JSON.parse(audit!.details)).toMatchObject({ command: "idp set", audiences: saved.audiences });
  });

  const cases: [name: string, token: () => Promise<string>, outcome: "accepted" | RegExp][] = [
    ["an ID token of the app's client", async () => (await peers.idp.login("alice", { clientId: APP_CLIENT.clientId })).idToken, "accepted"],
    ["an access token for the MCP server (RFC 8707)", () => accessToken("alice", MCP_URL), "accepted"],
    ["a token for the second listed audience", () => peers.idp.mintIdToken("alice", { audience: OTHER_MCP_URL }), "accepted"],
    ["a token whose aud array holds one listed value", () => peers.idp.mintIdToken("alice", { audience: ["https://elsewhere.example.test", MCP_URL] }), "accepted"],
    ["an access token for an unlisted resource", () => accessToken("alice", "https://unlisted.example.test/mcp"), /audience is none of .*127\.0\.0\.1:7777\/mcp, alter-app, https:\/\/agents/],
    ["a token of the right audience from another issuer", () => peers.idp.mintIdToken("alice", { audience: MCP_URL, issuer: "http://127.0.0.1:1" }), /not issued by/],
  ];
  it.each(cases)("%s", async (_name, make, outcome) => {
    const token = await make();
    if (outcome === "accepted") {
      expect((await listAs(token)).status).toBe(200);
    } else {
      const e = await refusal(token);
      expect(e?.code).toBe("user_token_invalid");
      expect(e?.message).toMatch(outcome);
    }
  });

  it("resolves the same user, with their groups, from an ID token and an MCP access token", async () => {
    await listAs(await accessToken("bob", MCP_URL));
    await listAs((await peers.idp.login("bob", { clientId: APP_CLIENT.clientId })).idToken);
    const bobs = (await listUsers({ dataDir: peers.dataDir })).filter((u) => u.subject === "bob");
    expect(bobs).toHaveLength(1);
    await listAs(await accessToken("alice", MCP_URL));
    expect((await listUsers({ dataDir: peers.dataDir })).find((u) => u.subject === "alice")?.groups).toEqual(["eng"]);
  });

  it("refuses blank or spaced audiences, naming the flag", async () => {
    const base = { dataDir: peers.dataDir, issuer: peers.idp.issuer, clientId: APP_CLIENT.clientId };
    await expect(setIdp({ ...base, audience: [""] })).rejects.toThrow(/--audience "" is not an audience/);
    await expect(setIdp({ ...base, audience: ["https://a.example.test/mcp x"] })).rejects.toThrow(/--audience ".*" is not an audience/);
  });
});

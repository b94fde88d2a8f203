// alter-gen/mcp over Streamable HTTP, driven by the MCP SDK's own Client: a real local vault, the
// Slack stand-in, and end users whose bearer tokens are real RFC 8707 access tokens from
// oidc-provider, bound to the MCP server's URL. Each tool call runs as the token's user and is
// audited with the tool's name and call id; requests without a valid token for this server get
// 401 with the RFC 9728 challenge, requests from other hosts or origins 403.
import { request as httpRequest } from "node:http";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlterVault } from "alter-gen/runtime";
import { createMcpServer, serveMcpHttp, type RunningMcpHttp } from "../../../integrations/mcp/index.js";
import { setIdp } from "../../../vault/admin/identity.js";
import { APP_CLIENT, auditDuring, callRows, startE2E, type E2E } from "../../support/e2e.js";
import { tools as slackTools } from "./slack-tools.js";

const SLACK = { alice: "xoxp-alice-CANARY-mcp-5521", bob: "xoxp-bob-CANARY-mcp-8830" };
type User = keyof typeof SLACK;

const resources: string[] = [];
let world: E2E;
let vault: AlterVault;
let http: RunningMcpHttp;
const token: Record<User, string> = { alice: "", bob: "" };
const grant: Record<User, string> = { alice: "", bob: "" };
const clients: Client[] = [];

beforeAll(async () => {
  world = await startE2E({ providers: ["slack"], idp: { resources } });
  vault = world.client({ caller: "mcp-e2e", callerType: "agent", retry: false });
  const server = createMcpServer({ vault, tools: slackTools, mode: "static", clientDefaults: { baseUrl: world.standins.slack!.url } });
  http = await serveMcpHttp({ server, auth: { issuer: world.idp.issuer } });
  // The IDP issues tokens for this server's URL, and the vault accepts that audience.
  resources.push(http.url);
  await setIdp({ dataDir: world.dataDir, issuer: world.idp.issuer, clientId: APP_CLIENT.clientId, clientSecret: APP_CLIENT.clientSecret, audience: [http.url] });
  for (const user of ["alice", "bob"] as const) {
    token[user] = (await world.idp.login(user, { clientId: APP_CLIENT.clientId, resource: http.url })).accessToken;
    grant[user] = await world.managedGrant("slack", SLACK[user], { principal: `user:${user}`, account: `${user}-workspace` });
  }
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await http?.close();
  await world?.close();
});

async function connect(bearer: string, capabilities: ConstructorParameters<typeof Client>[1] = {}): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { authorization: `Bearer ${bearer}` } } });
  const client = new Client({ name: "alter-gen-mcp-test", version: "1.0.0" }, capabilities);
  await client.connect(transport);
  clients.push(client);
  return client;
}

const text = (result: { content?: unknown }) => ((result.content as { type: string; text: string }[])[0] ?? { text: "" }).text;

/** A raw request to the server, with headers fetch would not let us set (Host). */
function raw(path: string, headers: Record<string, string>, method = "POST"): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(path, http.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers } }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(method === "POST" ? JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }) : undefined);
  });
}

describe("alter-gen/mcp over Streamable HTTP", () => {
  it("lists one tool per operation with the table's schemas and annotations, plus await_approval", async () => {
    const client = await connect(token.alice);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["chat_post_message", "chat_delete", "conversations_list", "await_approval"]);
    const post = tools.find((t) => t.name === "chat_post_message")!;
    expect(post.inputSchema).toEqual(slackTools.definitions[0]!.inputSchema);
    expect(post.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, openWorldHint: true });
    expect(tools.find((t) => t.name === "chat_delete")?.annotations?.destructiveHint).toBe(true);
  });

  it("runs two users' calls in parallel, each with their own grant, audited with the tool name and call id", async () => {
    const alice = await connect(token.alice);
    const bob = await connect(token.bob);
    const st = world.standins.slack!;
    const from = st.requests.length;
    const calls = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? "bob" : "alice") as User);
    const { result, rows } = await auditDuring(world, () =>
      Promise.all(
        calls.map((user, i) =>
          (user === "alice" ? alice : bob).callTool({ name: "chat_post_message", arguments: { body: { channel: "C1", text: `${user} ${i}` } }, _meta: { toolCallId: `call-${i}`, runId: "run-mcp" } }),
        ),
      ),
    );
    for (const r of result) expect(r.isError ?? false).toBe(false);
    expect(JSON.parse(text(result[0]!))).toMatchObject({ ok: true });
    const sent = st.requests.slice(from);
    expect(sent).toHaveLength(12);
    for (const req of sent) {
      const user = /"text":"(alice|bob) \d+"/.exec(JSON.stringify(req.body))?.[1] as User;
      expect(req.headers.authorization).toBe(`Bearer ${SLACK[user]}`);
    }
    const audited = callRows(rows);
    expect(audited).toHaveLength(12);
    for (const row of audited) {
      const i = Number(row.toolCallId!.slice("call-".length));
      expect(row).toMatchObject({ toolName: "chat_post_message", runId: "run-mcp", operationId: "chat_postMessage", grantId: grant[calls[i]!], principalType: "user", caller: "mcp-e2e" });
    }
    // The users' bearer tokens are credentials too: in no audit row, log line or answer.
    const everything = JSON.stringify([await world.audit(), world.logs, result]);
    expect(everything).not.toContain(token.alice);
    expect(everything).not.toContain(token.bob);
  });

  it("gives a call without a host-sent id a generated tool call id", async () => {
    const client = await connect(token.alice);
    const { result, rows } = await auditDuring(world, () => client.callTool({ name: "conversations_list", arguments: { limit: 2 } }));
    expect(result.isError ?? false).toBe(false);
    const [row] = callRows(rows);
    expect(row).toMatchObject({ toolName: "conversations_list", operationId: "conversations_list", grantId: grant.alice });
    expect(row!.toolCallId).toMatch(/^mcp_[0-9a-f-]{36}$/);
  });

  const invalid: [name: string, args: Record<string, unknown>, message: RegExp][] = [
    ["a missing required property", { body: { text: "no channel" } }, /input\/body must have required property 'channel'/],
    ["a property the schema does not have", { body: { channel: "C1" }, chanel: "C1" }, /input: unknown property "chanel"/],
    ["a value of the wrong type", { body: { channel: 42 } }, /input\/body\/channel must be string/],
  ];
  it.each(invalid)("refuses %s before any network call", async (_name, args, message) => {
    const client = await connect(token.alice);
    const from = world.standins.slack!.requests.length;
    const result = await client.callTool({ name: "chat_post_message", arguments: args });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(message);
    expect(world.standins.slack!.requests.length).toBe(from);
  });

  it("turns a provider error into a tool error with status and code, never the credential", async () => {
    const client = await connect(token.bob);
    // An echo of the request's credential, as a debugging endpoint might send back.
    world.standins.slack!.script("chat_postMessage", { status: 200, respond: (req) => ({ body: { ok: false, error: "channel_not_found", echo: req.headers.authorization } }) });
    const result = await client.callTool({ name: "chat_post_message", arguments: { body: { channel: "C404" } } });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/The provider answered 200 \(provider_error\)/);
    expect(text(result)).toContain("channel_not_found");
    expect(JSON.stringify(result)).not.toContain(SLACK.bob);
    expect(await world.findSecrets([result])).toEqual([]);
  });

  it("answers a user with no grant with a connect link for the provider", async () => {
    world.idp.addUser({ sub: "carol", email: "carol@example.test" });
    const carol = (await world.idp.login("carol", { clientId: APP_CLIENT.clientId, resource: http.url })).accessToken;
    const client = await connect(carol);
    const result = await client.callTool({ name: "conversations_list", arguments: {} });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(new RegExp(`No Slack account is connected for this caller\\. Ask the user to open ${world.vault.url}/connect/\\S+ to connect Slack`));
    expect((result._meta as Record<string, { code: string; connectUrl: string }>)["alter-gen/error"]).toMatchObject({ code: "grant_not_found" });

    // A client that can open a URL for its user gets the same link as a URL elicitation first;
    // when the call still finds no grant after the user's answer, it ends with the tool error.
    const eliciting = await connect(carol, { capabilities: { elicitation: { url: {} } }, versionNegotiation: { mode: "auto" } });
    const shown: Record<string, unknown>[] = [];
    eliciting.setRequestHandler("elicitation/create", async (request) => {
      shown.push(request.params as Record<string, unknown>);
      return { action: "accept" };
    });
    const after = await eliciting.callTool({ name: "conversations_list", arguments: {} });
    expect(shown).toEqual([expect.objectContaining({ mode: "url", url: expect.stringMatching(new RegExp(`^${world.vault.url}/connect/`)), message: expect.stringMatching(/^No Slack account is connected/) })]);
    expect(after.isError).toBe(true);
    expect(text(after)).toMatch(/Ask the user to open http:\/\/127\.0\.0\.1:\d+\/connect\//);
  });

  it("refuses at the door a token whose signature does not verify, even with the right audience", async () => {
    const [h, p] = token.alice.split(".");
    const forged = `${h}.${p}.${Buffer.from("not the signature").toString("base64url")}`;
    const from = world.standins.slack!.requests.length;
    await expect(connect(forged)).rejects.toThrow(/401|invalid_token|Unauthorized/i);
    const res = await raw("/mcp", { authorization: `Bearer ${forged}` });
    expect(res.status).toBe(401);
    expect(String(res.headers["www-authenticate"])).toMatch(/error="invalid_token"/);
    expect(res.body).toMatch(/does not verify/);
    expect(world.standins.slack!.requests.length).toBe(from);
  });
});

describe("the HTTP front door", () => {
  it("publishes RFC 9728 protected resource metadata naming the IDP", async () => {
    const res = await fetch(new URL("/.well-known/oauth-protected-resource/mcp", http.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ resource: http.url, authorization_servers: [world.idp.issuer], bearer_methods_supported: ["header"] });
  });

  const refusals: [name: string, headers: () => Record<string, string>, status: number, check: RegExp][] = [
    ["no token", () => ({}), 401, /^Bearer .*resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"/],
    ["a token for another audience (the app's ID token)", () => ({ authorization: `Bearer ${idToken}` }), 401, /error="invalid_token"/],
    ["a token that is not a JWT", () => ({ authorization: "Bearer opaque-token" }), 401, /error="invalid_token"/],
    ["another Host (DNS rebinding)", () => ({ authorization: `Bearer ${token.alice}`, host: "attacker.example.test" }), 403, /Host not allowed/],
    ["a foreign Origin", () => ({ authorization: `Bearer ${token.alice}`, origin: "https://attacker.example.test" }), 403, /Origin not allowed/],
    ["a token signed by a key the IDP never published", () => ({ authorization: `Bearer ${selfSigned}` }), 401, /error="invalid_token"/],
    ["a token from another issuer", () => ({ authorization: `Bearer ${otherIssuer}` }), 401, /error="invalid_token"/],
  ];
  let idToken = "";
  let selfSigned = "";
  let otherIssuer = "";
  beforeAll(async () => {
    idToken = (await world.idp.login("alice", { clientId: APP_CLIENT.clientId })).idToken;
    const { privateKey } = await generateKeyPair("RS256");
    const now = Math.floor(Date.now() / 1000);
    selfSigned = await new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "attacker" }).setIssuer(world.idp.issuer).setSubject("alice").setAudience(http.url).setIssuedAt(now).setExpirationTime(now + 600).sign(privateKey);
    otherIssuer = await world.idp.mintIdToken("alice", { audience: http.url, issuer: "https://idp.attacker.example.test" });
  });

  it("accepts a token the IDP signed for this server's URL", async () => {
    const minted = await world.idp.mintIdToken("alice", { audience: http.url });
    const res = await raw("/mcp", { authorization: `Bearer ${minted}` });
    expect(res.status).not.toBe(401);
    expect(res.status).toBeLessThan(400);
  });
  it.each(refusals)("refuses %s", async (_name, headers, status, check) => {
    const res = await raw("/mcp", headers());
    expect(res.status).toBe(status);
    expect(status === 401 ? String(res.headers["www-authenticate"]) : res.body).toMatch(check);
  });

  it("refuses an expired token bound to this server", async () => {
    const expired = await world.idp.mintIdToken("alice", { audience: http.url, expiresIn: -60 });
    const res = await raw("/mcp", { authorization: `Bearer ${expired}` });
    expect(res.status).toBe(401);
    expect(String(res.headers["www-authenticate"])).toMatch(/invalid_token/);
  });
});

// The per-request SDK Servers share what does not depend on the request (the tools/list answer,
// the handlers) and nothing that does: with the MCP SDK's own Client and HTTP handler, two users'
// calls held open together, so every request of one overlaps requests of the other, each reach
// callTool with their own bearer token only.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { createMcpHandler } from "@modelcontextprotocol/server";
import { afterAll, describe, expect, it } from "vitest";
import type { McpTool } from "../../../integrations/mcp/listing.js";
import type { ToolAnswer } from "../../../integrations/mcp/outcome.js";
import { sdkServerFactory } from "../../../integrations/mcp/sdk-server.js";
import type { ToolCallRequest } from "../../../integrations/mcp/server.js";

const TOKENS = { alice: "eyJ-alice-CANARY-token-4471", bob: "eyJ-bob-CANARY-token-9902" };
type User = keyof typeof TOKENS;
const tool: McpTool = { name: "whoami", description: "Who the call runs as", inputSchema: { type: "object", properties: { n: { type: "integer" } } }, annotations: { readOnlyHint: true } };

const PER_USER = 8;
const seen: { n: number; token: string | undefined }[] = [];
let arrived = 0;
let release!: () => void;
const allIn = new Promise<void>((r) => (release = r));

async function callTool(_name: string, args: unknown, req: ToolCallRequest): Promise<ToolAnswer> {
  const n = (args as { n: number }).n;
  // Hold every call until all of both users' calls are in flight at once.
  if (++arrived === 2 * PER_USER) release();
  await allIn;
  seen.push({ n, token: req.userToken });
  const user = (Object.keys(TOKENS) as User[]).find((u) => TOKENS[u] === req.userToken) ?? "nobody";
  return { content: [{ type: "text", text: `${user} ${n}` }] };
}

const factory = sdkServerFactory({ name: "test", version: "1.0.0", instructions: "test", tools: [tool], callTool });
const handler = createMcpHandler(() => factory());
const url = new URL("http://127.0.0.1:1/mcp");
const clients: Client[] = [];

async function clientOf(user: User): Promise<Client> {
  const fetch = (input: string | URL | Request, init?: RequestInit) => {
    const { signal: _signal, ...rest } = init ?? {};
    return handler.fetch(new Request(input, rest), { authInfo: { token: TOKENS[user], clientId: user, scopes: [] } });
  };
  const client = new Client({ name: `test-${user}`, version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(url, { fetch }));
  clients.push(client);
  return client;
}

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await handler.close();
});

describe("per-request SDK Servers", () => {
  it("hand each concurrent call its own request's token, never another user's", async () => {
    const users: Record<User, Client> = { alice: await clientOf("alice"), bob: await clientOf("bob") };
    const calls = Array.from({ length: 2 * PER_USER }, (_, n) => ({ n, user: (n % 2 ? "bob" : "alice") as User }));
    const answers = await Promise.all(calls.map(({ n, user }) => users[user].callTool({ name: "whoami", arguments: { n } })));
    expect(answers.map((a) => (a.content as { text: string }[])[0]!.text)).toEqual(calls.map(({ n, user }) => `${user} ${n}`));
    expect(seen).toHaveLength(2 * PER_USER);
    for (const { n, token } of seen) expect(token).toBe(TOKENS[calls[n]!.user]);
  });

  it("answers tools/list alike to every request, each request with its own Server", async () => {
    const client = await clientOf("alice");
    const [a, b] = [await client.listTools(), await client.listTools()];
    expect(a.tools).toEqual([tool]);
    expect(b).toEqual(a);
    const [first, second] = [factory(), factory()];
    expect(first).not.toBe(second);
  });
});

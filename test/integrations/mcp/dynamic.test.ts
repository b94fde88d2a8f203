// The dynamic mode (search, describe, call) and a grant-based server (a system grant, no user
// token: what `alter-gen mcp --grant` runs), over Streamable HTTP on loopback with the SDK's
// Client, against the real vault and the Slack stand-in. Calls through call_operation are
// audited under the real operation's tool name; an approval-gated grant answers with the
// approval id, and await_approval returns the call's result once a person approves.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlterVault } from "alter-gen/runtime";
import { createMcpServer, serveMcpHttp, type AlterMcpServer, type RunningMcpHttp } from "../../../integrations/mcp/index.js";
import { approve } from "../../../vault/index.js";
import { auditDuring, callRows, startE2E, type E2E } from "../../support/e2e.js";
import { tools as slackTools } from "./slack-tools.js";

let world: E2E;
let vault: AlterVault;
let systemGrant = "";
let gatedGrant = "";
const servers: RunningMcpHttp[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  world = await startE2E({ providers: ["slack"] });
  vault = world.client({ caller: "mcp-dynamic", retry: false });
  systemGrant = await world.managedGrant("slack", "xoxb-system-CANARY-mcp-2210");
  gatedGrant = await world.managedGrant("slack", "xoxb-gated-CANARY-mcp-7741", { policy: { requireApproval: true } });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await Promise.allSettled(servers.map((s) => s.close()));
  await world?.close();
});

async function serve(options: Partial<Parameters<typeof createMcpServer>[0]>): Promise<{ server: AlterMcpServer; client: Client }> {
  const server = createMcpServer({ vault, tools: slackTools, clientDefaults: { baseUrl: world.standins.slack!.url }, ...options });
  const http = await serveMcpHttp({ server });
  servers.push(http);
  const client = new Client({ name: "alter-gen-mcp-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  clients.push(client);
  return { server, client };
}

const text = (result: { content?: unknown }) => ((result.content as { type: string; text: string }[])[0] ?? { text: "" }).text;

describe("dynamic mode with a system grant", () => {
  let client: Client;
  let server: AlterMcpServer;
  beforeAll(async () => {
    ({ client, server } = await serve({ mode: "dynamic", grant: systemGrant }));
  });

  it("offers three tools and await_approval, and says why", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["search_operations", "describe_operations", "call_operation", "await_approval"]);
    expect(server.modeChoice).toMatchObject({ mode: "dynamic", tools: 3 });
    expect(server.modeChoice.reason).toMatch(/^dynamic mode as asked \(3 tools, \d+ KB of definitions behind search, describe and call\)$/);
    expect(client.getInstructions()).toContain("dynamic mode as asked");
  });

  it("searches deterministically, best match first", async () => {
    const search = async (query: string) => JSON.parse(text(await client.callTool({ name: "search_operations", arguments: { query } }))) as { results: { name: string }[]; total: number };
    const first = await search("post a message");
    expect(first.results.map((r) => r.name)).toEqual(["chat_post_message", "chat_delete"]);
    expect(first.total).toBe(3);
    expect(await search("post a message")).toEqual(first);
    expect((await search("channels list")).results[0]?.name).toBe("conversations_list");
    expect((await search("zebra")).results).toEqual([]);
  });

  it("describes chosen operations with their full input schemas, and names unknown ones", async () => {
    const described = JSON.parse(text(await client.callTool({ name: "describe_operations", arguments: { names: ["chat_post_message"] } })));
    expect(described.operations[0]).toMatchObject({ name: "chat_post_message", inputSchema: slackTools.definitions[0]!.inputSchema });
    const unknown = await client.callTool({ name: "describe_operations", arguments: { names: ["chat_post_mesage"] } });
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toBe('Unknown operation "chat_post_mesage"; use search_operations to find names.');
  });

  it("calls one operation with the system grant, audited under the operation's own tool name", async () => {
    const { result, rows } = await auditDuring(world, () =>
      client.callTool({ name: "call_operation", arguments: { name: "chat_post_message", input: { body: { channel: "C1", text: "from the agent" } } }, _meta: { toolCallId: "dyn-1", threadId: "thread-9" } }),
    );
    expect(result.isError ?? false).toBe(false);
    expect(callRows(rows)).toEqual([
      expect.objectContaining({ toolName: "chat_post_message", toolCallId: "dyn-1", threadId: "thread-9", grantId: systemGrant, principalType: "system", operationId: "chat_postMessage" }),
    ]);
    expect(world.standins.slack!.requests.at(-1)?.headers.authorization).toBe("Bearer xoxb-system-CANARY-mcp-2210");
  });

  it("checks the operation's input before calling", async () => {
    const from = world.standins.slack!.requests.length;
    const bad = await client.callTool({ name: "call_operation", arguments: { name: "conversations_list", input: { limit: 0 } } });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toBe("Invalid input for conversations_list: input/limit must be >= 1.");
    expect(world.standins.slack!.requests.length).toBe(from);
  });
});

describe("an approval-gated grant", () => {
  it("answers with the approval id, and await_approval returns the result once approved", async () => {
    const { client } = await serve({ mode: "static", grant: gatedGrant, callMode: "proxy" });
    const st = world.standins.slack!;
    const from = st.requests.length;
    const gated = await client.callTool({ name: "chat_post_message", arguments: { body: { channel: "C7", text: "needs a yes" } } });
    expect(gated.isError).toBe(true);
    const approvalId = /Approval id: (\S+)\./.exec(text(gated))?.[1];
    expect(approvalId).toBeTruthy();
    expect(text(gated)).toContain(`Call await_approval with {"approvalId": "${approvalId}"}`);
    expect(st.requests.length).toBe(from);

    const waiting = client.callTool({ name: "await_approval", arguments: { approvalId, timeoutSeconds: 30 } });
    await new Promise((r) => setTimeout(r, 300));
    await approve({ dataDir: world.dataDir, approvalId: approvalId!, by: "ops@example.test" });
    const done = await waiting;
    expect(done.isError ?? false).toBe(false);
    expect(JSON.parse(text(done))).toMatchObject({ ok: true });
    expect(st.requests.slice(from).map((r) => new URLSearchParams(r.rawBody).get("text"))).toEqual(["needs a yes"]);
    expect(await world.findSecrets([gated, done])).toEqual([]);
  });
});

// An agent's MCP server over a grant whose policy asks approval for destructive operations only,
// driven by the MCP SDK's own Client over Streamable HTTP, against the real vault and the Slack
// stand-in: reads and ordinary writes run at once, chat.delete waits for a person (the tool answers
// with the approval id and await_approval returns the result once approved). The tools' destructive
// hint and the vault's gate come from one rule (catalog/operation-class.ts), so what the model is
// told is destructive is exactly what the vault holds back.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlterVault } from "alter-gen/runtime";
import { createMcpServer, serveMcpHttp, type RunningMcpHttp } from "../../../integrations/mcp/index.js";
import { approve } from "../../../vault/index.js";
import { startE2E, type E2E } from "../../support/e2e.js";
import { tools as slackTools } from "./slack-tools.js";

const TOKEN = "xoxb-opgate-CANARY-mcp-3190";
let world: E2E;
let vault: AlterVault;
let grant = "";
const servers: RunningMcpHttp[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  world = await startE2E({ providers: ["slack"] });
  vault = world.client({ caller: "mcp-opgate", callerType: "agent", retry: false });
  grant = await world.managedGrant("slack", TOKEN, { policy: { requireApprovalFor: { classes: ["destructive"] } } });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await Promise.allSettled(servers.map((s) => s.close()));
  await world?.close();
});

async function serve(callMode?: "proxy" | "retrieve"): Promise<Client> {
  const server = createMcpServer({ vault, tools: slackTools, mode: "static", grant, ...(callMode ? { callMode } : {}), clientDefaults: { baseUrl: world.standins.slack!.url } });
  const http = await serveMcpHttp({ server });
  servers.push(http);
  const client = new Client({ name: "alter-gen-mcp-opgate", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  clients.push(client);
  return client;
}

const text = (result: { content?: unknown }) => ((result.content as { type: string; text: string }[])[0] ?? { text: "" }).text;

const CALLS: [tool: string, args: Record<string, unknown>][] = [
  ["conversations_list", { limit: 5 }],
  ["chat_post_message", { body: { channel: "C1", text: "hello" } }],
  ["chat_delete", { body: { channel: "C1", ts: "1700000000.000100" } }],
];

describe("an MCP server over a grant that gates destructive operations", () => {
  it("runs reads and writes at once, holds the destructive call for approval, and await_approval returns its result", async () => {
    const client = await serve("proxy");
    const { tools } = await client.listTools();
    const st = world.standins.slack!;
    const gated: string[] = [];
    const all: unknown[] = [];
    for (const [name, args] of CALLS) {
      const from = st.requests.length;
      const result = await client.callTool({ name, arguments: args });
      all.push(result);
      const approvalId = /Approval id: (\S+)\./.exec(text(result))?.[1];
      if (approvalId) {
        expect(result.isError).toBe(true);
        expect(st.requests.length).toBe(from);
        gated.push(name);
        const waiting = client.callTool({ name: "await_approval", arguments: { approvalId, timeoutSeconds: 30 } });
        await new Promise((r) => setTimeout(r, 300));
        await approve({ dataDir: world.dataDir, approvalId, by: "owner@example.test" });
        const done = await waiting;
        all.push(done);
        expect(done.isError ?? false).toBe(false);
        expect(st.requests.slice(from).map((r) => r.operationId)).toEqual(["chat_delete"]);
      } else {
        expect(result.isError ?? false, text(result)).toBe(false);
        expect(st.requests.length).toBe(from + 1);
      }
    }
    expect(gated).toEqual(["chat_delete"]);
    // The same rule: what the tools table calls destructive is what the vault held back.
    expect(tools.filter((t) => t.annotations?.destructiveHint).map((t) => t.name)).toEqual(gated);
    expect(await world.findSecrets(all)).toEqual([]);
  });

  it("in retrieve mode every tool is refused, reads too, and the error says to use proxy mode", async () => {
    const client = await serve("retrieve");
    const st = world.standins.slack!;
    const from = st.requests.length;
    const result = await client.callTool({ name: "conversations_list", arguments: { limit: 5 } });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/proxy mode/);
    expect(st.requests.length).toBe(from);
  });
});

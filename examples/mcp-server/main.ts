// An MCP server for Slack's generated tools, and an MCP client (the SDK's own, as a host runs it)
// that lists them and calls one; then the audit row the call left, with the tool's name and the
// host's tool call id. Runs against a local vault and a Slack stand-in; `alter-gen mcp
// --provider slack --grant <id>` serves the same thing to a real host over stdio.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { AlterVault } from "alter-gen/runtime";
import { createMcpServer, serveMcpHttp } from "alter-gen/mcp";
import { tools } from "alter-gen/generated/slack/tools";
import { startSandbox } from "../sandbox.js";

const sandbox = await startSandbox();
try {
  const standin = await sandbox.standin("slack");
  // In real use: `alter-gen vault secrets add --provider slack` with the bot token (xoxb-…).
  const grantId = await sandbox.managedGrant("slack", "xoxb-example-bot-token-never-printed", { label: "mcp-bot" });

  await using vault = new AlterVault({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, caller: "slack-mcp", callerType: "agent" });
  // Two tools of Slack's 200-odd; without --include the server would choose the dynamic mode.
  const server = createMcpServer({ vault, tools, grant: grantId, include: ["chat.postMessage", "conversations.list"], clientDefaults: { baseUrl: standin.url } });
  const http = await serveMcpHttp({ server });
  console.log(`MCP server at ${http.url}: ${server.modeChoice.reason}`);

  const client = new Client({ name: "example-host", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  const { tools: listed } = await client.listTools();
  console.log(`tools: ${listed.map((t) => t.name).join(", ")}`);
  const result = await client.callTool({ name: "chat_post_message", arguments: { body: { channel: "C0RELEASES", text: "v1.4.0 is out" } }, _meta: { toolCallId: "call_example_1" } });
  console.log(`tool result: ${(result.content as { text: string }[])[0]?.text}`);
  await client.close();
  await http.close();

  const [row] = (await sandbox.audit()).filter((r) => r.toolCallId === "call_example_1");
  console.log(`audit: ${row?.action} ${row?.outcome} op=${row?.operationId} tool=${row?.toolName} tool_call=${row?.toolCallId} caller=${row?.caller} (${row?.callerType})`);
} finally {
  await sandbox.close();
}

// What an MCP host's model reads of a successful call, through the MCP SDK's own Client over
// Streamable HTTP, the real local vault and the Box and Slack stand-ins: an image as its size and
// media type (never its bytes), a long list cut at maxAnswerChars with a note and `{}` as its
// structuredContent (which the client checks against the declared output schema), whole JSON as is.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlterVault } from "alter-gen/runtime";
import { tools as boxTools } from "alter-gen/generated/box/tools";
import { tools as slackTools } from "alter-gen/generated/slack/tools";
import { createMcpServer, serveMcpHttp, type RunningMcpHttp } from "../../../integrations/mcp/index.js";
import { startE2E, type E2E } from "../../support/e2e.js";

let world: E2E;
let vault: AlterVault;
const servers: RunningMcpHttp[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  world = await startE2E({ providers: ["slack", "box"] });
  vault = world.client({ caller: "mcp-answers", retry: false });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await Promise.allSettled(servers.map((s) => s.close()));
  await world?.close();
});

async function serve(options: Parameters<typeof createMcpServer>[0]): Promise<Client> {
  const http = await serveMcpHttp({ server: createMcpServer(options) });
  servers.push(http);
  const client = new Client({ name: "alter-gen-answers-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  clients.push(client);
  return client;
}

const text = (result: { content?: unknown }) => ((result.content as { type: string; text: string }[])[0] ?? { text: "" }).text;

describe("answers as an MCP host's model reads them", () => {
  it("describes an image by its size and media type", async () => {
    const grant = await world.managedGrant("box", "box-system-CANARY-mcp-answers-2207");
    const image = Buffer.alloc(300_000, 7);
    image.write("\xff\xd8\xff\xe0", "latin1");
    world.standins.box!.script("get_users_id_avatar", { status: 200, headers: { "content-type": "image/jpeg" }, body: image });
    const client = await serve({ vault, tools: boxTools, include: ["user_avatars_get_users_id_avatar"], mode: "static", grant, clientDefaults: { baseUrl: world.standins.box!.url } });
    const result = await client.callTool({ name: "user_avatars_get_users_id_avatar", arguments: { user_id: "12345" } });
    expect(result.isError ?? false).toBe(false);
    expect(text(result)).toBe("The call succeeded with a binary answer of 300000 bytes (image/jpeg), which is not shown here.");
    expect(result._meta?.["alter-gen/call"]).toMatchObject({ status: 200, bytes: 300_000, mediaType: "image/jpeg" });
  });

  it("cuts a long answer at maxAnswerChars, says so, and sends whole JSON as is", async () => {
    const grant = await world.managedGrant("slack", "xoxb-system-CANARY-mcp-answers-8815");
    const channels = Array.from({ length: 500 }, (_, i) => ({ id: `C${i}`, name: `channel-${i}` }));
    world.standins.slack!.script("conversations_list", { status: 200, body: { ok: true, channels } }, { status: 200, body: { ok: true, channels: channels.slice(0, 2) } });
    const client = await serve({ vault, tools: slackTools, include: ["conversations_list"], mode: "static", grant, clientDefaults: { baseUrl: world.standins.slack!.url }, maxAnswerChars: 2_000 });
    const long = await client.callTool({ name: "conversations_list", arguments: { limit: 500 } });
    expect(text(long)).toMatch(/^\{"ok":true,"channels":\[\{"id":"C0","name":"channel-0"\}.*\n… \[cut: the answer has \d+ characters; only the first 2000 characters are shown\. Ask for less/s);
    expect(long.structuredContent).toEqual({});
    expect(long._meta?.["alter-gen/call"]).toMatchObject({ cut: true });
    const short = await client.callTool({ name: "conversations_list", arguments: { limit: 2 } });
    expect(JSON.parse(text(short))).toEqual({ ok: true, channels: channels.slice(0, 2) });
    expect(short.structuredContent).toMatchObject({ ok: true });
  });

  it("refuses a maxAnswerChars that is no count of characters, naming the option", () => {
    expect(() => createMcpServer({ vault, tools: slackTools, maxAnswerChars: 0 })).toThrow(/^createMcpServer: maxAnswerChars must be an integer of at least 100 characters \(got 0\)\.$/);
  });
});

// Output schemas over MCP with the SDK's own Client, which refuses a result whose structuredContent
// does not fit the tool's declared outputSchema: the server declares the generated table's output
// schema loosened to its top level (integrations/mcp/output.ts), and answers from the Slack
// stand-in, the document's own sample and one that strays from the document (a field left out,
// two of the wrong type, one the document does not know), all reach the client. The table's
// schema as generated refuses the second, and the client does check what it is given.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlterVault, ToolDefinition } from "alter-gen/runtime";
import { tools as slackTools } from "alter-gen/generated/slack/tools";
import { createMcpServer, serveMcpHttp, type RunningMcpHttp } from "../../../integrations/mcp/index.js";
import { declaredOutputSchema, structuredContentFor } from "../../../integrations/mcp/output.js";
import { startE2E, type E2E } from "../../support/e2e.js";

let world: E2E;
let vault: AlterVault;
let grant = "";
const servers: RunningMcpHttp[] = [];
const clients: Client[] = [];
const INCLUDE = ["chat_post_message", "conversations_list"];

beforeAll(async () => {
  world = await startE2E({ providers: ["slack"] });
  vault = world.client({ caller: "mcp-output", retry: false });
  grant = await world.managedGrant("slack", "xoxb-system-CANARY-mcp-out-4410");
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await Promise.allSettled(servers.map((s) => s.close()));
  await world?.close();
});

async function serve(options: Partial<Parameters<typeof createMcpServer>[0]> = {}): Promise<Client> {
  const server = createMcpServer({ vault, tools: slackTools, include: INCLUDE, mode: "static", grant, clientDefaults: { baseUrl: world.standins.slack!.url }, ...options });
  const http = await serveMcpHttp({ server });
  servers.push(http);
  const client = new Client({ name: "alter-gen-output-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  clients.push(client);
  return client;
}

const text = (result: { content?: unknown }) => ((result.content as { type: string; text: string }[])[0] ?? { text: "" }).text;
const postMessage = slackTools.definitions.find((d) => d.name === "chat_post_message")!;

describe("output schemas a real client accepts", () => {
  let client: Client;
  beforeAll(async () => {
    client = await serve();
  });

  it("declares each tool's top level: its properties' JSON types and null, nothing required", async () => {
    const { tools } = await client.listTools();
    const declared = tools.find((t) => t.name === "chat_post_message")!.outputSchema!;
    expect(declared).toMatchObject({ type: "object", properties: { channel: { type: ["string", "null"] }, ok: { type: ["boolean", "null"] }, message: { type: ["object", "null"] } } });
    expect(declared).not.toHaveProperty("required");
    expect(JSON.stringify(declared)).not.toMatch(/"(additionalProperties|enum|format|items)"/);
    expect(tools.find((t) => t.name === "await_approval")).not.toHaveProperty("outputSchema");
  });

  it("answers the document's own sample with structuredContent the client validates", async () => {
    await client.listTools();
    const result = await client.callTool({ name: "chat_post_message", arguments: { body: { channel: "C1", text: "hi" } } });
    expect(result.isError ?? false).toBe(false);
    expect(result.structuredContent).toEqual(JSON.parse(text(result)));
    expect(result.structuredContent).toMatchObject({ ok: true });
  });

  const strayed = { ok: true, channel: 42, message: "not an object", scheduled: { by: "a field the document does not know" } };

  it("answers a provider answer that strays from its document: the misfits left out of structuredContent, the text whole", async () => {
    world.standins.slack!.script("chat_postMessage", { status: 200, body: strayed });
    await client.listTools();
    const result = await client.callTool({ name: "chat_post_message", arguments: { body: { channel: "C1", text: "hi" } } });
    expect(result.isError ?? false).toBe(false);
    expect(result.structuredContent).toEqual({ ok: true, scheduled: strayed.scheduled });
    expect(JSON.parse(text(result))).toEqual(strayed);
  });

  it("would have failed in the client with the table's schema as generated", async () => {
    // The whole answer against the generated schema: channel is no string.
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(postMessage.outputSchema!, strayed)).toBe(false);
    expect(ajv.errors?.map((e) => e.instancePath)).toContain("/channel");
    // And the client does check: a schema that requires what the answer lacks is refused.
    world.standins.slack!.script("chat_postMessage", { status: 200, body: strayed });
    const { tools } = await client.listTools();
    const strict = { ...tools.find((t) => t.name === "chat_post_message")!, outputSchema: { ...postMessage.outputSchema!, required: ["channel"] } as never };
    await expect(client.callTool({ name: "chat_post_message", arguments: { body: { channel: "C1" } } }, { toolDefinition: strict })).rejects.toThrow(
      /Structured content does not match the tool's output schema/,
    );
  });

  it("declares none and sends no structuredContent when told not to, and none for call_operation", async () => {
    const plain = await serve({ outputSchemas: false });
    expect((await plain.listTools()).tools.filter((t) => t.outputSchema)).toEqual([]);
    const result = await plain.callTool({ name: "conversations_list", arguments: {} });
    expect(result.isError ?? false).toBe(false);
    expect(result).not.toHaveProperty("structuredContent");
    const dynamic = await serve({ mode: "dynamic" });
    expect((await dynamic.listTools()).tools.filter((t) => t.outputSchema)).toEqual([]);
  });
});

describe("structuredContentFor", () => {
  const schema = declaredOutputSchema({
    ...postMessage,
    outputSchema: { type: "object", properties: { n: { type: "integer" }, x: { type: "number" }, s: { type: "string" }, any: { anyOf: [{ type: "string" }] } } },
  } as ToolDefinition)!;
  it.each([
    ["an array answer", [1, 2], {}],
    ["a string answer", "ok", {}],
    ["null", null, {}],
    ["an integer where an integer is declared", { n: 3 }, { n: 3 }],
    ["a fraction where an integer is declared", { n: 3.5 }, {}],
    ["an integer where a number is declared", { x: 3 }, { x: 3 }],
    ["null for any declared type", { s: null, n: null }, { s: null, n: null }],
    ["anything where no type is declared", { any: [1] }, { any: [1] }],
    ["a property the document does not know", { other: { a: 1 } }, { other: { a: 1 } }],
  ] as const)("keeps what fits of %s", (_name, data, expected) => {
    expect(structuredContentFor(schema, data)).toEqual(expected);
  });

  it("keeps a __proto__ key as data, never as a prototype", () => {
    const out = structuredContentFor(schema, JSON.parse('{"__proto__": {"polluted": true}, "s": "x"}'));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(["__proto__", "s"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

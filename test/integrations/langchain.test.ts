// alter-gen/langchain against LangChain.js itself: a tool-calling agent loop (bindTools, invoke,
// each tool call run through the tool, ToolMessages fed back) driven by a scripted chat model
// built on @langchain/core's FakeListChatModel, through the real local vault into the Slack
// stand-in. Two agent runs at once, each inside its own user's token scope, reach only their
// own grant; the audit rows carry the tool call ids, thread ids and run ids LangChain gave.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AIMessage, HumanMessage, type BaseMessage, type ToolMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { DynamicStructuredTool } from "@langchain/core/tools";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import type { AlterVault } from "alter-gen/runtime";
import { createSlackClient } from "alter-gen/generated/slack";
import { tools as slackTools } from "alter-gen/generated/slack/tools";
import { tools as boxTools } from "alter-gen/generated/box/tools";
import { toLangChainTools } from "../../integrations/langchain/index.js";
import { APP_CLIENT, auditDuring, callRows, startE2E, type E2E } from "../support/e2e.js";

const SLACK = { alice: "xoxp-alice-CANARY-lc-2291", bob: "xoxp-bob-CANARY-lc-6618" };
const BOX = "box-alice-CANARY-lc-4410";
type User = keyof typeof SLACK;

/** One scripted turn: tool calls to make, or the final answer. */
type Turn = { toolCalls: { id: string; name: string; args: Record<string, unknown> }[] } | { answer: string };

/**
 * FakeListChatModel answering a script of turns (JSON in its responses list), tool calls
 * included; records the tool specs bindTools gave it, as a provider's chat model would send them.
 */
class ScriptedChatModel extends FakeListChatModel {
  offered: { name: string; description: string; parameters: unknown }[] = [];
  constructor(turns: Turn[]) {
    super({ responses: turns.map((t) => JSON.stringify(t)) });
  }
  override _formatGeneration(text: string) {
    const turn = JSON.parse(text) as Turn;
    const message = "answer" in turn ? new AIMessage(turn.answer) : new AIMessage({ content: "", tool_calls: turn.toolCalls.map((c) => ({ ...c, type: "tool_call" as const })) });
    return { message, text: "answer" in turn ? turn.answer : "" };
  }
  override bindTools(tools: Parameters<FakeListChatModel["bindTools"]>[0]) {
    const bound = super.bindTools(tools);
    this.offered = (bound as unknown as { config: { tools: { function: ScriptedChatModel["offered"][number] }[] } }).config.tools.map((t) => t.function);
    // Keep this model (and its script) answering: the parent's copy would answer plain text.
    return this.withConfig({ tools: this.offered } as never) as unknown as ReturnType<FakeListChatModel["bindTools"]>;
  }
}

/** The LangChain tool-calling loop: the model answers, each tool call runs, until a final answer. */
async function runAgent(model: ScriptedChatModel, tools: DynamicStructuredTool[], question: string, config: RunnableConfig): Promise<BaseMessage[]> {
  const bound = model.bindTools(tools);
  const byName = new Map(tools.map((t) => [t.name, t]));
  const messages: BaseMessage[] = [new HumanMessage(question)];
  for (let turn = 0; turn < 5; turn++) {
    const ai = (await bound.invoke(messages, config)) as AIMessage;
    messages.push(ai);
    if (!ai.tool_calls?.length) return messages;
    for (const call of ai.tool_calls) messages.push((await byName.get(call.name)!.invoke({ ...call, type: "tool_call" }, config)) as ToolMessage);
  }
  throw new Error("the agent did not finish");
}

let world: E2E;
let vault: AlterVault;
let boxGrant = "";
const jwt: Record<User, string> = { alice: "", bob: "" };
const grant: Record<User, string> = { alice: "", bob: "" };

beforeAll(async () => {
  world = await startE2E({ providers: ["slack", "box"] });
  vault = world.client({ caller: "e2e-langchain", callerType: "agent", retry: false });
  for (const user of ["alice", "bob"] as const) {
    jwt[user] = (await world.idp.login(user, { clientId: APP_CLIENT.clientId })).idToken;
    grant[user] = await world.managedGrant("slack", SLACK[user], { principal: `user:${user}`, account: `${user}-workspace` });
  }
  boxGrant = await world.managedGrant("box", BOX);
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe("alter-gen/langchain", () => {
  it("offers the table's tools with their JSON Schemas, filtered and prefixed", () => {
    const tools = toLangChainTools(vault, slackTools, { include: ["chat_post_message", "conversations_list"], prefix: "slack_" });
    expect(tools.map((t) => t.name)).toEqual(["slack_chat_post_message", "slack_conversations_list"]);
    const model = new ScriptedChatModel([{ answer: "none" }]);
    model.bindTools(tools);
    const def = slackTools.definitions.find((d) => d.name === "chat_post_message")!;
    expect(model.offered[0]).toEqual({ name: "slack_chat_post_message", description: def.description, parameters: def.inputSchema });
  });

  it("runs two agents at once, each under its own user, audited with LangChain's tool call, thread and run ids", async () => {
    const st = world.standins.slack!;
    const slack = createSlackClient(vault, { baseUrl: st.url });
    const tools = toLangChainTools(slack, slackTools, { include: ["chat_post_message"] });
    const run = (user: User) => {
      const model = new ScriptedChatModel([
        { toolCalls: [{ id: `tc-${user}-1`, name: "chat_post_message", args: { body: { channel: "C1", text: `hello from ${user}` } } }] },
        { answer: `posted for ${user}` },
      ]);
      return vault.withUserToken(jwt[user], () => runAgent(model, tools, "Say hello in C1", { configurable: { thread_id: `thread-${user}`, run_id: `run-${user}` } }));
    };
    const { result, rows } = await auditDuring(world, () => Promise.all([run("alice"), run("bob")]));
    for (const [i, user] of (["alice", "bob"] as const).entries()) {
      const messages = result[i]!;
      const toolMessage = messages.find((m) => m.getType() === "tool") as ToolMessage;
      expect(toolMessage.tool_call_id).toBe(`tc-${user}-1`);
      expect(JSON.parse(String(toolMessage.content))).toMatchObject({ ok: true });
      expect(toolMessage.artifact).toMatchObject({ status: 200, operation: { id: "chat_postMessage" } });
      expect(messages.at(-1)!.content).toBe(`posted for ${user}`);
    }
    const audited = callRows(rows);
    expect(audited.map((r) => [r.toolCallId, r.toolName, r.operationId, r.threadId, r.runId, r.grantId]).sort()).toEqual([
      ["tc-alice-1", "chat_post_message", "chat_postMessage", "thread-alice", "run-alice", grant.alice],
      ["tc-bob-1", "chat_post_message", "chat_postMessage", "thread-bob", "run-bob", grant.bob],
    ]);
    for (const req of st.requests.slice(-2)) {
      const user = /hello from (alice|bob)/.exec(JSON.stringify(req.body))?.[1] as User;
      expect(req.headers.authorization).toBe(`Bearer ${SLACK[user]}`);
    }
  });

  it("answers the model an error it can read when the call fails (no grant), and the loop goes on", async () => {
    const tools = toLangChainTools(vault, slackTools, { include: ["conversations_list"], grant: () => "00000000-0000-4000-8000-000000000000", defaults: { baseUrl: world.standins.slack!.url } });
    const model = new ScriptedChatModel([{ toolCalls: [{ id: "tc-missing", name: "conversations_list", args: { limit: 5 } }] }, { answer: "could not list" }]);
    const messages = await runAgent(model, tools, "List channels", { configurable: { thread_id: "thread-err" } });
    const toolMessage = messages.find((m) => m.getType() === "tool") as ToolMessage;
    expect(toolMessage.status).toBe("error");
    expect(String(toolMessage.content)).toMatch(/^Error grant_not_found/);
    expect(messages.at(-1)!.content).toBe("could not list");
  });

  it("hands the model a binary answer as its size and media type, a long one cut, and keeps the whole answer in the artifact", async () => {
    // A user's avatar: an image of 300 KB, which as JSON would be an object of 300,000 numbered bytes.
    const image = Buffer.alloc(300_000, 7);
    image.write("\xff\xd8\xff\xe0", "latin1");
    world.standins.box!.script("get_users_id_avatar", { status: 200, headers: { "content-type": "image/jpeg" }, body: image });
    const channels = Array.from({ length: 500 }, (_, i) => ({ id: `C${i}`, name: `channel-${i}` }));
    world.standins.slack!.script("conversations_list", { status: 200, body: { ok: true, channels } });
    const tools = [
      ...toLangChainTools(vault, boxTools, { include: ["user_avatars_get_users_id_avatar"], grant: boxGrant, defaults: { baseUrl: world.standins.box!.url } }),
      ...toLangChainTools(vault, slackTools, { include: ["conversations_list"], defaults: { baseUrl: world.standins.slack!.url }, maxAnswerChars: 2_000 }),
    ];
    const model = new ScriptedChatModel([
      {
        toolCalls: [
          { id: "tc-avatar", name: "user_avatars_get_users_id_avatar", args: { user_id: "12345" } },
          { id: "tc-list", name: "conversations_list", args: { limit: 500 } },
        ],
      },
      { answer: "done" },
    ]);
    const messages = await vault.withUserToken(jwt.alice, () => runAgent(model, tools, "Show my avatar and list channels", {}));
    const [avatar, list] = messages.filter((m) => m.getType() === "tool") as ToolMessage[];
    expect(avatar!.content).toBe("The call succeeded with a binary answer of 300000 bytes (image/jpeg), which is not shown here.");
    expect((avatar!.artifact as { data: unknown }).data).toEqual(new Uint8Array(image));
    expect(String(list!.content)).toMatch(/^\{"ok":true,"channels":\[\{"id":"C0","name":"channel-0"\}.*\n… \[cut: the answer has \d+ characters; only the first 2000 characters are shown\. Ask for less/s);
    expect(String(list!.content).length).toBeLessThan(2_200);
    expect((list!.artifact as { data: { channels: unknown[] } }).data.channels).toHaveLength(500);
    expect(messages.at(-1)!.content).toBe("done");
  });

  it("leaves no credential in audit rows, logs or the data folder", async () => {
    expect(await world.findSecrets()).toEqual([]);
  });
});

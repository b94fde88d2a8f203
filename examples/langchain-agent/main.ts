// A LangChain.js agent with Slack tools from the generated tools table (alter-gen/langchain),
// calling Slack through the local vault: the model never sees a token, and every tool call is
// audited with LangChain's tool call id and thread id. The chat model is scripted (LangChain's
// FakeListChatModel answering tool calls from a list), so it runs with no account; swap in
// ChatOpenAI or ChatAnthropic and the rest stays as it is. Runs against a Slack stand-in.
import { AIMessage, HumanMessage, type BaseMessage, type ToolMessage } from "@langchain/core/messages";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { AlterVault } from "alter-gen/runtime";
import { createSlackClient } from "alter-gen/generated/slack";
import { tools as slackTools } from "alter-gen/generated/slack/tools";
import { toLangChainTools } from "alter-gen/langchain";
import { startSandbox } from "../sandbox.js";

/** What a real model would answer: first a tool call, then (after the result) its final words. */
class ScriptedModel extends FakeListChatModel {
  override _formatGeneration(text: string) {
    const turn = JSON.parse(text) as { call?: { id: string; name: string; args: Record<string, unknown> }; say?: string };
    const message = turn.call ? new AIMessage({ content: "", tool_calls: [{ ...turn.call, type: "tool_call" as const }] }) : new AIMessage(turn.say ?? "");
    return { message, text: turn.say ?? "" };
  }
  // The example's model ignores the tool specs a real one would be sent; it keeps its script.
  override bindTools(_tools: Parameters<FakeListChatModel["bindTools"]>[0]) {
    return this as unknown as ReturnType<FakeListChatModel["bindTools"]>;
  }
}

const sandbox = await startSandbox();
try {
  const standin = await sandbox.standin("slack");
  // In real use: `alter-gen vault secrets add --provider slack` with the bot token (xoxb-…).
  const grantId = await sandbox.managedGrant("slack", "xoxb-example-bot-token-never-printed", { label: "langchain-bot" });

  await using vault = new AlterVault({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, caller: "langchain-agent", callerType: "agent" });
  const slack = createSlackClient(vault, { baseUrl: standin.url });
  // Two of Slack's 174 tools; a system grant (no signed-in user) for this backend agent.
  const tools = toLangChainTools(slack, slackTools, { include: ["chat_post_message", "conversations_list"], grant: grantId });
  console.log(`tools offered: ${tools.map((t) => t.name).join(", ")}`);

  const model = new ScriptedModel({
    responses: [
      JSON.stringify({ call: { id: "call_post_1", name: "chat_post_message", args: { body: { channel: "C0RELEASES", text: "v1.4.0 is out" } } } }),
      JSON.stringify({ say: "Posted the release note." }),
    ],
  });
  const config = { configurable: { thread_id: "thread_release_42" } };
  const messages: BaseMessage[] = [new HumanMessage("Announce v1.4.0 in #releases")];
  // LangChain's tool-calling loop: the model answers; each tool call runs; its result goes back.
  const bound = model.bindTools(tools);
  for (;;) {
    const ai = (await bound.invoke(messages, config)) as AIMessage;
    messages.push(ai);
    if (!ai.tool_calls?.length) break;
    for (const call of ai.tool_calls) {
      const result = (await tools.find((t) => t.name === call.name)!.invoke({ ...call, type: "tool_call" }, config)) as ToolMessage;
      console.log(`tool ${call.name} (${result.tool_call_id}): ${result.status} ${String(result.content).slice(0, 60)}`);
      messages.push(result);
    }
  }
  console.log(`agent: ${String(messages.at(-1)!.content)}`);

  console.log("audit rows:");
  for (const row of (await sandbox.audit()).filter((r) => r.threadId === "thread_release_42")) {
    console.log(`  ${row.action} ${row.outcome} op=${row.operationId} tool=${row.toolName} tool_call=${row.toolCallId} thread=${row.threadId}`);
  }
} finally {
  await sandbox.close();
}

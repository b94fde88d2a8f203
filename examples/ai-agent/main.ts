// A Vercel AI SDK agent with Slack tools from the generated tools table (alter-gen/ai), calling
// Slack through the local vault: the model never sees a token, and every tool call is audited
// with the SDK's tool call id and the conversation's thread id. The model is the SDK's own mock
// (MockLanguageModelV3 from ai/test, answering a script), so it runs with no account; swap in
// openai("…") or anthropic("…") and the rest stays as it is. Runs against a Slack stand-in.
import { generateText, stepCountIs } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { AlterVault } from "alter-gen/runtime";
import { createSlackClient } from "alter-gen/generated/slack";
import { tools as slackTools } from "alter-gen/generated/slack/tools";
import { toAiSdkTools } from "alter-gen/ai";
import { startSandbox } from "../sandbox.js";

const usage = { inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 0, text: 0, reasoning: 0 } };
/** What a real model would answer: first a tool call, then (after the result) its final words. */
const model = new MockLanguageModelV3({
  doGenerate: [
    {
      content: [{ type: "tool-call", toolCallId: "call_post_1", toolName: "chat_post_message", input: JSON.stringify({ body: { channel: "C0RELEASES", text: "v1.4.0 is out" } }) }],
      finishReason: { unified: "tool-calls", raw: undefined },
      usage,
      warnings: [],
    },
    { content: [{ type: "text", text: "Posted the release note." }], finishReason: { unified: "stop", raw: undefined }, usage, warnings: [] },
  ],
});

const sandbox = await startSandbox();
try {
  const standin = await sandbox.standin("slack");
  // In real use: `alter-gen vault secrets add --provider slack` with the bot token (xoxb-…).
  const grantId = await sandbox.managedGrant("slack", "xoxb-example-bot-token-never-printed", { label: "ai-sdk-bot" });

  await using vault = new AlterVault({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, caller: "ai-sdk-agent", callerType: "agent" });
  const slack = createSlackClient(vault, { baseUrl: standin.url });
  // Two of Slack's 174 tools; a system grant (no signed-in user) for this backend agent.
  const tools = toAiSdkTools(slack, slackTools, { include: ["chat_post_message", "conversations_list"], grant: grantId, threadId: "thread_release_42" });
  console.log(`tools offered: ${Object.keys(tools).join(", ")}`);

  // The SDK's tool loop: the model answers; each tool call runs; its result goes back.
  const result = await generateText({ model, tools, prompt: "Announce v1.4.0 in #releases", stopWhen: stepCountIs(5) });
  for (const step of result.steps) {
    for (const part of step.toolResults) console.log(`tool ${part.toolName} (${part.toolCallId}): ${JSON.stringify(part.output).slice(0, 60)}`);
  }
  console.log(`agent: ${result.text}`);

  console.log("audit rows:");
  for (const row of (await sandbox.audit()).filter((r) => r.threadId === "thread_release_42")) {
    console.log(`  ${row.action} ${row.outcome} op=${row.operationId} tool=${row.toolName} tool_call=${row.toolCallId} thread=${row.threadId}`);
  }
} finally {
  await sandbox.close();
}

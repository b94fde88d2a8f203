// An agent's tool call that posts to Slack through the local vault, tagged with the agent run and
// the tool call it belongs to; then the audit rows the call left. Runs against a Slack stand-in.
import { randomUUID } from "node:crypto";
import { AlterVault } from "alter-gen/runtime";
import { createSlackClient } from "alter-gen/generated/slack";
import { startSandbox } from "../sandbox.js";

const sandbox = await startSandbox();
try {
  const standin = await sandbox.standin("slack");
  // In real use: `alter-gen vault secrets add --provider slack` with the bot token (xoxb-…).
  const grantId = await sandbox.managedGrant("slack", "xoxb-example-bot-token-never-printed", { label: "release-bot" });

  await using vault = new AlterVault({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, caller: "release-agent", callerType: "agent" });
  const slack = createSlackClient(vault, { baseUrl: standin.url });

  // The agent framework's ids: one run, one thread, one id per tool call.
  const runId = `run_${randomUUID().slice(0, 8)}`;
  const toolCallId = `call_${randomUUID().slice(0, 8)}`;

  // A tool the model can call; everything inside withContext is audited with the run and thread.
  async function postMessage(channel: string, text: string) {
    const res = await slack.chat.postMessage(grantId, { body: { channel, text } }, { toolCallId, toolName: "slack.post_message", reason: "announce the release" });
    return { ok: res.ok, channel: res.channel };
  }
  const result = await vault.withContext({ runId, threadId: "thread_release_42" }, () => postMessage("C0RELEASES", "v1.4.0 is out :rocket:"));
  console.log(`tool result: ${JSON.stringify(result)}`);
  console.log(`slack received: ${new URLSearchParams(standin.requests.at(-1)!.rawBody).get("text")}`);

  console.log("audit rows of this run:");
  for (const row of (await sandbox.audit()).filter((r) => r.runId === runId)) {
    console.log(`  ${row.time} ${row.action} ${row.outcome} caller=${row.caller} (${row.callerType}) op=${row.operationId} ${row.method} ${row.url}`);
    console.log(`    run=${row.runId} thread=${row.threadId} tool_call=${row.toolCallId} tool=${row.toolName} reason="${row.reason}"`);
  }
} finally {
  await sandbox.close();
}

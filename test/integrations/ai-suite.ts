// alter-gen/ai against the Vercel AI SDK itself, one suite run once per supported major (ai.test.ts:
// the current one, ai-v5.test.ts: the previous one). generateText drives its real tool loop with the
// SDK's own mock language model, scripted here turn by turn (a turn may read the prompt, as a model
// reads the tool results it was sent), through the real local vault into the Slack stand-in. Two
// runs at once, each inside its own user's token scope, reach only their own grant; the audit rows
// carry the SDK's tool call ids; a missing grant, an approval and a provider's refusal come back to
// the model as tool errors it can act on, and no credential reaches a prompt.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlterVault } from "alter-gen/runtime";
import { createSlackClient } from "alter-gen/generated/slack";
import { tools as slackTools } from "alter-gen/generated/slack/tools";
import { tools as boxTools } from "alter-gen/generated/box/tools";
import { AiToolError, toAiSdkTools } from "../../integrations/ai/index.js";
import { approve } from "../../vault/index.js";
import { APP_CLIENT, auditDuring, callRows, startE2E, type E2E } from "../support/e2e.js";

/** A prompt message as the SDK hands it to a model (both specification versions). */
export interface PromptMessage {
  role: string;
  content: string | { type: string; toolCallId?: string; toolName?: string; output?: { type: string; value: unknown } }[];
}

/** What the scripted model answers on one step: tool calls, or the final text. */
export type Turn = { toolCalls: { id: string; name: string; input: Record<string, unknown> }[] } | { text: string };

/** One model step: the turn, given the prompt so far. */
export type Script = ((prompt: PromptMessage[]) => Turn)[];

/** What a call to the model was given (the parts this suite reads). */
export interface ModelCall {
  prompt: PromptMessage[];
  tools?: { type: string; name: string; description?: string; inputSchema: unknown }[];
}

/** One major of the SDK: its generateText and a mock model of its specification version. */
export interface AiSdk {
  major: number;
  generateText(options: Record<string, unknown>): Promise<{ text: string; steps: { content: { type: string; toolCallId?: string; error?: unknown }[] }[] }>;
  stepCountIs(n: number): unknown;
  /** The SDK's mock model answering the script, and the calls it received. */
  scriptedModel(script: Script): { model: unknown; calls: ModelCall[] };
}

const SLACK = { alice: "xoxp-alice-CANARY-ai-3381", bob: "xoxp-bob-CANARY-ai-7702" };
const GATED = "xoxb-gated-CANARY-ai-5517";
const BOX = "box-CANARY-ai-9023";
type User = keyof typeof SLACK;

/** The tool results of the prompt's last tool message. */
export function lastToolResults(prompt: PromptMessage[]) {
  const message = prompt.filter((m) => m.role === "tool").at(-1);
  return Array.isArray(message?.content) ? message.content.filter((p) => p.type === "tool-result") : [];
}

export function aiSuite(sdk: AiSdk): void {
  let world: E2E;
  let vault: AlterVault;
  const jwt: Record<User | "carol", string> = { alice: "", bob: "", carol: "" };
  const grant: Record<User, string> = { alice: "", bob: "" };
  let gatedGrant = "";
  let boxGrant = "";

  beforeAll(async () => {
    world = await startE2E({ providers: ["slack", "box"] });
    vault = world.client({ caller: `e2e-ai-v${sdk.major}`, callerType: "agent", retry: false });
    world.idp.addUser({ sub: "carol", email: "carol@example.test" });
    for (const user of ["alice", "bob", "carol"] as const) jwt[user] = (await world.idp.login(user, { clientId: APP_CLIENT.clientId })).idToken;
    for (const user of ["alice", "bob"] as const) {
      grant[user] = await world.managedGrant("slack", SLACK[user], { principal: `user:${user}`, account: `${user}-workspace` });
    }
    gatedGrant = await world.managedGrant("slack", GATED, { policy: { requireApproval: true } });
    boxGrant = await world.managedGrant("box", BOX);
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  /** A generateText tool loop of at most five steps. */
  const run = (tools: Record<string, unknown>, script: Script) => {
    const { model, calls } = sdk.scriptedModel(script);
    return sdk.generateText({ model, tools, prompt: "Do what the user asked in Slack", stopWhen: sdk.stepCountIs(5) }).then((result) => ({ result, calls }));
  };

  describe(`alter-gen/ai with ai@${sdk.major}`, () => {
    it("offers the table's tools to the model with their JSON Schemas, filtered and prefixed, plus await_approval", async () => {
      const tools = toAiSdkTools(vault, slackTools, { include: ["chat_post_message", "conversations_list"], prefix: "slack_" });
      expect(Object.keys(tools)).toEqual(["slack_chat_post_message", "slack_conversations_list", "slack_await_approval"]);
      const { result, calls } = await run(tools, [() => ({ text: "nothing to do" })]);
      expect(result.text).toBe("nothing to do");
      const def = slackTools.definitions.find((d) => d.name === "chat_post_message")!;
      expect(calls[0]!.tools?.find((t) => t.name === "slack_chat_post_message")).toEqual(
        expect.objectContaining({ type: "function", name: "slack_chat_post_message", description: def.description, inputSchema: def.inputSchema }),
      );
      // Given a generated client and no vault, there is nothing to wait for approvals with.
      const slack = createSlackClient(vault, { baseUrl: world.standins.slack!.url });
      expect(Object.keys(toAiSdkTools(slack, slackTools, { include: ["conversations_list"] }))).toEqual(["conversations_list"]);
    });

    it("runs two generateText loops at once, each under its own user, audited with the SDK's tool call ids", async () => {
      const st = world.standins.slack!;
      const slack = createSlackClient(vault, { baseUrl: st.url });
      const loop = (user: User) => {
        const tools = toAiSdkTools(slack, slackTools, { include: ["chat_post_message"], threadId: `thread-${user}`, runId: `run-${user}` });
        return vault.withUserToken(jwt[user], () =>
          run(tools, [
            () => ({ toolCalls: [{ id: `tc-${user}-1`, name: "chat_post_message", input: { body: { channel: "C1", text: `hello from ${user}` } } }] }),
            () => ({ text: `posted for ${user}` }),
          ]),
        );
      };
      const { result, rows } = await auditDuring(world, () => Promise.all([loop("alice"), loop("bob")]));
      for (const [i, user] of (["alice", "bob"] as const).entries()) {
        const { result: answer, calls } = result[i]!;
        expect(answer.text).toBe(`posted for ${user}`);
        const [seen] = lastToolResults(calls[1]!.prompt);
        expect(seen).toMatchObject({ toolCallId: `tc-${user}-1`, toolName: "chat_post_message", output: { type: "json", value: { ok: true } } });
      }
      expect(
        callRows(rows)
          .map((r) => [r.toolCallId, r.toolName, r.operationId, r.threadId, r.runId, r.grantId])
          .sort(),
      ).toEqual([
        ["tc-alice-1", "chat_post_message", "chat_postMessage", "thread-alice", "run-alice", grant.alice],
        ["tc-bob-1", "chat_post_message", "chat_postMessage", "thread-bob", "run-bob", grant.bob],
      ]);
      for (const req of st.requests.slice(-2)) {
        const user = /hello from (alice|bob)/.exec(JSON.stringify(req.body))?.[1] as User;
        expect(req.headers.authorization).toBe(`Bearer ${SLACK[user]}`);
      }
    });

    it("tells the model a user with no grant where to connect, and the loop goes on", async () => {
      const tools = toAiSdkTools(vault, slackTools, { include: ["conversations_list"], defaults: { baseUrl: world.standins.slack!.url } });
      const { result, calls } = await vault.withUserToken(jwt.carol, () =>
        run(tools, [() => ({ toolCalls: [{ id: "tc-carol", name: "conversations_list", input: { limit: 5 } }] }), () => ({ text: "asked carol to connect" })]),
      );
      const [seen] = lastToolResults(calls[1]!.prompt);
      expect(seen).toMatchObject({ toolCallId: "tc-carol", output: { type: "error-text" } });
      expect(String(seen!.output!.value)).toMatch(new RegExp(`^No Slack account is connected for this caller\\. Ask the user to open ${world.vault.url}/connect/\\S+ to connect Slack`));
      const failed = result.steps[0]!.content.find((p) => p.type === "tool-error")!;
      expect(failed.error).toBeInstanceOf(AiToolError);
      expect(failed.error).toMatchObject({ code: "grant_not_found", details: { connectUrl: expect.stringMatching(/\/connect\//) } });
      expect(result.text).toBe("asked carol to connect");
    });

    it("tells the model what is wrong with its input, before any network call", async () => {
      const st = world.standins.slack!;
      const from = st.requests.length;
      const tools = toAiSdkTools(vault, slackTools, { include: ["chat_post_message"], defaults: { baseUrl: st.url } });
      const { calls } = await vault.withUserToken(jwt.alice, () =>
        run(tools, [() => ({ toolCalls: [{ id: "tc-typo", name: "chat_post_message", input: { chanel: "C1" } }] }), () => ({ text: "fixed nothing" })]),
      );
      const [seen] = lastToolResults(calls[1]!.prompt);
      expect(seen).toMatchObject({ toolCallId: "tc-typo", output: { type: "error-text", value: expect.stringMatching(/^Invalid input: Tool "chat_post_message": unknown input "chanel" \(known: /) } });
      expect(st.requests.length).toBe(from);
    });

    it("tells the model a provider's refusal with status and code, never the credential", async () => {
      const st = world.standins.slack!;
      // An echo of the request's credential, as a debugging endpoint might send back.
      st.script("chat_postMessage", { status: 500, respond: (req) => ({ body: { ok: false, error: "internal_error", echo: req.headers.authorization } }) });
      const tools = toAiSdkTools(vault, slackTools, { include: ["chat_post_message"], defaults: { baseUrl: st.url } });
      const { calls } = await vault.withUserToken(jwt.bob, () =>
        run(tools, [() => ({ toolCalls: [{ id: "tc-500", name: "chat_post_message", input: { body: { channel: "C9", text: "x" } } }] }), () => ({ text: "it failed" })]),
      );
      const [seen] = lastToolResults(calls[1]!.prompt);
      expect(seen!.output!.type).toBe("error-text");
      expect(String(seen!.output!.value)).toMatch(/^The provider answered 500 \(\w+\)/);
      expect(JSON.stringify(calls)).not.toContain(SLACK.bob);
      expect(await world.findSecrets([calls])).toEqual([]);
    });

    it("tells the model a gated call's approval id; it awaits the decision and sees the result", async () => {
      const st = world.standins.slack!;
      const from = st.requests.length;
      const tools = toAiSdkTools(vault, slackTools, { include: ["chat_post_message"], grant: gatedGrant, callMode: "proxy", defaults: { baseUrl: st.url }, approvalWaitMs: 30_000 });
      let approvalId = "";
      const script: Script = [
        () => ({ toolCalls: [{ id: "tc-gated", name: "chat_post_message", input: { body: { channel: "C7", text: "needs a yes" } } }] }),
        (prompt) => {
          // The model reads the approval id from the tool error, as the text tells it to.
          approvalId = /Approval id: (\S+)\./.exec(String(lastToolResults(prompt)[0]?.output?.value))?.[1] ?? "";
          return { toolCalls: [{ id: "tc-wait", name: "await_approval", input: { approvalId } }] };
        },
        () => ({ text: "posted after approval" }),
      ];
      const running = run(tools, script);
      for (let i = 0; i < 100 && approvalId === ""; i++) await new Promise((r) => setTimeout(r, 50));
      expect(approvalId).not.toBe("");
      expect(st.requests.length).toBe(from);
      await new Promise((r) => setTimeout(r, 200));
      await approve({ dataDir: world.dataDir, approvalId, by: "ops@example.test" });
      const { result, calls } = await running;
      expect(String(lastToolResults(calls[1]!.prompt)[0]!.output!.value)).toContain(`Call await_approval with {"approvalId": "${approvalId}"}`);
      expect(lastToolResults(calls[2]!.prompt)[0]).toMatchObject({ toolCallId: "tc-wait", output: { type: "json", value: { ok: true } } });
      expect(result.text).toBe("posted after approval");
      expect(st.requests.slice(from).map((r) => new URLSearchParams(r.rawBody).get("text"))).toEqual(["needs a yes"]);
      expect(await world.findSecrets([calls, result.steps])).toEqual([]);
    });

    it("hands the model a binary answer as its size and media type, a long one cut with a note, JSON as JSON", async () => {
      // A user's avatar: an image of 300 KB, which as JSON would be an object of 300,000 numbered bytes.
      const image = Buffer.alloc(300_000, 7);
      image.write("\xff\xd8\xff\xe0", "latin1");
      world.standins.box!.script("get_users_id_avatar", { status: 200, headers: { "content-type": "image/jpeg" }, body: image });
      const channels = Array.from({ length: 500 }, (_, i) => ({ id: `C${i}`, name: `channel-${i}` }));
      world.standins.slack!.script("conversations_list", { status: 200, body: { ok: true, channels } }, { status: 200, body: { ok: true, channels: channels.slice(0, 2) } });
      const tools = {
        ...toAiSdkTools(vault, boxTools, { include: ["user_avatars_get_users_id_avatar"], grant: boxGrant, defaults: { baseUrl: world.standins.box!.url }, approvalTool: false }),
        ...toAiSdkTools(vault, slackTools, { include: ["conversations_list"], defaults: { baseUrl: world.standins.slack!.url }, maxAnswerChars: 2_000, approvalTool: false }),
      };
      const { calls } = await vault.withUserToken(jwt.alice, () =>
        run(tools, [
          () => ({
            toolCalls: [
              { id: "tc-avatar", name: "user_avatars_get_users_id_avatar", input: { user_id: "12345" } },
              { id: "tc-list", name: "conversations_list", input: { limit: 500 } },
              { id: "tc-short", name: "conversations_list", input: { limit: 2 } },
            ],
          }),
          () => ({ text: "done" }),
        ]),
      );
      const seen = Object.fromEntries(lastToolResults(calls[1]!.prompt).map((r) => [r.toolCallId, r.output]));
      expect(seen["tc-avatar"]).toEqual({ type: "text", value: "The call succeeded with a binary answer of 300000 bytes (image/jpeg), which is not shown here." });
      expect(seen["tc-list"]!.type).toBe("text");
      expect(String(seen["tc-list"]!.value)).toMatch(/^\{"ok":true,"channels":\[\{"id":"C0","name":"channel-0"\}.*\n… \[cut: the answer has \d+ characters; only the first 2000 characters are shown\. Ask for less/s);
      expect(String(seen["tc-list"]!.value).length).toBeLessThan(2_200);
      expect(seen["tc-short"]).toEqual({ type: "json", value: { ok: true, channels: channels.slice(0, 2) } });
      expect(JSON.stringify(calls)).not.toMatch(/"0":255/);
    });

    it("leaves no credential in audit rows, logs or the data folder", async () => {
      expect(await world.findSecrets()).toEqual([]);
    });
  });
}

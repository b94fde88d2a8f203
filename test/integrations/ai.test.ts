// alter-gen/ai with the AI SDK's current major that runs on Node 20 (ai@6; ai@7 needs Node 22),
// its mock model of the v3 language model specification. The suite: ai-suite.ts.
import { generateText, stepCountIs } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { expectTypeOf } from "vitest";
import { toAiSdkTools } from "../../integrations/ai/index.js";
import { aiSuite, type ModelCall, type Script } from "./ai-suite.js";

// What toAiSdkTools returns is what generateText's `tools` takes (checked by tsc).
expectTypeOf(toAiSdkTools).returns.toExtend<NonNullable<Parameters<typeof generateText>[0]["tools"]>>();

aiSuite({
  major: 6,
  generateText: generateText as never,
  stepCountIs,
  scriptedModel(script: Script) {
    const calls: ModelCall[] = [];
    const model = new MockLanguageModelV3({
      doGenerate: async (options) => {
        calls.push(options as unknown as ModelCall);
        const turn = script[calls.length - 1]?.(options.prompt as never) ?? { text: "(script ended)" };
        const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };
        if ("text" in turn) return { content: [{ type: "text", text: turn.text }], finishReason: { unified: "stop", raw: "stop" }, usage, warnings: [] };
        const content = turn.toolCalls.map((c) => ({ type: "tool-call" as const, toolCallId: c.id, toolName: c.name, input: JSON.stringify(c.input) }));
        return { content, finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage, warnings: [] };
      },
    });
    return { model, calls };
  },
});

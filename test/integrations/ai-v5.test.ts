// alter-gen/ai with the AI SDK's previous major (ai@5, installed as the ai-v5 alias), its mock
// model of the v2 language model specification. Every import of "ai" in this file's module graph,
// the adapter's included, is ai@5: the module is swapped whole, nothing in it is faked.
import { expect, it, vi } from "vitest";
import { generateText, stepCountIs } from "ai-v5";
import { MockLanguageModelV2 } from "ai-v5/test";
import { aiSuite, type ModelCall, type Script } from "./ai-suite.js";

vi.mock("ai", async () => ({ ...(await import("ai-v5")), __major: 5 }));

it("loads ai@5 wherever alter-gen/ai imports ai", async () => {
  expect(((await import("ai")) as unknown as { __major?: number }).__major).toBe(5);
});

aiSuite({
  major: 5,
  generateText: generateText as never,
  stepCountIs,
  scriptedModel(script: Script) {
    const calls: ModelCall[] = [];
    const model = new MockLanguageModelV2({
      doGenerate: async (options) => {
        calls.push(options as unknown as ModelCall);
        const turn = script[calls.length - 1]?.(options.prompt as never) ?? { text: "(script ended)" };
        const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15 };
        if ("text" in turn) return { content: [{ type: "text", text: turn.text }], finishReason: "stop", usage, warnings: [] };
        const content = turn.toolCalls.map((c) => ({ type: "tool-call" as const, toolCallId: c.id, toolName: c.name, input: JSON.stringify(c.input) }));
        return { content, finishReason: "tool-calls", usage, warnings: [] };
      },
    });
    return { model, calls };
  },
});

// A successful tool call's answer over MCP, by the kind of data the provider sent back (the
// wording is the shared rule's: test/integrations/model-answer.test.ts).
import { describe, expect, it } from "vitest";
import { successAnswer } from "../../../integrations/mcp/answer.js";
import type { McpOutputSchema } from "../../../integrations/mcp/output.js";
import { DEFAULT_ANSWER_CHARS } from "../../../integrations/shared/model-answer.js";

const schema = { type: "object", properties: { name: { type: ["string", "null"] } }, additionalProperties: true } as McpOutputSchema;

describe("successAnswer", () => {
  const rows: [name: string, data: unknown, contentType: string | undefined, want: { text: RegExp; structured?: Record<string, unknown>; meta?: Record<string, unknown> }][] = [
    ["an object: its JSON, and what fits the schema", { name: "octo", id: 1 }, "application/json", { text: /^\{"name":"octo","id":1\}$/, structured: { name: "octo", id: 1 } }],
    ["a string: as is", "plain text", "text/plain", { text: /^plain text$/, structured: {} }],
    ["nothing: said so", undefined, undefined, { text: /^The call succeeded with no content\.$/, structured: {} }],
    [
      "a binary answer: its size and media type, never its bytes",
      new Uint8Array(300_000).fill(7),
      "application/zip",
      { text: /^The call succeeded with a binary answer of 300000 bytes \(application\/zip\), which is not shown here\.$/, structured: {}, meta: { bytes: 300_000, mediaType: "application/zip" } },
    ],
    ["a text longer than the limit: cut and said so", "x".repeat(DEFAULT_ANSWER_CHARS + 10), "text/plain", { text: /\n… \[cut: the answer has 100010 characters/, structured: {}, meta: { cut: true } }],
    ["JSON longer than the limit: cut, no structured copy", { name: "n".repeat(DEFAULT_ANSWER_CHARS) }, "application/json", { text: /^\{"name":"n+\n… \[cut: /, structured: {}, meta: { cut: true } }],
  ];
  it.each(rows)("%s", (_name, data, contentType, want) => {
    const answer = successAnswer(data, { status: 200, requestId: undefined }, schema, { contentType });
    expect(answer.content).toHaveLength(1);
    expect(answer.content[0]!.text).toMatch(want.text);
    expect(answer.content[0]!.text.length).toBeLessThanOrEqual(DEFAULT_ANSWER_CHARS + 200);
    expect(answer.structuredContent).toEqual(want.structured);
    expect(answer._meta).toEqual({ "alter-gen/call": { status: 200, ...want.meta } });
  });

  it("keeps to a smaller limit when given one", () => {
    const answer = successAnswer("z".repeat(5_000), { status: 200 }, undefined, { maxChars: 1_000 });
    expect(answer.content[0]!.text).toMatch(/^z{1000}\n… \[cut: the answer has 5000 characters; only the first 1000/);
  });
});

// A successful tool call's answer, by the kind of data the provider sent back.
import { describe, expect, it } from "vitest";
import { successAnswer, TEXT_LIMIT } from "../../../integrations/mcp/answer.js";
import type { McpOutputSchema } from "../../../integrations/mcp/output.js";

const schema = { type: "object", properties: { name: { type: ["string", "null"] } }, additionalProperties: true } as McpOutputSchema;

describe("successAnswer", () => {
  const rows: [name: string, data: unknown, want: { text: RegExp; structured?: Record<string, unknown>; bytes?: number }][] = [
    ["an object: its JSON, and what fits the schema", { name: "octo", id: 1 }, { text: /^\{"name":"octo","id":1\}$/, structured: { name: "octo", id: 1 } }],
    ["a string: as is", "plain text", { text: /^plain text$/, structured: {} }],
    ["nothing: empty text", undefined, { text: /^$/, structured: {} }],
    ["a binary answer: its size, never its bytes", new Uint8Array(300_000).fill(7), { text: /^The call succeeded with a binary answer of 300000 bytes, which is not shown here\.$/, structured: {}, bytes: 300_000 }],
    ["a text longer than the limit: cut and said so", "x".repeat(TEXT_LIMIT + 10), { text: /… \(10 more characters cut\)$/, structured: {} }],
  ];
  it.each(rows)("%s", (_name, data, want) => {
    const answer = successAnswer(data, { status: 200, requestId: undefined }, schema);
    expect(answer.content).toHaveLength(1);
    expect(answer.content[0]!.text).toMatch(want.text);
    expect(answer.content[0]!.text.length).toBeLessThanOrEqual(TEXT_LIMIT + 100);
    expect(answer.structuredContent).toEqual(want.structured);
    expect(answer._meta).toEqual({ "alter-gen/call": { status: 200, ...(want.bytes !== undefined ? { bytes: want.bytes } : {}) } });
  });
});

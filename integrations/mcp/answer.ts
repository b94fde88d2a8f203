// A successful tool call's answer: the provider's data as text (cut at a size a model can take),
// the non-secret facts of the call in `_meta`, and structuredContent where an output schema was
// declared. A binary answer (an archive, an image) is described, not dumped: as JSON a Uint8Array
// is an object of numbered bytes, hundreds of thousands of tokens a model cannot read.
import type { ToolAnswer } from "./outcome.js";
import { structuredContentFor, type McpOutputSchema } from "./output.js";

export const TEXT_LIMIT = 200_000;

export function successAnswer(data: unknown, details: Record<string, unknown>, schema?: McpOutputSchema): ToolAnswer {
  const clean = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
  if (data instanceof Uint8Array) {
    const text = `The call succeeded with a binary answer of ${data.byteLength} bytes, which is not shown here.`;
    const answer: ToolAnswer = { content: [{ type: "text", text }], _meta: { "alter-gen/call": { ...clean, bytes: data.byteLength } } };
    if (schema) answer.structuredContent = {};
    return answer;
  }
  let text = data === undefined ? "" : typeof data === "string" ? data : JSON.stringify(data);
  const cut = text.length > TEXT_LIMIT;
  if (cut) text = `${text.slice(0, TEXT_LIMIT)}… (${text.length - TEXT_LIMIT} more characters cut)`;
  const answer: ToolAnswer = { content: [{ type: "text", text }], _meta: { "alter-gen/call": clean } };
  if (schema) answer.structuredContent = cut ? {} : structuredContentFor(schema, data);
  return answer;
}

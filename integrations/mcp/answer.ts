// A successful tool call's answer: what the model reads (integrations/shared/model-answer.ts, the
// rule every agent adapter shares: JSON, text, binary described by size and media type, empty, a
// long answer cut with a note), the non-secret facts of the call in `_meta`, and
// structuredContent where an output schema was declared.
import { modelAnswer, type ModelAnswerOptions } from "../shared/model-answer.js";
import type { ToolAnswer } from "./outcome.js";
import { structuredContentFor, type McpOutputSchema } from "./output.js";

export function successAnswer(data: unknown, details: Record<string, unknown>, schema?: McpOutputSchema, options: ModelAnswerOptions = {}): ToolAnswer {
  const clean = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
  const seen = modelAnswer(data, options);
  const facts = { ...clean, ...(seen.kind === "binary" ? { bytes: seen.bytes, ...(seen.mediaType ? { mediaType: seen.mediaType } : {}) } : {}), ...(seen.cut ? { cut: true } : {}) };
  const answer: ToolAnswer = { content: [{ type: "text", text: seen.text }], _meta: { "alter-gen/call": facts } };
  // An answer that is not whole JSON is not repeated there: `{}` fits the declared schema.
  if (schema) answer.structuredContent = seen.kind === "json" && !seen.cut ? structuredContentFor(schema, data) : {};
  return answer;
}

// One operation's tools/list entry in static mode. It is built here once for both uses: the list
// the server sends, and mode.ts's measure of what `auto` would send (so the limit counts what a
// model really receives: name, title, description, input and output schemas, annotations).
import { declaredOutputSchema, type McpOutputSchema } from "./output.js";
import type { OfferedTool } from "./selection.js";

/** A tools/list entry. */
export interface McpTool {
  name: string;
  title?: string;
  description: string;
  inputSchema: { type: "object"; [keyword: string]: unknown };
  outputSchema?: McpOutputSchema;
  annotations: Record<string, boolean>;
}

/** The entry of `tool`, with its declared output schema when `outputSchemas` is on and its table has one. */
export function staticTool(tool: OfferedTool, outputSchemas: boolean): McpTool {
  const d = tool.definition;
  const outputSchema = outputSchemas ? declaredOutputSchema(d) : undefined;
  return {
    name: tool.name,
    ...(d.title ? { title: d.title } : {}),
    description: d.description,
    inputSchema: d.inputSchema as unknown as McpTool["inputSchema"],
    ...(outputSchema ? { outputSchema } : {}),
    annotations: { ...d.annotations },
  };
}

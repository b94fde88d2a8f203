// Static (one MCP tool per operation) or dynamic (search, describe, call) mode. A host sends every
// tool's schema to the model on every turn, so a large provider offered statically costs
// hundreds of thousands of tokens before the user says anything; `auto` goes dynamic above
// these limits and says so.
import { staticTool } from "./listing.js";
import type { OfferedTool } from "./selection.js";

export type ToolMode = "static" | "dynamic" | "auto";

/** Above this many tools, `auto` chooses the dynamic mode. */
export const AUTO_MAX_TOOLS = 50;
/**
 * Above this many bytes of the static tools/list entries (name, title, description, input and
 * output schemas, annotations, as JSON), `auto` chooses the dynamic mode.
 */
export const AUTO_MAX_BYTES = 60 * 1024;

export interface ModeChoice {
  mode: "static" | "dynamic";
  /** One sentence for the operator: which mode, and why. */
  reason: string;
  tools: number;
  /** Bytes of the static tools/list entries as JSON (output schemas included when declared). */
  bytes: number;
}

export interface ModeOptions {
  /** Whether static mode declares output schemas (createMcpServer's `outputSchemas`). @default true */
  outputSchemas?: boolean;
}

export function chooseMode(tools: readonly OfferedTool[], requested: ToolMode = "auto", options: ModeOptions = {}): ModeChoice {
  const withOutput = options.outputSchemas !== false;
  const bytes = tools.reduce((n, t) => n + Buffer.byteLength(JSON.stringify(staticTool(t, withOutput))), 0);
  const size = `${tools.length} tool${tools.length === 1 ? "" : "s"}, ${Math.round(bytes / 1024)} KB of definitions`;
  if (requested === "static") return { mode: "static", reason: `static mode as asked (${size})`, tools: tools.length, bytes };
  if (requested === "dynamic") return { mode: "dynamic", reason: `dynamic mode as asked (${size} behind search, describe and call)`, tools: tools.length, bytes };
  if (tools.length > AUTO_MAX_TOOLS || bytes > AUTO_MAX_BYTES) {
    return {
      mode: "dynamic",
      reason: `dynamic mode: ${size} is more than a model should be sent on every turn (limits ${AUTO_MAX_TOOLS} tools, ${AUTO_MAX_BYTES / 1024} KB); pass --mode static or narrow with --include to offer them one by one`,
      tools: tools.length,
      bytes,
    };
  }
  return { mode: "static", reason: `static mode: ${size}`, tools: tools.length, bytes };
}


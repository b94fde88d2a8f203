// The model's input checked against the tool's whole input schema with ajv (the MCP SDK's own
// bundled copy, so no second validator is installed) before any network call. Validators are
// compiled on a tool's first call: a 1,200-tool server starts without compiling any.
import { Ajv, addFormats } from "@modelcontextprotocol/server/validators/ajv";
import type { ToolDefinition } from "../../runtime/index.js";

type Check = (input: unknown) => string[];

// Provider documents carry keywords ajv does not know (example, x-…) and formats it has no
// checker for: strict mode would refuse to compile them, so they are ignored, never guessed.
const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
addFormats(ajv);

const compiled = new WeakMap<ToolDefinition, Check>();

/** Every problem with `input` as one line each, naming where (a JSON pointer under `input`); empty when it fits. */
export function inputProblems(tool: ToolDefinition, input: unknown): string[] {
  let check = compiled.get(tool);
  if (!check) {
    check = compile(tool);
    compiled.set(tool, check);
  }
  return check(input);
}

function compile(tool: ToolDefinition): Check {
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(tool.inputSchema as object);
  } catch {
    // A schema ajv cannot compile is checked by the runtime's top-level check alone (callTool).
    return () => [];
  }
  return (input) => {
    if (validate(input)) return [];
    const lines = (validate.errors ?? []).slice(0, 10).map((e) => {
      const where = `input${e.instancePath}`;
      if (e.keyword === "additionalProperties") return `${where}: unknown property "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`;
      if (e.keyword === "enum") return `${where} must be one of ${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).slice(0, 10).map((v) => JSON.stringify(v)).join(", ")}`;
      return `${where} ${e.message ?? "is invalid"}`;
    });
    return [...new Set(lines)];
  };
}

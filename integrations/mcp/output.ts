// Output schemas the server can keep. MCP: a tool that declares an outputSchema MUST answer with
// structuredContent that conforms to it, and the SDK's client refuses a result that does not
// (an error instead of the answer). Provider answers often stray from their documents (a field
// left out, a null where a string is promised, a value the enum does not list, a property the
// document does not know), so the table's output schema is not declared as it is. Declared
// instead: the answer's top level only (an object; each documented property with its JSON types
// and null, nothing required, other properties allowed), and structuredContent is the answer
// with every top-level property that does not fit left out, so it conforms by construction.
// The whole answer is still the text content, which every client reads.
import type { JsonSchema, JsonSchemaType, ToolDefinition } from "../../runtime/index.js";

/** An outputSchema as tools/list declares it (a type alias: the SDK wants an index signature). */
export type McpOutputSchema = {
  type: "object";
  properties: Record<string, { type?: JsonSchemaType[]; description?: string }>;
  description?: string;
};

const cache = new WeakMap<ToolDefinition, McpOutputSchema | null>();

/** The schema declared for `tool`, or undefined when its table has none (the answer is not an object). */
export function declaredOutputSchema(tool: ToolDefinition): McpOutputSchema | undefined {
  let schema = cache.get(tool);
  if (schema === undefined) {
    schema = tool.outputSchema ? loosen(tool.outputSchema) : null;
    cache.set(tool, schema);
  }
  return schema ?? undefined;
}

function loosen(output: NonNullable<ToolDefinition["outputSchema"]>): McpOutputSchema {
  const properties: McpOutputSchema["properties"] = {};
  for (const [name, prop] of Object.entries(output.properties ?? {})) {
    const types = typesOf(prop);
    define(properties, name, {
      // No type (a combinator, or anything): any value fits.
      ...(types ? { type: [...new Set<JsonSchemaType>([...types, "null"])] } : {}),
      ...(typeof prop.description === "string" ? { description: prop.description } : {}),
    });
  }
  return { type: "object", properties, ...(typeof output.description === "string" ? { description: output.description } : {}) };
}

function typesOf(schema: JsonSchema): JsonSchemaType[] | undefined {
  const t = schema.type;
  if (t === undefined) return undefined;
  return typeof t === "string" ? [t] : [...t];
}

/**
 * `data` as structuredContent for `schema`: an object holding the answer's top-level properties
 * whose value fits their declared types; `{}` when the answer is not an object.
 */
export function structuredContentFor(schema: McpOutputSchema, data: unknown): Record<string, unknown> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const declared = Object.hasOwn(schema.properties, key) ? schema.properties[key]!.type : undefined;
    if (declared && !declared.some((t) => fits(t, value))) continue;
    define(out, key, value);
  }
  return out;
}

/** Sets an own property, even one named `__proto__` (JSON may have it; assignment would not). */
function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function fits(type: JsonSchemaType, value: unknown): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

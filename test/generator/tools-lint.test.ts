// The schema lint over every checked-in tools table (generated/<id>/tools.js): what model APIs
// and MCP hosts refuse must never be generated. Names valid and unique, every input and output
// schema compiles under ajv's strict mode (draft 2020-12, what MCP assumes), roots are plain
// objects, inputs are the method's params, and no tool is larger than the budget. Prints the
// sizes per provider so a change that bloats a table shows in the test log.
import { readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { ToolsTable } from "../../runtime/tools.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const GENERATED = path.resolve("generated");
const PROVIDERS = readdirSync(GENERATED).filter((id) => existsSync(path.join(GENERATED, id, "tools.js")));
/** The most a single tool definition may take, as JSON. */
const MAX_TOOL_BYTES = 24_000;
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ROOT_FORBIDDEN = ["oneOf", "anyOf", "allOf", "$ref", "not", "if", "then", "else"];

async function load(id: string): Promise<ToolsTable> {
  return ((await import(pathToFileURL(path.join(GENERATED, id, "tools.js")).href)) as { tools: ToolsTable }).tools;
}

describe("generated tools tables", () => {
  it("exist for every catalog client", () => {
    expect(PROVIDERS.length).toBeGreaterThanOrEqual(8);
  });

  it.each(PROVIDERS)("%s: names, root shapes, strict compilation, sizes", async (id) => {
    const table = await load(id);
    const ajv = addFormats(new Ajv2020({ strict: true, allowUnionTypes: true, validateSchema: true }));
    const problems: string[] = [];
    const names = new Set<string>();
    let total = 0;
    let largest = { name: "", bytes: 0 };
    for (const tool of table.definitions) {
      const at = `${id} ${tool.name}`;
      if (!NAME.test(tool.name)) problems.push(`${at}: invalid name`);
      if (names.has(tool.name)) problems.push(`${at}: duplicate name`);
      names.add(tool.name);
      const bytes = Buffer.byteLength(JSON.stringify(tool));
      total += bytes;
      if (bytes > largest.bytes) largest = { name: tool.name, bytes };
      if (bytes > MAX_TOOL_BYTES) problems.push(`${at}: ${bytes} bytes > ${MAX_TOOL_BYTES}`);
      if (!tool.description.trim()) problems.push(`${at}: empty description`);
      for (const [kind, schema] of [["input", tool.inputSchema], ["output", tool.outputSchema]] as const) {
        if (!schema) continue;
        if (schema.type !== "object") problems.push(`${at}: ${kind} root is not type object`);
        for (const k of ROOT_FORBIDDEN) if (k in schema) problems.push(`${at}: ${kind} root has ${k}`);
        if (JSON.stringify(schema).includes('"$ref"')) problems.push(`${at}: ${kind} schema holds a $ref`);
        try {
          ajv.compile(schema);
        } catch (err) {
          problems.push(`${at}: ${kind} schema does not compile: ${(err as Error).message}`);
        }
      }
      // The input is the method's params: every property is a param of the operation, or the body.
      const spec = table.operations[tool.operation.namespace]?.[tool.operation.method];
      if (!spec) problems.push(`${at}: operation ${tool.operation.namespace}.${tool.operation.method} is not in the table`);
      else {
        if (spec.id !== tool.operation.id) problems.push(`${at}: operation id ${tool.operation.id} != ${spec.id}`);
        for (const key of Object.keys(tool.inputSchema.properties)) {
          if (key === "body" ? !spec.body : !spec.params?.[key]) problems.push(`${at}: input "${key}" is neither a param nor the body`);
        }
        for (const key of Object.keys(spec.params ?? {})) if (!(key in tool.inputSchema.properties)) problems.push(`${at}: param "${key}" missing from the input`);
      }
      if (tool.inputSchema.additionalProperties !== false) problems.push(`${at}: input allows unknown names`);
    }
    console.info(`tools ${id}: ${table.definitions.length} tools, ${total} bytes (~${Math.round(total / 4)} tokens), largest ${largest.name} ${largest.bytes} bytes`);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(table.definitions.length).toBeGreaterThan(0);
  }, 300_000);
});

// One operation as a tool definition (runtime/tools.ts `ToolDefinition`, as data): description,
// annotations from the HTTP method, the input schema (the method's params by their property
// names, the body under `body`) and, when the answer is an object, the output schema. Schemas
// are spelled out at the richest budget level that fits the size limit.
import type { ToolOverride } from "../../../catalog/index.js";
import { isDestructive } from "../../../catalog/operation-class.js";
import type { OperationModel } from "../../model/api.js";
import type { SchemaNode } from "../../model/schema.js";
import type { Data } from "../js-data.js";
import { SchemaTooLarge, toJsonSchema, trimText, type Json, type SchemaBudget, type SchemaContext } from "./json-schema.js";

/** Bytes of JSON an input schema may take before its refs are spelled out less deeply. */
export const INPUT_SCHEMA_BUDGET = 16_000;
/** The same for output schemas; one that does not fit even at the last level is left out. */
export const OUTPUT_SCHEMA_BUDGET = 3_000;
/** Characters of the operation's description kept in the tool's. */
export const DESCRIPTION_CHARS = 700;

/** Budget levels, richest first: the first whose schema fits is used. */
export const BUDGET_LEVELS: readonly SchemaBudget[] = [
  { refDepth: 3, depth: 8, descriptionChars: 300 },
  { refDepth: 2, depth: 6, descriptionChars: 160 },
  { refDepth: 1, depth: 5, descriptionChars: 100 },
  { refDepth: 1, depth: 3, descriptionChars: 60 },
  { refDepth: 0, depth: 2, descriptionChars: 0 },
  { refDepth: 0, depth: 1, descriptionChars: 0 },
];

export interface ToolAnnotationsData {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/**
 * MCP's hints from the HTTP method (GET/HEAD read-only, DELETE destructive, PUT/DELETE idempotent),
 * and destructive for a write whose method name starts with a destructive verb; overridable.
 */
export function toolAnnotations(op: Pick<OperationModel, "method"> & Partial<Pick<OperationModel, "name">>, override: ToolOverride = {}): ToolAnnotationsData {
  const readOnly = override.readOnly ?? (op.method === "GET" || op.method === "HEAD");
  return {
    readOnlyHint: readOnly,
    // The rule the vault's approval policies use too (catalog/operation-class.ts).
    destructiveHint: override.destructive ?? (!readOnly && isDestructive(op.method, op.name)),
    idempotentHint: override.idempotent ?? (readOnly || op.method === "PUT" || op.method === "DELETE"),
    openWorldHint: true,
  };
}

/** Summary, the description trimmed, `Deprecated.`, the docs link; an override's description replaces the first two. */
export function toolDescription(op: Pick<OperationModel, "summary" | "description" | "deprecated" | "docsUrl" | "method" | "path">, override: ToolOverride = {}): string {
  const parts: string[] = [];
  if (override.description) parts.push(override.description);
  else {
    if (op.summary) parts.push(op.summary);
    if (op.description && op.description !== op.summary) parts.push(trimText(op.description, DESCRIPTION_CHARS));
  }
  if (!parts.length) parts.push(`${op.method} ${op.path}`);
  if (op.deprecated) parts.push("Deprecated.");
  if (op.docsUrl) parts.push(`Docs: ${op.docsUrl}`);
  return parts.join("\n\n");
}

function size(value: unknown): number {
  return JSON.stringify(value).length;
}

/** `build(budget)` at the first level whose answer fits in `limit` characters of JSON, or undefined. */
function fitted(levels: readonly SchemaBudget[], limit: number, build: (ctx: Pick<SchemaContext, "budget" | "maxNodes">) => Json): Json | undefined {
  for (const budget of levels) {
    try {
      const out = build({ budget, maxNodes: Math.ceil(limit / 12) });
      if (size(out) <= limit) return out;
    } catch (err) {
      if (!(err instanceof SchemaTooLarge)) throw err;
    }
  }
  return undefined;
}

/** The input schema at the first budget level that fits (the last level, unbounded, otherwise). */
export function inputSchema(op: OperationModel, schemas: ReadonlyMap<string, SchemaNode>): Json {
  return fitted(BUDGET_LEVELS, INPUT_SCHEMA_BUDGET, (c) => inputAt(op, { schemas, direction: "input", ...c })) ?? inputAt(op, { schemas, direction: "input", budget: BUDGET_LEVELS.at(-1)! });
}

function inputAt(op: OperationModel, ctx: SchemaContext): Json {
  const properties: Json = {};
  const required: string[] = [];
  for (const p of op.params) {
    const schema = toJsonSchema(p.schema, ctx);
    const description = [p.deprecated ? "Deprecated." : "", p.description ? trimText(p.description, 300) : ""].filter(Boolean).join(" ");
    properties[p.property] = description ? { ...schema, description } : schema;
    if (p.required) required.push(p.property);
  }
  if (op.body) {
    const schema: Json = op.body.schema ? toJsonSchema(op.body.schema, ctx) : { type: "string", description: `The request body (${op.body.mediaType}) as text.` };
    if (op.body.description) schema.description = trimText(op.body.description, 300);
    properties.body = schema;
    if (op.body.required) required.push("body");
  }
  return { type: "object", properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

/** The node behind refs, or undefined after too many. */
function resolve(node: SchemaNode | undefined, schemas: ReadonlyMap<string, SchemaNode>): SchemaNode | undefined {
  for (let i = 0; node?.kind === "ref" && i < 16; i++) node = schemas.get(node.name);
  return node?.kind === "ref" ? undefined : node;
}

/**
 * Output schemas already worked out, by the schemas map and the answer's resolved node: many
 * operations answer the same component (GitHub: 645 object answers, 383 distinct), and the
 * schema depends on nothing else. Shared results are never changed after they are made.
 */
const outputsMade = new WeakMap<ReadonlyMap<string, SchemaNode>, Map<SchemaNode, Json | undefined>>();

/** The output schema where the success answer is an object (or an allOf of objects) that fits the budget. */
export function outputSchema(op: OperationModel, schemas: ReadonlyMap<string, SchemaNode>): Json | undefined {
  const success = op.success.find((v) => v.kind === "json" && v.schema);
  const root = resolve(success?.schema, schemas);
  if (!root) return undefined;
  let made = outputsMade.get(schemas);
  if (!made) outputsMade.set(schemas, (made = new Map()));
  if (made.has(root)) return made.get(root);
  const out = outputOf(root, schemas);
  made.set(root, out);
  return out;
}

function outputOf(root: SchemaNode, schemas: ReadonlyMap<string, SchemaNode>): Json | undefined {
  if (root.nullable) return undefined;
  const parts = root.kind === "intersection" ? root.parts.map((p) => resolve(p, schemas)) : [root];
  if (!parts.every((p): p is SchemaNode => p?.kind === "object" && !p.nullable)) return undefined;
  // Output schemas describe rather than constrain, so they start one level less deep.
  return fitted(BUDGET_LEVELS.slice(1), OUTPUT_SCHEMA_BUDGET, (c) => {
    const converted = parts.map((p) => toJsonSchema(p, { schemas, direction: "output", ...c }));
    const properties: Json = {};
    for (const part of converted) Object.assign(properties, part.properties ?? {});
    const out: Json = { type: "object", ...(Object.keys(properties).length ? { properties } : {}) };
    const description = converted.find((part) => part.description)?.description;
    if (description) out.description = description;
    return out;
  });
}

/** The definition as data for tools.js; `name` comes from names.ts. */
export function toolDefinition(op: OperationModel, name: string, schemas: ReadonlyMap<string, SchemaNode>, override: ToolOverride = {}): Record<string, Data> {
  const title = override.title ?? (op.summary && op.summary.length <= 120 ? op.summary : undefined);
  return {
    name,
    title,
    description: toolDescription(op, override),
    annotations: { ...toolAnnotations(op, override) },
    operation: { id: op.id, namespace: op.namespace, method: op.name },
    inputSchema: inputSchema(op, schemas) as Data,
    outputSchema: outputSchema(op, schemas) as Data,
  };
}

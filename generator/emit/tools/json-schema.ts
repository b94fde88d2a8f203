// Normalised schema nodes (model/schema.ts) as plain JSON Schema for tools: every component ref
// inlined (model APIs take no `$ref`), so a budget decides how much is spelled out. A ref deeper
// than the budget's `refDepth`, or one that comes back into itself, becomes a short placeholder
// (its type and description). Keywords are the ones draft-07 and 2020-12 share; OpenAPI's own
// formats (int64, binary) are left out, since strict validators refuse formats they do not know.
import type { JsonValue, SchemaNode } from "../../model/schema.js";

export type Json = { [key: string]: JsonValue };

/** How much of a schema is spelled out. */
export interface SchemaBudget {
  /** Component refs followed inside one another; deeper ones become placeholders. */
  refDepth: number;
  /** Nested schema levels spelled out; deeper objects and arrays become `{ type }`. */
  depth: number;
  /** Characters kept of each nested description (0: none). */
  descriptionChars: number;
}

export interface SchemaContext {
  schemas: ReadonlyMap<string, SchemaNode>;
  /** Input drops read-only properties; output drops write-only ones and every `required`. */
  direction: "input" | "output";
  budget: SchemaBudget;
  /**
   * Stops a conversion that has built this many nodes (every node prints at least ~12
   * characters), so a level far over the size budget is abandoned early rather than built whole.
   */
  maxNodes?: number;
}

/** Thrown when a conversion passes `maxNodes`. */
export class SchemaTooLarge extends Error {}

/** Formats both JSON Schema drafts define (ajv-formats knows them all). */
const STANDARD_FORMATS = new Set(["date-time", "date", "time", "duration", "email", "hostname", "ipv4", "ipv6", "uri", "uri-reference", "uuid"]);

/** Cuts `text` to about `max` characters at a word boundary. */
export function trimText(text: string, max: number): string {
  const t = text.trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return (space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "") + "…";
}

/** The JSON Schema of `node` (never a `$ref`). */
export function toJsonSchema(node: SchemaNode, ctx: SchemaContext): Json {
  return new Converter(ctx).convert(node, 0, [], 0);
}

/** Whether a node (after following refs) is dropped in this direction. */
export function droppedIn(node: SchemaNode, ctx: Pick<SchemaContext, "schemas" | "direction">): boolean {
  let n: SchemaNode | undefined = node;
  for (let i = 0; n && i < 8; i++) {
    if (ctx.direction === "input" ? n.readOnly : n.writeOnly) return true;
    n = n.kind === "ref" ? ctx.schemas.get(n.name) : undefined;
  }
  return false;
}

class Converter {
  private nodes = 0;
  constructor(private readonly ctx: SchemaContext) {}

  convert(node: SchemaNode, depth: number, stack: string[], refs: number): Json {
    if (this.ctx.maxNodes !== undefined && ++this.nodes > this.ctx.maxNodes) throw new SchemaTooLarge();
    const out = this.body(node, depth, stack, refs);
    return this.annotate(out, node, depth);
  }

  private annotate(out: Json, node: SchemaNode, depth: number): Json {
    const chars = depth === 0 ? Math.max(this.ctx.budget.descriptionChars, 300) : this.ctx.budget.descriptionChars;
    const desc = node.description ?? (node.kind === "ref" ? undefined : node.title);
    // A ref's own description (a sibling of `$ref`) says more about this use than the target's.
    if (desc && chars > 0 && (!out.description || node.kind === "ref")) out.description = trimText(desc, chars);
    if (node.format && STANDARD_FORMATS.has(node.format) && out.type === "string") out.format = node.format;
    if (node.default !== undefined && this.ctx.direction === "input" && typeof node.default !== "object") out.default = node.default;
    return node.nullable ? withNull(out) : out;
  }

  private body(node: SchemaNode, depth: number, stack: string[], refs: number): Json {
    const { budget } = this.ctx;
    switch (node.kind) {
      case "ref": {
        const target = this.ctx.schemas.get(node.name);
        if (!target) return {};
        if (stack.includes(node.name) || refs >= budget.refDepth || depth >= budget.depth) return placeholder(target, budget.descriptionChars);
        return this.convert(target, depth, [...stack, node.name], refs + 1);
      }
      case "object": {
        if (depth >= budget.depth) return { type: "object" };
        const properties: Json = {};
        const required: string[] = [];
        for (const p of node.properties) {
          if (droppedIn(p.schema, this.ctx)) continue;
          properties[p.name] = this.convert(p.schema, depth + 1, stack, refs);
          if (p.required && this.ctx.direction === "input") required.push(p.name);
        }
        const out: Json = { type: "object" };
        if (node.properties.length) out.properties = properties;
        if (required.length) out.required = required;
        if (node.additional?.kind === "never") out.additionalProperties = false;
        else if (node.additional && node.additional.kind !== "unknown") out.additionalProperties = this.convert(node.additional, depth + 1, stack, refs);
        return out;
      }
      case "array": {
        if (depth >= budget.depth) return { type: "array" };
        const parts = [...(node.prefixItems ?? []), ...(node.items.kind === "never" ? [] : [node.items])];
        const items = parts.map((p) => this.convert(p, depth + 1, stack, refs));
        return { type: "array", ...(items.length === 1 ? { items: items[0]! } : items.length ? { items: anyOf(items) } : {}) };
      }
      case "union":
        return anyOf(node.variants.map((v) => this.convert(v, depth + 1, stack, refs)));
      case "intersection":
        return { allOf: node.parts.map((p) => this.convert(p, depth + 1, stack, refs)) };
      case "enum":
        return enumSchema(node.values);
      case "primitive":
        return { type: node.type };
      case "const":
        return { const: node.value };
      case "unknown":
        return {};
      case "never":
        return { not: {} };
    }
  }
}

function enumSchema(values: readonly (string | number | boolean)[]): Json {
  const types = [...new Set(values.map((v) => (typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v)))];
  const type = types.includes("number") ? types.filter((t) => t !== "integer") : types;
  return { type: type.length === 1 ? type[0]! : type, enum: [...values] };
}

/** `anyOf` of the variants, or one `type` list when every variant is only a type. */
function anyOf(variants: Json[]): Json {
  const onlyTypes = variants.every((v) => Object.keys(v).length === 1 && typeof v.type === "string");
  if (onlyTypes) {
    const types = [...new Set(variants.map((v) => v.type as string))];
    return { type: types.length === 1 ? types[0]! : types };
  }
  return { anyOf: variants };
}

/** `schema` that also allows `null`. */
export function withNull(schema: Json): Json {
  if (Object.keys(schema).length === 0 || (Object.keys(schema).length === 1 && schema.description !== undefined)) return schema;
  const out: Json = { ...schema };
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  if (typeof out.type === "string") out.type = out.type === "null" ? "null" : [out.type, "null"];
  else if (Array.isArray(out.type)) out.type = out.type.includes("null") ? out.type : [...out.type, "null"];
  else {
    const { description, ...rest } = out;
    return { ...(description !== undefined ? { description } : {}), anyOf: [rest, { type: "null" }] };
  }
  return out;
}

/** What a ref beyond the budget says: its type (and the values of a small enum) and description. */
function placeholder(target: SchemaNode, chars: number): Json {
  const out: Json =
    target.kind === "object" ? { type: "object" } : target.kind === "array" ? { type: "array" } : target.kind === "primitive" ? { type: target.type } : target.kind === "enum" ? enumSchema(target.values) : {};
  if (target.description && chars > 0) out.description = trimText(target.description, chars);
  return target.nullable ? withNull(out) : out;
}

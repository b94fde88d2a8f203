// SchemaNode → TsType for one direction (request or response).
//
// Choices made here (documented in emit/types/index.ts):
// - enums with several values are open on responses (`"a" | "b" | (string & {})`), closed on
//   requests; single-value enums and consts are tags and stay closed so unions still narrow;
// - `format: binary` is `BlobLike | Uint8Array` in requests (BlobLike: the runtime's structural
//   Blob) and `Uint8Array` in responses;
// - `integer` (int64 included) is `number`, with a JSDoc note on int64;
// - objects with properties never get an index signature unless `additionalProperties` is a schema.

import type { JsonValue, SchemaMeta, SchemaNode } from "../../model/schema.js";
import { importedRef, RUNTIME } from "../imports.js";
import { documentationTitle } from "../jsdoc.js";
import { numberLiteral, stringLiteral } from "./literals.js";
import { intersection, kw, union, type ModuleRef, type TsMember, type TsType } from "./ts-ast.js";

export type Direction = "request" | "response";

export interface ToTsContext {
  direction: Direction;
  refName(name: string, direction: Direction): string;
  /** Where component types are declared when not in the module being printed (`./schemas.js`). */
  refModule?: ModuleRef;
  /**
   * For discriminated unions: the literal values component `schemaName` already pins
   * `property` to (so the variant needs no `& { kind: "…" }`), or undefined.
   */
  pinnedValues?(schemaName: string, property: string): readonly string[] | undefined;
  /**
   * Whether component `schemaName` can hold properties at all: false for arrays and scalars, which a
   * discriminator cannot select by a property (GitHub maps `"array"` to its directory listing).
   */
  holdsProperties?(schemaName: string): boolean;
  /**
   * Cycle breaking for type aliases: a replacement for a ref in a top-level (union /
   * intersection) position, `null` to drop it, undefined to keep the ref.
   */
  replaceTopLevelRef?(name: string): SchemaNode | null | undefined;
}

export function toTs(node: SchemaNode, ctx: ToTsContext, topLevel = false): TsType {
  const base = baseType(node, ctx, topLevel);
  return node.nullable ? union([base, kw("null")]) : base;
}

function baseType(node: SchemaNode, ctx: ToTsContext, topLevel: boolean): TsType {
  switch (node.kind) {
    case "ref": {
      if (topLevel && ctx.replaceTopLevelRef) {
        const replacement = ctx.replaceTopLevelRef(node.name);
        if (replacement === null) return kw("unknown");
        if (replacement) return toTs(replacement, ctx, true);
      }
      const name = ctx.refName(node.name, ctx.direction);
      return ctx.refModule ? importedRef(ctx.refModule, name) : { t: "ref", name };
    }
    case "object":
      return objectType(node, ctx);
    case "array": {
      const rest = node.items.kind === "never" ? undefined : toTs(node.items, ctx);
      if (!node.prefixItems) return rest ? { t: "array", element: rest } : { t: "tuple", elements: [] };
      const tuple: TsType = { t: "tuple", elements: node.prefixItems.map((p) => toTs(p, ctx)) };
      if (rest) tuple.rest = rest;
      return tuple;
    }
    case "union": {
      const variants = node.variants.map((v) => discriminated(v, node, ctx, topLevel));
      return union(variants);
    }
    case "intersection": {
      // A part whose properties all belong to the other direction adds nothing here (printing
      // it as `Record<string, never>` would turn the other parts' properties into never).
      const parts = node.parts.filter((p) => !(p.kind === "object" && !p.additional && p.properties.length > 0 && p.properties.every((prop) => hidden(prop.schema, ctx))));
      return intersection(parts.map((p) => toTs(p, ctx, topLevel)));
    }
    case "enum": {
      const literals: TsType[] = node.values.map((v) => literal(v));
      if (ctx.direction === "response" && node.values.length > 1) {
        if (node.values.some((v) => typeof v === "string")) literals.push(openOf("string"));
        if (node.values.some((v) => typeof v === "number")) literals.push(openOf("number"));
      }
      return union(literals);
    }
    case "primitive":
      switch (node.type) {
        case "string":
          if (node.format === "binary") {
            return ctx.direction === "request" ? union([importedRef(RUNTIME, "BlobLike"), { t: "ref", name: "Uint8Array" }]) : { t: "ref", name: "Uint8Array" };
          }
          return kw("string");
        case "integer":
        case "number":
          return kw("number");
        case "boolean":
          return kw("boolean");
        case "null":
          return kw("null");
      }
      break;
    case "const":
      return constType(node.value);
    case "unknown":
      return kw("unknown");
    case "never":
      return kw("never");
  }
  return kw("unknown");
}

/** `string & {}`: any string, while editors still offer the listed literals. */
function openOf(name: "string" | "number"): TsType {
  return { t: "intersection", types: [kw(name), { t: "object", members: [] }] };
}

function literal(value: string | number | boolean): TsType {
  if (typeof value === "string") return { t: "literal", text: stringLiteral(value) };
  if (typeof value === "number") return { t: "literal", text: numberLiteral(value) };
  return { t: "literal", text: String(value) };
}

function constType(value: JsonValue): TsType {
  if (value === null) return kw("null");
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return literal(value);
  if (Array.isArray(value)) return { t: "tuple", elements: value.map(constType) };
  return { t: "object", members: Object.entries(value).map(([key, v]) => ({ key, type: constType(v) })) };
}

/** A union variant, narrowed to its discriminator value(s) when the union declares one. */
function discriminated(variant: SchemaNode, owner: SchemaNode, ctx: ToTsContext, topLevel: boolean): TsType {
  const type = toTs(variant, ctx, topLevel);
  const d = owner.discriminator;
  if (!d || variant.kind !== "ref") return type;
  if (ctx.holdsProperties?.(variant.name) === false) return type;
  const values = discriminatorValues(d.mapping, variant.name);
  const pinned = ctx.pinnedValues?.(variant.name, d.propertyName);
  if (pinned && pinned.length > 0 && pinned.every((v) => values.includes(v))) return type;
  const tag: TsType = {
    t: "object",
    members: [{ key: d.propertyName, type: union(values.map((v) => literal(v))) }],
  };
  return intersection([type, tag]);
}

/** The wire values that select `schemaName`: its mapping entries, else its own name. */
export function discriminatorValues(mapping: ReadonlyArray<readonly [string, string]>, schemaName: string): string[] {
  const values = mapping.filter(([, target]) => target === schemaName).map(([value]) => value);
  return values.length > 0 ? values : [schemaName];
}

/** readOnly properties are not sent, writeOnly ones are not received. */
function hidden(schema: SchemaNode, ctx: ToTsContext): boolean {
  return ctx.direction === "request" ? schema.readOnly === true : schema.writeOnly === true;
}

function objectType(node: SchemaNode & { kind: "object" }, ctx: ToTsContext): TsType {
  const members: TsMember[] = [];
  for (const prop of node.properties) {
    if (hidden(prop.schema, ctx)) continue;
    const member: TsMember = { key: prop.name, type: toTs(prop.schema, ctx) };
    if (!prop.required) member.optional = true;
    const doc = jsdocLines(prop.schema);
    if (doc.length > 0) member.doc = doc;
    members.push(member);
  }
  const extra = node.additional;
  if (members.length === 0) {
    const value: TsType = extra ? toTs(extra, ctx) : node.properties.length > 0 ? kw("never") : kw("unknown");
    return mapType(value);
  }
  if (extra && extra.kind !== "never") {
    // An index signature must admit every declared property's type.
    const valueType = toTs(extra, ctx);
    const admitted = valueType.t === "keyword" && valueType.name === "unknown" ? valueType : union([valueType, ...members.map((m) => m.type), ...(members.some((m) => m.optional) ? [kw("undefined")] : [])]);
    members.push({ type: admitted });
  }
  return { t: "object", members };
}

const INT64_NOTE = "int64: a JSON number in JavaScript; values beyond 2^53 lose precision";

/** JSDoc lines from a node's annotations: description (or a title that is prose), deprecation, format, default. */
export function jsdocLines(meta: SchemaMeta): string[] {
  const lines: string[] = [];
  const text = meta.description ?? documentationTitle(meta.title);
  if (text !== undefined && isPlainLine(text)) lines.push(text);
  else if (text !== undefined) {
    const split = text.replace(/\r\n?/g, "\n").split("\n").map((l) => l.replace(/\s+$/, "").replace(/\*\//g, "*\\/"));
    while (split.length > 0 && split[0] === "") split.shift();
    while (split.length > 0 && split[split.length - 1] === "") split.pop();
    lines.push(...split);
  }
  const values = (meta as SchemaNode).kind === "enum" ? (meta as SchemaNode & { kind: "enum" }) : undefined;
  if (values?.valueDescriptions) {
    values.values.forEach((value, i) => {
      const text = values.valueDescriptions![i]!.trim();
      if (text !== "") lines.push(sanitizeInline(`- \`${String(value)}\`: ${text}`));
    });
  }
  if (meta.deprecated) lines.push("@deprecated");
  if (meta.format !== undefined) lines.push(meta.format === "int64" ? `@format ${INT64_NOTE}` : `@format ${sanitizeInline(meta.format)}`);
  if (meta.default !== undefined) {
    const json = JSON.stringify(meta.default);
    if (json !== undefined) lines.push(`@default ${sanitizeInline(json)}`);
  }
  return lines;
}

function sanitizeInline(text: string): string {
  if (isPlainLine(text)) return text;
  return text.replace(/[\r\n]+/g, " ").replace(/\*\//g, "*\\/").replace(/\s+$/, "");
}

/** One line without `*\/` or trailing whitespace: usable as is. */
function isPlainLine(text: string): boolean {
  if (text.includes("\n") || text.includes("\r") || text.includes("*/")) return false;
  return !/\s/.test(text.slice(-1));
}

/**
 * `Record<string, T>`, or `{ [key: string]: T }` when T names other types: a type alias may not
 * reach itself through `Record` (TS2456), while an index signature defers the reference.
 */
export function mapType(value: TsType): TsType {
  if (mentionsRef(value)) return { t: "object", members: [{ type: value }] };
  return { t: "ref", name: "Record", args: [kw("string"), value] };
}

function mentionsRef(type: TsType): boolean {
  switch (type.t) {
    case "ref":
      // The runtime's types and Uint8Array never lead back to a declared type.
      return (type.module !== RUNTIME && type.name !== "Uint8Array") || (type.args?.some(mentionsRef) ?? false);
    case "array":
      return mentionsRef(type.element);
    case "tuple":
      return type.elements.some(mentionsRef) || (type.rest !== undefined && mentionsRef(type.rest));
    case "union":
    case "intersection":
      return type.types.some(mentionsRef);
    case "object":
      return type.members.some((m) => mentionsRef(m.type));
    default:
      return false;
  }
}

// JSON Schema (OpenAPI 3.0 / 3.1 flavour) → SchemaNode.
//
// Strict where a wrong guess would produce wrong types (a `$ref` we cannot name, a `type` that is
// not a JSON Schema type, `properties` that is not an object): those throw a SpecError naming the
// file and JSON pointer. Lenient where real documents are sloppy but the intent is clear: unknown
// keywords are ignored, `type` may be missing when `properties`/`items` say what it is, 3.0
// `nullable` is honoured in 3.1 documents (and 3.1 type arrays in 3.0 ones), `$ref` siblings keep
// their annotations (description, nullable, readOnly…), Swagger's `type: file` is binary.

import { joinPointer as joinPointerSlow, SpecError } from "../errors.js";

/** RFC 6901 pointer join, skipping the escaping work for the usual plain segments. */
function joinPointer(base: string, ...segments: (string | number)[]): string {
  let out = base;
  for (const segment of segments) {
    const text = String(segment);
    out = text.includes("~") || text.includes("/") ? joinPointerSlow(out, text) : out + "/" + text;
  }
  return out;
}
import type {
  Discriminator,
  EnumValue,
  JsonValue,
  ObjectNode,
  ObjectProperty,
  SchemaMeta,
  SchemaNode,
} from "./schema.js";

export interface NormalizeContext {
  version: "3.0" | "3.1";
  /** The document's path or URL, for error messages. */
  file: string;
  /** JSON pointer of `raw` inside the document, e.g. `/components/schemas/Pet`. */
  pointer: string;
  /**
   * The whole (bundled) document. When given, local refs that do not name a whole component
   * schema (`#/components/schemas/A/properties/b`, `#/paths/…/schema`) are inlined, and a ref
   * to a component marked readOnly/writeOnly as a whole carries that mark.
   */
  document?: unknown;
}

/** Normalises one schema object (and everything inline in it). Throws SpecError on invalid shapes. */
export function normalizeSchema(raw: unknown, ctx: NormalizeContext): SchemaNode {
  return new Normalizer(ctx).schema(raw, ctx.pointer);
}

const COMPONENT_PREFIX = "#/components/schemas/";

/**
 * The component schema name a local `$ref` (or discriminator mapping value) points to, or
 * undefined when it is not `#/components/schemas/<name>`.
 */
export function componentNameFromRef(ref: string): string | undefined {
  if (!ref.startsWith(COMPONENT_PREFIX)) return undefined;
  const segment = ref.slice(COMPONENT_PREFIX.length);
  if (segment === "" || segment.includes("/")) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    decoded = segment;
  }
  return decoded.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Follows a URI-fragment JSON pointer (`/a/b~1c`) inside `doc`; undefined when it does not resolve. */
function resolveLocalPointer(doc: unknown, pointer: string): unknown {
  if (pointer === "") return doc;
  if (!pointer.startsWith("/")) return undefined;
  let current: unknown = doc;
  for (const raw of pointer.slice(1).split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      segment = raw;
    }
    segment = segment.replace(/~1/g, "/").replace(/~0/g, "~");
    if (current === null || typeof current !== "object" || !Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

const JSON_TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);

/** Keywords that constrain values; a `$ref` sibling set without them is annotations only. */
const STRUCTURAL_KEYWORDS = [
  "type",
  "properties",
  "additionalProperties",
  "patternProperties",
  "items",
  "prefixItems",
  "enum",
  "const",
  "allOf",
  "oneOf",
  "anyOf",
] as const;

type RawSchema = Record<string, unknown>;

function isPlainObject(value: unknown): value is RawSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  return `a ${typeof value}`;
}

class Normalizer {
  constructor(private readonly ctx: NormalizeContext) {}

  private fail(message: string, pointer: string): never {
    throw new SpecError(message, { file: this.ctx.file, pointer });
  }

  schema(raw: unknown, ptr: string): SchemaNode {
    if (raw === true) return { kind: "unknown" };
    if (raw === false) return { kind: "never" };
    if (!isPlainObject(raw)) {
      this.fail(`Invalid schema: expected a schema object${this.ctx.version === "3.1" ? " or a boolean" : ""}, got ${describeValue(raw)}`, ptr);
    }
    const meta = this.meta(raw, ptr);

    if ("$ref" in raw) {
      const ref = raw.$ref;
      if (typeof ref !== "string") this.fail(`Invalid $ref: expected a string, got ${describeValue(ref)}`, joinPointer(ptr, "$ref"));
      const name = componentNameFromRef(ref);
      if (name === undefined && ref.startsWith("#") && this.ctx.document !== undefined) {
        return withMeta(this.inlineRef(ref, joinPointer(ptr, "$ref")), meta);
      }
      if (name === undefined) {
        this.fail(
          `Unsupported $ref "${ref}": only whole component schemas (#/components/schemas/<name>) can be referenced here; external and nested references must be bundled first`,
          joinPointer(ptr, "$ref"),
        );
      }
      const refNode: SchemaNode = { kind: "ref", name, pointer: joinPointer(ptr, "$ref") };
      // A component marked readOnly/writeOnly as a whole makes every property using it so.
      const target = this.componentRaw(name);
      if (target?.readOnly === true) refNode.readOnly = true;
      if (target?.writeOnly === true) refNode.writeOnly = true;
      // 3.1 treats $ref siblings as an implicit allOf; 3.0 says ignore them, but documents use
      // them for exactly this purpose, so constraints are honoured in 3.1 only.
      if (this.ctx.version === "3.1" && STRUCTURAL_KEYWORDS.some((k) => k in raw)) {
        const { $ref: _ignored, ...rest } = raw;
        const restNode = this.structural(rest, ptr, {});
        return withMeta(simplifyIntersection([refNode, restNode]), meta);
      }
      return withMeta(refNode, meta);
    }

    return this.structural(raw, ptr, meta);
  }

  private componentRaw(name: string): RawSchema | undefined {
    const doc = this.ctx.document;
    if (!isPlainObject(doc) || !isPlainObject(doc.components) || !isPlainObject(doc.components.schemas)) return undefined;
    const raw = Object.prototype.hasOwnProperty.call(doc.components.schemas, name) ? doc.components.schemas[name] : undefined;
    return isPlainObject(raw) ? raw : undefined;
  }

  /** Refs being inlined, to stop a nested ref that leads back to itself. */
  private readonly inlining = new Set<string>();

  private inlineRef(ref: string, at: string): SchemaNode {
    const target = resolveLocalPointer(this.ctx.document, ref.slice(1));
    if (target === undefined) this.fail(`The $ref "${ref}" does not resolve`, at);
    // A nested ref that reaches itself again has no finite inline form.
    if (this.inlining.has(ref)) return { kind: "unknown" };
    this.inlining.add(ref);
    try {
      return this.schema(target, ref.slice(1));
    } finally {
      this.inlining.delete(ref);
    }
  }

  private structural(raw: RawSchema, ptr: string, meta: SchemaMeta): SchemaNode {
    const parts: SchemaNode[] = [];
    const own = this.ownNode(raw, ptr, meta);
    if (own) parts.push(own);

    // The discriminator selects among the oneOf/anyOf variants: the union carries it too.
    const d = meta.discriminator;
    if (raw.oneOf !== undefined) parts.push(this.union(raw.oneOf, joinPointer(ptr, "oneOf"), true, d));
    if (raw.anyOf !== undefined) parts.push(this.union(raw.anyOf, joinPointer(ptr, "anyOf"), false, d));
    if (raw.allOf !== undefined) {
      const list = this.list(raw.allOf, joinPointer(ptr, "allOf"));
      list.forEach((item, i) => parts.push(this.schema(item, joinPointer(ptr, "allOf", i))));
    }

    // `if`/`then`/`else` and `not` cannot be expressed faithfully; the base schema stands alone.
    if (parts.length === 0) return withMeta({ kind: "unknown" }, meta);
    // `type: object` (or a bare primitive type) next to a composition only restates it.
    if (own && parts.length > 1 && isBare(own)) parts.shift();
    const composed = parts.length === 1 ? parts[0]! : simplifyIntersection(parts);
    return withMeta(composed, meta);
  }

  /** The node described by `type`/`enum`/`const`/`properties`/`items` (undefined if none). */
  private ownNode(raw: RawSchema, ptr: string, meta: SchemaMeta): SchemaNode | undefined {
    if ("const" in raw) {
      const value = raw.const as JsonValue;
      if (value === null) return { kind: "primitive", type: "null" };
      return { kind: "const", value };
    }
    if (raw.enum !== undefined) {
      const node = this.enumNode(raw.enum, joinPointer(ptr, "enum"), meta);
      if (node.kind === "enum") enumExtensions(node, raw);
      return node;
    }

    const types = this.types(raw, ptr, meta);
    if (types.length === 0) return undefined;
    const nodes = types.map((t) => this.typed(t, raw, ptr));
    if (nodes.length === 1) return nodes[0];
    return { kind: "union", variants: nodes, exclusive: false };
  }

  private types(raw: RawSchema, ptr: string, meta: SchemaMeta): string[] {
    const declared = raw.type;
    let list: string[];
    if (declared === undefined) {
      if (raw.properties !== undefined || raw.additionalProperties !== undefined || raw.patternProperties !== undefined) list = ["object"];
      else if (raw.items !== undefined || raw.prefixItems !== undefined) list = ["array"];
      else list = [];
    } else if (typeof declared === "string") {
      list = [declared];
    } else if (Array.isArray(declared) && declared.every((t) => typeof t === "string")) {
      list = declared as string[];
    } else {
      this.fail(`Invalid type: expected a string or an array of strings, got ${describeValue(declared)}`, joinPointer(ptr, "type"));
    }
    const out: string[] = [];
    for (const t of list) {
      if (t === "file") {
        // Swagger 2.0's file type, when a converter left it behind.
        meta.format ??= "binary";
        out.push("string");
        continue;
      }
      if (!JSON_TYPES.has(t)) this.fail(`Invalid type "${t}": expected one of ${[...JSON_TYPES].join(", ")}`, joinPointer(ptr, "type"));
      if (t === "null") {
        meta.nullable = true;
        continue;
      }
      if (!out.includes(t)) out.push(t);
    }
    // `type: "null"` alone: the only value is null.
    if (out.length === 0 && list.includes("null")) {
      delete meta.nullable;
      return ["null"];
    }
    return out;
  }

  private typed(type: string, raw: RawSchema, ptr: string): SchemaNode {
    switch (type) {
      case "object":
        return this.objectNode(raw, ptr);
      case "array":
        return this.arrayNode(raw, ptr);
      default:
        return { kind: "primitive", type: type as "string" | "number" | "integer" | "boolean" | "null" };
    }
  }

  private objectNode(raw: RawSchema, ptr: string): ObjectNode {
    const properties: ObjectProperty[] = [];
    const required = new Set<string>();
    if (raw.required !== undefined) {
      // `required: true` on a property schema is a common 2.0-ism: ignore it.
      if (Array.isArray(raw.required)) {
        raw.required.forEach((name, i) => {
          if (typeof name !== "string") this.fail(`Invalid required entry: expected a property name, got ${describeValue(name)}`, joinPointer(ptr, "required", i));
          required.add(name);
        });
      } else if (typeof raw.required !== "boolean") {
        this.fail(`Invalid required: expected an array of property names, got ${describeValue(raw.required)}`, joinPointer(ptr, "required"));
      }
    }
    if (raw.properties !== undefined) {
      if (!isPlainObject(raw.properties)) this.fail(`Invalid properties: expected an object mapping names to schemas, got ${describeValue(raw.properties)}`, joinPointer(ptr, "properties"));
      for (const [name, value] of Object.entries(raw.properties)) {
        properties.push({ name, required: required.has(name), schema: this.schema(value, joinPointer(ptr, "properties", name)) });
      }
    }
    const node: ObjectNode = { kind: "object", properties };

    const extra: SchemaNode[] = [];
    let closed = false;
    const ap = raw.additionalProperties;
    if (ap === false) closed = true;
    else if (ap !== undefined && ap !== true) {
      const value = this.schema(ap, joinPointer(ptr, "additionalProperties"));
      if (value.kind === "never") closed = true;
      else extra.push(value);
    }
    if (raw.patternProperties !== undefined) {
      if (!isPlainObject(raw.patternProperties)) this.fail(`Invalid patternProperties: expected an object mapping patterns to schemas, got ${describeValue(raw.patternProperties)}`, joinPointer(ptr, "patternProperties"));
      for (const [pattern, value] of Object.entries(raw.patternProperties)) {
        extra.push(this.schema(value, joinPointer(ptr, "patternProperties", pattern)));
      }
    }
    if (extra.some((e) => e.kind === "unknown" && !e.nullable)) {
      // `{}` or `true` among the value schemas: any value, same as unconstrained.
    } else if (extra.length === 1) node.additional = extra[0];
    else if (extra.length > 1) node.additional = { kind: "union", variants: extra, exclusive: false };
    else if (closed) node.additional = { kind: "never" };
    return node;
  }

  private arrayNode(raw: RawSchema, ptr: string): SchemaNode {
    let prefixItems: SchemaNode[] | undefined;
    let items: SchemaNode;
    if (raw.prefixItems !== undefined) {
      prefixItems = this.list(raw.prefixItems, joinPointer(ptr, "prefixItems")).map((item, i) => this.schema(item, joinPointer(ptr, "prefixItems", i)));
    }
    if (raw.items === undefined) {
      items = { kind: "unknown" };
    } else if (Array.isArray(raw.items)) {
      // Draft-04 tuple form; extra items are allowed unless `additionalItems: false`.
      prefixItems = raw.items.map((item, i) => this.schema(item, joinPointer(ptr, "items", i)));
      const more = raw.additionalItems;
      items = more === undefined || more === true ? { kind: "unknown" } : this.schema(more, joinPointer(ptr, "additionalItems"));
    } else {
      items = this.schema(raw.items, joinPointer(ptr, "items"));
    }
    const node: SchemaNode = { kind: "array", items };
    if (prefixItems && prefixItems.length > 0) node.prefixItems = prefixItems;
    return node;
  }

  private enumNode(rawEnum: unknown, ptr: string, meta: SchemaMeta): SchemaNode {
    const values = this.list(rawEnum, ptr);
    const out: EnumValue[] = [];
    const objects: SchemaNode[] = [];
    for (const value of values) {
      if (value === null) meta.nullable = true;
      else if (typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) {
        if (!out.includes(value)) out.push(value);
      } else objects.push({ kind: "const", value: value as JsonValue });
    }
    if (objects.length > 0) {
      const variants: SchemaNode[] = out.map((value) => ({ kind: "const", value }));
      return { kind: "union", variants: [...variants, ...objects], exclusive: true };
    }
    if (out.length === 0) {
      if (!meta.nullable) return { kind: "never" };
      delete meta.nullable;
      return { kind: "primitive", type: "null" };
    }
    return { kind: "enum", values: out };
  }

  private union(rawList: unknown, ptr: string, exclusive: boolean, discriminator: Discriminator | undefined): SchemaNode {
    const variants = this.list(rawList, ptr).map((item, i) => this.schema(item, joinPointer(ptr, i)));
    const node: SchemaNode = { kind: "union", variants, exclusive };
    if (discriminator) node.discriminator = discriminator;
    return simplifyUnion(node);
  }

  private list(value: unknown, ptr: string): unknown[] {
    if (!Array.isArray(value)) this.fail(`Invalid value: expected an array, got ${describeValue(value)}`, ptr);
    return value;
  }

  private meta(raw: RawSchema, ptr: string): SchemaMeta {
    const meta: SchemaMeta = {};
    if (raw.nullable === true || raw["x-nullable"] === true) meta.nullable = true;
    if (raw.readOnly === true) meta.readOnly = true;
    if (raw.writeOnly === true) meta.writeOnly = true;
    if (raw.deprecated === true) meta.deprecated = true;
    if (typeof raw.title === "string" && raw.title.trim() !== "") meta.title = raw.title;
    if (typeof raw.description === "string" && raw.description.trim() !== "") meta.description = raw.description;
    if (typeof raw.format === "string" && raw.format !== "") meta.format = raw.format;
    if (raw.default !== undefined) meta.default = raw.default as JsonValue;
    if (raw.discriminator !== undefined) meta.discriminator = this.discriminator(raw.discriminator, joinPointer(ptr, "discriminator"));
    return meta;
  }

  private discriminator(raw: unknown, ptr: string): Discriminator {
    if (!isPlainObject(raw)) this.fail(`Invalid discriminator: expected an object, got ${describeValue(raw)}`, ptr);
    const propertyName = raw.propertyName;
    if (typeof propertyName !== "string" || propertyName === "") {
      this.fail(`Invalid discriminator: propertyName must be a non-empty string`, joinPointer(ptr, "propertyName"));
    }
    const mapping: [string, string][] = [];
    if (raw.mapping !== undefined) {
      if (!isPlainObject(raw.mapping)) this.fail(`Invalid discriminator mapping: expected an object, got ${describeValue(raw.mapping)}`, joinPointer(ptr, "mapping"));
      for (const [value, target] of Object.entries(raw.mapping)) {
        const at = joinPointer(ptr, "mapping", value);
        if (typeof target !== "string") this.fail(`Invalid discriminator mapping value: expected a schema name or reference, got ${describeValue(target)}`, at);
        const name = /^[^#/]+$/.test(target) ? target : componentNameFromRef(target);
        if (name === undefined) this.fail(`Unsupported discriminator mapping "${target}": expected a component schema name or #/components/schemas/<name>`, at);
        mapping.push([value, name]);
      }
    }
    return { propertyName, mapping };
  }
}

/**
 * Vendor extensions that describe enum values, aligned with `enum` in the document (positions of
 * null and duplicate values are skipped). Ignored unless they are string arrays of the same length.
 */
function enumExtensions(node: SchemaNode & { kind: "enum" }, raw: RawSchema): void {
  const values = raw.enum as unknown[];
  const aligned = (ext: unknown): string[] | undefined => {
    if (!Array.isArray(ext) || ext.length !== values.length || !ext.every((e) => typeof e === "string")) return undefined;
    const out: string[] = [];
    const seen = new Set<unknown>();
    values.forEach((value, i) => {
      if (value === null || seen.has(value) || typeof value === "object") return;
      seen.add(value);
      out.push(ext[i] as string);
    });
    return out.length === node.values.length ? out : undefined;
  };
  const names = aligned(raw["x-enum-varnames"] ?? raw["x-enumNames"]);
  if (names) node.names = names;
  const descriptions = aligned(raw["x-enum-descriptions"]);
  if (descriptions && descriptions.some((d) => d.trim() !== "")) node.valueDescriptions = descriptions;
}

/** True for a node that adds nothing next to a composition: `type: object` or a bare primitive. */
function isBare(node: SchemaNode): boolean {
  if (node.kind === "object") return node.properties.length === 0 && node.additional === undefined;
  return node.kind === "primitive" && node.type !== "null";
}

/** Copies annotations onto `node`; the outer schema's own annotations win, flags accumulate. */
export function withMeta(node: SchemaNode, meta: SchemaMeta): SchemaNode {
  for (const key of Object.keys(meta) as (keyof SchemaMeta)[]) {
    const value = meta[key];
    if (value === undefined) continue;
    if (key === "nullable" || key === "readOnly" || key === "writeOnly" || key === "deprecated") {
      if (value) node[key] = true;
    } else {
      (node as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return node;
}

/** Folds null variants into `nullable`, collapses single-variant unions. */
function simplifyUnion(node: SchemaNode & { kind: "union" }): SchemaNode {
  let nullable = false;
  const variants: SchemaNode[] = [];
  for (const v of node.variants) {
    if (v.kind === "primitive" && v.type === "null") nullable = true;
    else {
      // A bare `{nullable: true}` variant just adds null.
      if (v.kind === "unknown" && v.nullable && !hasDocs(v)) {
        nullable = true;
        continue;
      }
      variants.push(v);
    }
  }
  if (variants.length === 0) return nullable ? { kind: "primitive", type: "null" } : { kind: "never" };
  // A discriminated union keeps even a single variant, which is narrowed to its value.
  if (variants.length === 1 && !node.discriminator) {
    const only = variants[0]!;
    if (nullable) only.nullable = true;
    return only;
  }
  const out: SchemaNode = { kind: "union", variants, exclusive: node.exclusive };
  if (nullable) out.nullable = true;
  if (node.discriminator) out.discriminator = node.discriminator;
  return out;
}

function hasDocs(node: SchemaNode): boolean {
  return node.description !== undefined || node.title !== undefined;
}

/**
 * allOf → one node: drops parts that constrain nothing, merges plain inline objects into one
 * (so `allOf: [{properties…}, {properties…}]` prints as a single object type), keeps refs and
 * everything else as intersection parts.
 */
export function simplifyIntersection(input: SchemaNode[]): SchemaNode {
  const parts: SchemaNode[] = [];
  const carried: SchemaMeta = {};
  for (const part of input) {
    if (part.kind === "intersection" && !part.nullable) {
      parts.push(...part.parts);
      continue;
    }
    if (part.kind === "unknown" && !part.nullable) {
      // An annotation-only part (`{description: …}`, `{readOnly: true}`) annotates the whole.
      if (part.readOnly) carried.readOnly = true;
      if (part.writeOnly) carried.writeOnly = true;
      if (part.deprecated) carried.deprecated = true;
      if (part.description !== undefined) carried.description ??= part.description;
      continue;
    }
    parts.push(part);
  }
  if (parts.some((p) => p.kind === "never")) return { kind: "never" };
  // A bare object (`{type: object}` or only `required: […]`) next to real parts restates them.
  const meaningful = parts.filter((p) => !(p.kind === "object" && p.properties.length === 0 && p.additional === undefined && !p.nullable));
  const kept = meaningful.length > 0 ? meaningful : parts.slice(0, 1);

  const merged: SchemaNode[] = [];
  let target: ObjectNode | undefined;
  for (const part of kept) {
    if (part.kind === "object" && !part.nullable && !part.discriminator && part.additional === undefined) {
      if (!target) {
        target = { kind: "object", properties: [], ...pickDocs(part) };
        merged.push(target);
      }
      mergeProperties(target, part);
      continue;
    }
    merged.push(part);
  }
  if (merged.length === 0) return withMeta({ kind: "unknown" }, carried);
  if (merged.length === 1) return withMeta(merged[0]!, carried);
  return withMeta({ kind: "intersection", parts: merged }, carried);
}

function pickDocs(node: SchemaNode): SchemaMeta {
  const meta: SchemaMeta = {};
  if (node.description !== undefined) meta.description = node.description;
  if (node.title !== undefined) meta.title = node.title;
  if (node.deprecated) meta.deprecated = true;
  if (node.readOnly) meta.readOnly = true;
  if (node.writeOnly) meta.writeOnly = true;
  return meta;
}

function mergeProperties(target: ObjectNode, source: ObjectNode): void {
  for (const prop of source.properties) {
    const existing = target.properties.find((p) => p.name === prop.name);
    if (!existing) {
      target.properties.push({ ...prop });
      continue;
    }
    existing.required ||= prop.required;
    if (!sameShape(existing.schema, prop.schema)) {
      existing.schema = { kind: "intersection", parts: [existing.schema, prop.schema] };
    }
  }
}

function sameShape(a: SchemaNode, b: SchemaNode): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

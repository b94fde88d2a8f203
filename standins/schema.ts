// Turns OpenAPI schemas into self-contained JSON Schemas that ajv can compile: every local $ref
// becomes an entry of `definitions`, and OpenAPI 3.0 quirks are rewritten (nullable, boolean
// exclusiveMinimum/Maximum). Converted schemas are cached per pointer, so a 13 MB document is
// only converted where operations are actually called.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unescape(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Resolves a local `#/...` reference inside `doc`; undefined when it points nowhere. */
export function resolvePointer(doc: Json, ref: string): Json | undefined {
  if (!ref.startsWith("#")) return undefined;
  let node: Json | undefined = doc;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = unescape(raw);
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isObject(node)) node = node[key];
    else return undefined;
  }
  return node;
}

/** Follows `$ref`s of non-schema objects (parameters, request bodies, responses, examples). */
export function deref<T extends Json>(doc: Json, value: T | undefined, seen = 0): T | undefined {
  if (isObject(value) && typeof value.$ref === "string") {
    if (seen > 20) throw new Error(`$ref cycle at ${value.$ref}`);
    return deref(doc, resolvePointer(doc, value.$ref) as T | undefined, seen + 1);
  }
  return value;
}

// Keywords that only document; ajv would reject them in strict mode.
const ANNOTATIONS = new Set(["example", "examples", "xml", "externalDocs", "discriminator", "deprecated", "readOnly", "writeOnly"]);

/** The $id a document component gets inside ajv. */
function schemaId(ref: string): string {
  return "https://standin.invalid/" + encodeURIComponent(ref.replace(/^#\//, ""));
}

export class SchemaBundler {
  /** Converted schema per $ref, with the $refs it uses (so bundles can pull them in). */
  private readonly converted = new Map<string, { schema: Json; refs: string[] }>();

  constructor(
    readonly doc: Json,
    /** OpenAPI 3.1 schemas are JSON Schema already; 3.0 needs nullable and friends rewritten. */
    readonly openapi31: boolean,
  ) {}

  /**
   * Converts `schema` for `ajv`, and adds every component it reaches to `ajv` once under its own
   * $id, so that validators of different operations share the compiled components (Stripe's
   * customer graph alone is hundreds of schemas).
   */
  prepare(schema: Json, ajv: { addSchema(schema: JsonObject, key?: string): unknown }, registered: Set<string>): JsonObject {
    const pending: string[] = [];
    const root = this.convert(schema, pending);
    while (pending.length) {
      const ref = pending.pop()!;
      if (registered.has(ref)) continue;
      registered.add(ref);
      const converted = this.convertRef(ref, pending);
      // draft-07 ignores siblings of $ref (including $id), so a bare reference is wrapped.
      const body: JsonObject = isObject(converted) && converted.$ref === undefined ? { ...converted } : { allOf: [converted] };
      ajv.addSchema({ ...body, $id: schemaId(ref) });
    }
    return isObject(root) ? root : { allOf: [root] };
  }

  private convertRef(ref: string, pending: string[]): Json {
    let cached = this.converted.get(ref);
    if (cached === undefined) {
      const target = resolvePointer(this.doc, ref);
      if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
      const refs: string[] = [];
      cached = { schema: this.convert(target, refs), refs };
      this.converted.set(ref, cached);
    }
    pending.push(...cached.refs);
    return cached.schema;
  }

  private convert(schema: Json, pending: string[]): Json {
    if (typeof schema === "boolean") return schema;
    if (!isObject(schema)) return {};
    if (typeof schema.$ref === "string") {
      // A $ref with siblings: 3.0 ignores them; keep just the reference.
      pending.push(schema.$ref);
      return { $ref: schemaId(schema.$ref) };
    }
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(schema)) {
      if (ANNOTATIONS.has(key) || key.startsWith("x-")) continue;
      switch (key) {
        case "properties":
        case "patternProperties":
        case "definitions":
        case "$defs":
          if (isObject(value)) {
            out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.convert(v, pending)]));
          }
          break;
        case "items":
          out[key] = Array.isArray(value) ? value.map((v) => this.convert(v, pending)) : this.convert(value, pending);
          break;
        case "additionalProperties":
        case "not":
        case "contains":
        case "propertyNames":
        case "if":
        case "then":
        case "else":
        case "additionalItems":
          out[key] = this.convert(value, pending);
          break;
        case "allOf":
        case "anyOf":
        case "oneOf":
          if (Array.isArray(value)) out[key] = value.map((v) => this.convert(v, pending));
          break;
        case "prefixItems":
          // 2020-12 tuple form -> draft-07 array form of items.
          if (Array.isArray(value)) out.items = value.map((v) => this.convert(v, pending));
          break;
        case "nullable":
        case "exclusiveMinimum":
        case "exclusiveMaximum":
          break; // handled below
        case "required":
          // An empty `required: []` is valid OpenAPI and invalid draft-07 in strict mode.
          if (Array.isArray(value) && value.length) out[key] = value;
          break;
        default:
          out[key] = value;
      }
    }
    for (const k of ["exclusiveMinimum", "exclusiveMaximum"] as const) {
      const v = schema[k];
      const bound = k === "exclusiveMinimum" ? "minimum" : "maximum";
      if (v === true && typeof schema[bound] === "number") {
        out[k] = schema[bound];
        delete out[bound];
      } else if (typeof v === "number") out[k] = v;
    }
    if (!this.openapi31 && schema.nullable === true) return nullable(out);
    return out;
  }
}

function nullable(schema: JsonObject): Json {
  if (typeof schema.type === "string") {
    const out: JsonObject = { ...schema, type: [schema.type, "null"] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
    return out;
  }
  if (Array.isArray(schema.type)) return schema.type.includes("null") ? schema : { ...schema, type: [...schema.type, "null"] };
  return { anyOf: [schema, { type: "null" }] };
}

// Request validation against the operation's parameters and request body, and choice of a
// schema-valid response body. Validators are compiled on first use of each operation.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { Operation, Parameter } from "./router.js";
import { sampleOf } from "./sample.js";
import { deref, isObject, SchemaBundler, type Json, type JsonObject } from "./schema.js";

// ajv-formats is CommonJS with `module.exports = plugin`; under NodeNext its default import is the module.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export interface Problem {
  /** Where in the request: `/query/per_page`, `/header/x-api-version`, `/body/channel`. */
  pointer: string;
  message: string;
}

export interface ParsedBody {
  mediaType: string | undefined;
  value: unknown;
}

function newAjv(coerce: boolean, allErrors = true): Ajv {
  // strict: false because OpenAPI schemas carry keywords JSON Schema draft-07 does not know
  // (formats like int32, vendor keys); validation of the keywords that matter stays exact.
  // inlineRefs: false compiles each referenced schema once; inlining explodes on Stripe's graph.
  const ajv = new Ajv({ strict: false, allErrors, logger: false, coerceTypes: coerce ? "array" : false, validateFormats: true, inlineRefs: false });
  addFormats(ajv);
  return ajv;
}

export function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(";")[0]?.trim().toLowerCase() || undefined;
}

export function isJsonMedia(media: string): boolean {
  return media === "application/json" || /\+json$/.test(media) || media === "*/*";
}

/** Finds the declared media type a concrete one matches (exact, then `type/*`, then `*\/*`). */
export function matchMedia(declared: string[], actual: string): string | undefined {
  const lower = declared.map((d) => [d, d.split(";")[0]!.trim().toLowerCase()] as const);
  return (
    lower.find(([, d]) => d === actual)?.[0] ??
    lower.find(([, d]) => d.endsWith("/*") && actual.startsWith(d.slice(0, -1)))?.[0] ??
    lower.find(([, d]) => d === "*/*")?.[0]
  );
}

/**
 * Multipart parts as an object: text parts as strings, file parts as their content as text (a
 * `format: binary` string accepts anything). Repeated names become arrays.
 */
async function parseMultipart(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
  const entries: [string, string][] = [];
  for (const [name, value] of form.entries()) entries.push([name, typeof value === "string" ? value : await value.text()]);
  return parseBracketed(entries);
}

/** `a[b][0]=x` style keys (Stripe, Rails-like forms) into nested objects and arrays. */
export function parseBracketed(entries: Iterable<[string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const m = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(key);
    const parts = m ? [m[1]!, ...[...m[2]!.matchAll(/\[([^\]]*)\]/g)].map((x) => x[1]!)] : [key];
    let node: Record<string, unknown> = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const k = part === "" ? String(Object.keys(node).length) : part;
      if (last) {
        const prev = node[k];
        node[k] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
      } else {
        if (typeof node[k] !== "object" || node[k] === null) node[k] = {};
        node = node[k] as Record<string, unknown>;
      }
    });
  }
  return arrayify(root) as Record<string, unknown>;
}

// Objects whose keys are 0..n-1 were arrays on the wire (`items[0][price]`, `expand[]`).
function arrayify(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (const k of keys) obj[k] = arrayify(obj[k]);
  if (keys.length && keys.every((k, i) => k === String(i))) return keys.map((k) => obj[k]);
  return obj;
}

function problems(errors: ErrorObject[] | null | undefined, base: string): Problem[] {
  return (errors ?? []).map((e) => {
    let pointer = base + e.instancePath;
    let message = e.message ?? "is invalid";
    if (e.keyword === "required") {
      pointer += `/${(e.params as { missingProperty: string }).missingProperty}`;
      message = "is required";
    } else if (e.keyword === "additionalProperties") {
      pointer += `/${(e.params as { additionalProperty: string }).additionalProperty}`;
      message = "is not allowed here";
    } else if (e.keyword === "enum") {
      message = `must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
    }
    return { pointer, message };
  });
}

interface Compiled {
  params: ValidateFunction;
  /** Declared media type -> validator (undefined: accepted without schema validation). */
  bodies: Map<string, ValidateFunction | undefined>;
  bodyRequired: boolean;
}

export class Validator {
  private readonly bundler: SchemaBundler;
  private readonly strict = newAjv(false);
  private readonly coercing = newAjv(true);
  // Responses only need a verdict, and stopping at the first error compiles ~40% faster.
  private readonly responses = newAjv(false, false);
  private readonly registered = new Map<Ajv, Set<string>>([
    [this.strict, new Set()],
    [this.coercing, new Set()],
    [this.responses, new Set()],
  ]);
  private readonly compiled = new Map<string, Compiled>();
  private readonly responseValidators = new Map<string, ValidateFunction>();

  constructor(
    private readonly doc: JsonObject,
    /** Parameters that carry the credential; they are checked by the credential check instead. */
    private readonly credentialParams: { in: string; name: string }[] = [],
  ) {
    this.bundler = new SchemaBundler(doc, typeof doc.openapi === "string" && doc.openapi.startsWith("3.1"));
  }

  /** Credential params are checked by the credential check; Accept, Content-Type and Authorization header params are ignored (OpenAPI 3 says so). */
  private isCredentialParam(p: Parameter): boolean {
    if (p.in === "header" && ["accept", "content-type", "authorization"].includes(p.name.toLowerCase())) return true;
    return this.credentialParams.some((c) => c.in === p.in && c.name.toLowerCase() === p.name.toLowerCase());
  }

  private compileWith(ajv: Ajv, schema: Json): ValidateFunction {
    return ajv.compile(this.bundler.prepare(schema, ajv, this.registered.get(ajv)!));
  }

  private compile(operation: Operation): Compiled {
    const cached = this.compiled.get(operation.pointer);
    if (cached) return cached;
    const locations: Record<string, { properties: JsonObject; required: string[] }> = {};
    for (const p of operation.params) {
      if (p.in === "cookie" || this.isCredentialParam(p)) continue;
      const loc = (locations[p.in] ??= { properties: {}, required: [] });
      const name = p.in === "header" ? p.name.toLowerCase() : p.name;
      loc.properties[name] = p.schema;
      if (p.required) loc.required.push(name);
    }
    const paramSchema: JsonObject = {
      type: "object",
      properties: Object.fromEntries(
        Object.entries(locations).map(([loc, { properties, required }]) => [
          loc,
          { type: "object", properties, ...(required.length ? { required } : {}) },
        ]),
      ),
    };
    const bodies = new Map<string, ValidateFunction | undefined>();
    const rb = deref(this.doc, operation.op.requestBody);
    let bodyRequired = false;
    if (isObject(rb)) {
      bodyRequired = rb.required === true;
      for (const [media, content] of Object.entries(isObject(rb.content) ? rb.content : {})) {
        const m = media.toLowerCase();
        const schema = isObject(content) ? content.schema : undefined;
        if (schema === undefined || !(isJsonMedia(m) || m === "application/x-www-form-urlencoded" || m === "multipart/form-data")) {
          bodies.set(media, undefined);
          continue;
        }
        const ajv = isJsonMedia(m) ? this.strict : this.coercing;
        bodies.set(media, this.compileWith(ajv, schema));
      }
    }
    const compiled = { params: this.compileWith(this.coercing, paramSchema), bodies, bodyRequired };
    this.compiled.set(operation.pointer, compiled);
    return compiled;
  }

  /** Validates parameters and body; returns what is wrong (empty when the request conforms). */
  async validateRequest(
    operation: Operation,
    req: { pathParams: Record<string, string>; query: URLSearchParams; headers: Record<string, string>; contentType: string | undefined; body: Buffer },
  ): Promise<{ problems: Problem[]; body: ParsedBody }> {
    const compiled = this.compile(operation);
    const out: Problem[] = [];
    const values: Record<string, Record<string, unknown>> = { path: {}, query: {}, header: {} };
    const known = new Set<string>();
    for (const p of operation.params) {
      if (p.in === "cookie") continue;
      if (p.in === "query") known.add(p.name);
      if (this.isCredentialParam(p)) continue;
      const v = this.readParam(p, req);
      if (v !== undefined) values[p.in]![p.in === "header" ? p.name.toLowerCase() : p.name] = v;
    }
    for (const key of new Set(req.query.keys())) {
      const base = key.replace(/\[.*$/, "");
      if (!known.has(key) && !known.has(base)) out.push({ pointer: `/query/${key}`, message: "is not a parameter of this operation" });
    }
    if (!compiled.params(values)) out.push(...problems(compiled.params.errors, ""));

    const media = mediaTypeOf(req.contentType);
    const body: ParsedBody = { mediaType: media, value: undefined };
    if (req.body.length === 0) {
      if (compiled.bodyRequired) out.push({ pointer: "/body", message: "is required" });
      return { problems: out, body };
    }
    if (compiled.bodies.size === 0) {
      out.push({ pointer: "/body", message: "this operation takes no request body" });
      return { problems: out, body };
    }
    const declared = media ? matchMedia([...compiled.bodies.keys()], media) : undefined;
    if (!declared) {
      out.push({
        pointer: "/header/content-type",
        message: `${media ?? "a missing content type"} is not one of ${[...compiled.bodies.keys()].join(", ")}`,
      });
      return { problems: out, body };
    }
    const validate = compiled.bodies.get(declared);
    const text = req.body.toString("utf8");
    if (isJsonMedia(media!)) {
      try {
        body.value = JSON.parse(text);
      } catch {
        out.push({ pointer: "/body", message: "is not valid JSON" });
        return { problems: out, body };
      }
    } else if (media === "application/x-www-form-urlencoded") {
      body.value = parseBracketed(new URLSearchParams(text));
    } else if (media === "multipart/form-data") {
      try {
        body.value = await parseMultipart(req.body, req.contentType!);
      } catch {
        out.push({ pointer: "/body", message: "is not valid multipart/form-data (boundary and parts)" });
        return { problems: out, body };
      }
    } else {
      body.value = req.body;
    }
    if (validate && !validate(body.value)) out.push(...problems(validate.errors, "/body"));
    return { problems: out, body };
  }

  private readParam(p: Parameter, req: { pathParams: Record<string, string>; query: URLSearchParams; headers: Record<string, string> }): unknown {
    const schema = deref(this.doc, p.schema);
    const isArray = isObject(schema) && (schema.type === "array" || (Array.isArray(schema.type) && schema.type.includes("array")));
    const isObj = isObject(schema) && (schema.type === "object" || isObject(schema.properties));
    if (p.in === "path") {
      const v = req.pathParams[p.name];
      return v !== undefined && isArray ? v.split(",") : v;
    }
    if (p.in === "header") {
      const v = req.headers[p.name.toLowerCase()];
      return v !== undefined && isArray ? v.split(/,\s*/) : v;
    }
    // query
    const q = req.query;
    if (p.style === "deepObject" || (isObj && [...q.keys()].some((k) => k.startsWith(`${p.name}[`)))) {
      const entries = [...q.entries()].filter(([k]) => k === p.name || k.startsWith(`${p.name}[`));
      if (!entries.length) return undefined;
      return parseBracketed(entries)[p.name];
    }
    if (isArray) {
      const all = [...q.getAll(p.name), ...q.getAll(`${p.name}[]`)];
      if (!all.length) return undefined;
      const explode = p.explode ?? (p.style === undefined || p.style === "form");
      if (explode) return all;
      const sep = p.style === "spaceDelimited" ? " " : p.style === "pipeDelimited" ? "|" : ",";
      return all.flatMap((v) => v.split(sep));
    }
    return q.has(p.name) ? q.get(p.name)! : undefined;
  }

  /**
   * A body for the response `status` (or the first 2xx): the document's example when it matches
   * its schema, else a generated minimal instance. Undefined for responses without content.
   */
  /**
   * The declared answer for `status` (the first 2xx by default), in the representation `accept`
   * (a request's Accept header) names when the response declares it, else JSON first.
   */
  responseFor(operation: Operation, status?: number, accept?: string): { status: number; mediaType?: string; body?: unknown; schema?: Json } {
    const responses = isObject(operation.op.responses) ? operation.op.responses : {};
    const codes = Object.keys(responses);
    const code =
      status !== undefined
        ? (codes.find((c) => c === String(status)) ?? codes.find((c) => c.toUpperCase() === `${String(status)[0]}XX`) ?? "default")
        : (codes.filter((c) => /^2\d\d$/.test(c)).sort()[0] ?? codes.find((c) => c.toUpperCase() === "2XX") ?? "default");
    const resolvedStatus = status ?? (/^\d{3}$/.test(code) ? Number(code) : 200);
    const response = deref(this.doc, responses[code]);
    if (!isObject(response) || !isObject(response.content)) return { status: resolvedStatus };
    const entries = Object.entries(response.content);
    const [mediaType, content] = namedByAccept(entries, accept) ?? entries.find(([m]) => isJsonMedia(m.toLowerCase())) ?? entries[0]!;
    if (!isObject(content)) return { status: resolvedStatus, mediaType };
    const schema = content.schema;
    const candidates: unknown[] = [];
    if (content.example !== undefined) candidates.push(content.example);
    if (isObject(content.examples)) {
      for (const ex of Object.values(content.examples)) {
        const e = deref(this.doc, ex);
        if (isObject(e) && e.value !== undefined) candidates.push(e.value);
      }
    }
    if (schema === undefined) return { status: resolvedStatus, mediaType, body: candidates[0] ?? {} };
    if (!isJsonMedia(mediaType.toLowerCase())) return { status: resolvedStatus, mediaType, body: candidates[0] ?? sampleOf(this.doc, schema) };
    const check = this.responseValidator(`${operation.pointer}/responses/${code}/${mediaType}`, schema);
    const valid = candidates.find((c) => check(structuredClone(c)));
    return { status: resolvedStatus, mediaType, body: structuredClone(valid ?? sampleOf(this.doc, schema)), schema };
  }

  /** Checks a JSON value against a schema of the document (used by tests on what the stand-in serves). */
  responseValidator(key: string, schema: Json): ValidateFunction {
    let v = this.responseValidators.get(key);
    if (!v) {
      v = this.compileWith(this.responses, schema);
      this.responseValidators.set(key, v);
    }
    return v;
  }
}

/** The first declared media type an Accept header names exactly (ranges like `*\/*` name none). */
function namedByAccept<T>(entries: [string, T][], accept: string | undefined): [string, T] | undefined {
  if (!accept) return undefined;
  const base = (m: string) => m.split(";")[0]!.trim().toLowerCase();
  for (const range of accept.split(",")) {
    if (/;\s*q=0(\.0*)?\s*(;|$)/.test(range)) continue;
    const hit = entries.find(([m]) => base(m) === base(range));
    if (hit) return hit;
  }
  return undefined;
}

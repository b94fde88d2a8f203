// A minimal valid instance of an OpenAPI schema: required properties only, the first enum value,
// the lower bound of numbers, format-shaped strings. Used when a response has no example (or an
// example that does not match its own schema).
import RandExp from "randexp";
import { deref, isObject, type Json, type JsonObject } from "./schema.js";

const FORMATS: Record<string, string> = {
  "date-time": "2024-01-02T03:04:05Z",
  date: "2024-01-02",
  time: "03:04:05Z",
  email: "user@example.com",
  uri: "https://example.com/",
  url: "https://example.com/",
  "uri-reference": "/example",
  uuid: "00000000-0000-4000-8000-000000000000",
  hostname: "example.com",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  byte: "AA==",
  binary: "",
};

export function sampleOf(doc: Json, schema: Json | undefined, depth = 0, stack: string[] = []): Json {
  if (schema === undefined || schema === true || !isObject(schema)) return null;
  if (typeof schema.$ref === "string") {
    const ref = schema.$ref;
    // A required recursive property cannot be satisfied finitely; null is the least-bad answer.
    if (stack.includes(ref) || depth > 12) return null;
    return sampleOf(doc, deref(doc, schema), depth + 1, [...stack, ref]);
  }
  if ("const" in schema) return schema.const!;
  if ("default" in schema && schema.default !== undefined && !isObject(schema.default)) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length) {
    return schema.enum.find((v) => v !== null) ?? schema.enum[0]!;
  }
  if (Array.isArray(schema.allOf)) {
    let merged: Json = null;
    for (const part of schema.allOf) {
      const s = sampleOf(doc, part, depth + 1, stack);
      const m: Json = merged;
      merged = isObject(m) && isObject(s) ? Object.assign({}, m, s) : (m ?? s);
    }
    const own: JsonObject = { ...(schema as JsonObject) };
    delete own.allOf;
    if (own.properties || own.type) {
      const s = sampleOf(doc, own, depth + 1, stack);
      if (isObject(merged) && isObject(s)) merged = { ...merged, ...s };
      else merged ??= s;
    }
    return merged;
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length) {
      const pick = options.find((o) => !(isObject(o) && (o.type === "null" || (Array.isArray(o.enum) && o.enum.length === 1 && o.enum[0] === "")))) ?? options[0];
      const s = sampleOf(doc, pick, depth + 1, stack);
      // Properties beside oneOf (common in Stripe) must be satisfied too.
      if (isObject(s) && isObject(schema.properties)) return { ...objectSample(doc, schema, depth, stack), ...s };
      return s;
    }
  }
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  const type = (types.find((t) => t !== "null") ?? types[0] ?? (schema.properties ? "object" : schema.items ? "array" : undefined)) as
    | string
    | undefined;
  switch (type) {
    case "object":
      return objectSample(doc, schema, depth, stack);
    case "array": {
      const min = typeof schema.minItems === "number" ? schema.minItems : 0;
      const item = sampleOf(doc, schema.items, depth + 1, stack);
      return Array.from({ length: min }, (_, i) => (typeof item === "number" && schema.uniqueItems ? item + i : item));
    }
    case "string": {
      if (typeof schema.pattern === "string") {
        const s = fromPattern(schema.pattern, schema.minLength, schema.maxLength);
        if (s !== undefined) return s;
      }
      const base = typeof schema.format === "string" && schema.format in FORMATS ? FORMATS[schema.format]! : "string";
      const min = typeof schema.minLength === "number" ? schema.minLength : 0;
      const max = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
      const padded = base.length < min ? base.padEnd(min, "x") : base;
      return padded.slice(0, Math.max(min, Math.min(max, padded.length)));
    }
    case "integer":
    case "number": {
      let n = 0;
      if (typeof schema.minimum === "number") n = schema.minimum;
      if (typeof schema.exclusiveMinimum === "number") n = schema.exclusiveMinimum + 1;
      else if (schema.exclusiveMinimum === true) n += 1;
      if (typeof schema.maximum === "number" && n > schema.maximum) n = schema.maximum;
      if (typeof schema.multipleOf === "number" && n % schema.multipleOf !== 0) n = Math.ceil(n / schema.multipleOf) * schema.multipleOf;
      return type === "integer" ? Math.ceil(n) : n;
    }
    case "boolean":
      return false;
    case "null":
      return null;
    default:
      return schema.nullable === true ? null : {};
  }
}

function objectSample(doc: Json, schema: JsonObject, depth: number, stack: string[]): JsonObject {
  const out: JsonObject = {};
  const props = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : [];
  for (const name of required) {
    const prop = props[name];
    out[name] = prop === undefined ? "string" : sampleOf(doc, prop, depth + 1, stack);
  }
  const min = typeof schema.minProperties === "number" ? schema.minProperties : 0;
  for (const [name, prop] of Object.entries(props)) {
    if (Object.keys(out).length >= min) break;
    if (!(name in out)) out[name] = sampleOf(doc, prop, depth + 1, stack);
  }
  return out;
}

/** The shortest deterministic string matching `pattern` (always the lowest choice), if it fits the lengths. */
function fromPattern(pattern: string, minLength: Json | undefined, maxLength: Json | undefined): string | undefined {
  try {
    const regex = new RegExp(pattern, "u");
    const gen = new RandExp(regex);
    gen.max = 4;
    gen.randInt = (from) => from;
    let s = gen.gen();
    if (typeof minLength === "number" && s.length < minLength) {
      gen.randInt = (from, to) => Math.min(to, Math.max(from, minLength));
      s = gen.gen();
    }
    if (!regex.test(s)) return undefined;
    if (typeof minLength === "number" && s.length < minLength) return undefined;
    if (typeof maxLength === "number" && s.length > maxLength) return undefined;
    return s;
  } catch {
    return undefined;
  }
}

/** A deterministic value of `schema` that differs for each `n` (ids of paginated items). */
export function uniqueValue(doc: Json, schema: Json | undefined, n: number): Json {
  const s = deref(doc, schema);
  const type = isObject(s) ? (Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type) : undefined;
  if (type === "integer" || type === "number") return 1000 + n;
  if (isObject(s) && typeof s.pattern === "string") {
    try {
      const regex = new RegExp(s.pattern, "u");
      const gen = new RandExp(regex);
      gen.max = 8;
      const random = mulberry32(n + 1);
      gen.randInt = (from, to) => from + Math.floor(random() * (to - from + 1));
      const value = gen.gen();
      if (regex.test(value)) return value;
    } catch {
      // fall through to the plain form
    }
  }
  if (isObject(s) && s.format === "uuid") return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
  // An id of a fixed length (SendGrid's 36-character list ids) is padded to it.
  const min = isObject(s) && typeof s.minLength === "number" ? s.minLength : 0;
  return `item_${String(n).padStart(Math.max(0, min - 5), "0")}`;
}

// A tiny seeded PRNG, so that pattern-shaped ids are the same on every run.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

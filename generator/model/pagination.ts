// Decides whether an operation pages in the provider's style: it takes the style's request
// parameter and its success body holds the items array (the body itself, or one array property).
import type { PaginationStyle } from "../../runtime/operation.js";
import { joinPointer } from "../errors.js";

type Json = Record<string, any>;

export interface RawSchemaRef {
  schema: Json;
  pointer: string;
}

export interface PaginationInput {
  queryParams: string[];
  /** Property names of the JSON request body, if any. */
  bodyProperties: string[];
  /** The first 2xx JSON body schema. */
  response?: RawSchemaRef;
  resolve: (ref: RawSchemaRef) => RawSchemaRef;
}

export interface DetectedPagination {
  items?: string;
  item: RawSchemaRef;
}

/** When a page object has several arrays, these names are the items (in this order). */
const preferredItemNames = ["data", "items", "values", "results", "records", "entries", "elements", "issues"];

export function requestParamOf(style: PaginationStyle): string {
  return style.style === "link-header" ? "page" : style.param;
}

function isArray(s: Json): boolean {
  return s.type === "array" || (Array.isArray(s.type) && s.type.includes("array")) || (s.items !== undefined && s.type === undefined && s.properties === undefined);
}

/** Properties of an object schema, including those contributed by allOf parts. */
export function objectProperties(start: RawSchemaRef, resolve: PaginationInput["resolve"], seen = new Set<string>()): Map<string, RawSchemaRef> {
  const out = new Map<string, RawSchemaRef>();
  const s = resolve(start);
  if (seen.has(s.pointer)) return out;
  seen.add(s.pointer);
  for (const [name, prop] of Object.entries<Json>(s.schema.properties ?? {})) {
    out.set(name, { schema: prop, pointer: joinPointer(s.pointer, "properties", name) });
  }
  (s.schema.allOf ?? []).forEach((part: Json, i: number) => {
    for (const [k, v] of objectProperties({ schema: part, pointer: joinPointer(s.pointer, "allOf", i) }, resolve, seen)) if (!out.has(k)) out.set(k, v);
  });
  return out;
}

export function detectPagination(style: PaginationStyle | undefined, input: PaginationInput): DetectedPagination | undefined {
  if (!style || !input.response) return undefined;
  const param = requestParamOf(style);
  const inBody = style.style === "cursor" && input.bodyProperties.includes(param);
  if (!input.queryParams.includes(param) && !inBody) return undefined;
  const body = input.resolve(input.response);
  if (isArray(body.schema)) {
    return { item: { schema: body.schema.items ?? {}, pointer: joinPointer(body.pointer, "items") } };
  }
  const arrays: [string, RawSchemaRef][] = [];
  for (const [name, prop] of objectProperties(body, input.resolve)) {
    const r = input.resolve(prop);
    if (isArray(r.schema)) arrays.push([name, { schema: r.schema.items ?? {}, pointer: joinPointer(r.pointer, "items") }]);
  }
  let chosen = arrays.length === 1 ? arrays[0] : undefined;
  if (!chosen && arrays.length > 1) {
    for (const want of preferredItemNames) {
      chosen = arrays.find(([n]) => n === want);
      if (chosen) break;
    }
  }
  return chosen ? { items: chosen[0], item: chosen[1] } : undefined;
}

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

/** The query parameter that marks an operation as paging in `style` (none for next-url, which its body marks). */
export function requestParamOf(style: PaginationStyle): string | undefined {
  return style.style === "link-header" ? "page" : style.style === "next-url" ? undefined : style.param;
}

/**
 * Whether the body schema has the dot path `path` (through allOf and every anyOf/oneOf branch;
 * the rest of the path is tried as one key first, for Graph's `@odata.nextLink`): the next-url
 * style's mark of an operation that pages (DigitalOcean's `links.pages.next` sits in an anyOf).
 */
export function hasPropertyPath(start: RawSchemaRef, path: string, resolve: PaginationInput["resolve"], depth = 0): boolean {
  if (depth > 8) return false;
  const s = resolve(start);
  const props = s.schema.properties ?? {};
  if (Object.hasOwn(props, path)) return true;
  const dot = path.indexOf(".");
  if (dot > 0 && Object.hasOwn(props, path.slice(0, dot))) {
    const child = { schema: props[path.slice(0, dot)], pointer: joinPointer(s.pointer, "properties", path.slice(0, dot)) };
    if (hasPropertyPath(child, path.slice(dot + 1), resolve, depth + 1)) return true;
  }
  for (const key of ["allOf", "anyOf", "oneOf"] as const) {
    const parts = s.schema[key];
    if (!Array.isArray(parts)) continue;
    for (let i = 0; i < parts.length; i++) {
      if (hasPropertyPath({ schema: parts[i], pointer: joinPointer(s.pointer, key, i) }, path, resolve, depth + 1)) return true;
    }
  }
  return false;
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

/** Properties of a page object that say where the next page is (Twilio's `next_page_uri`, Stripe's `has_more`). */
const pageMarker = /^(next|next_?page_?(uri|url|token|link)?|next_?cursor|has_?more)$/i;

/**
 * Whether a success body is a list of things, whatever the provider's paging style: an array, an
 * object holding one of the usual items arrays (`values`, `data`, `items`, …), or an object with
 * one array beside a page marker (Twilio's `{messages: […], next_page_uri}`). Resource names call
 * such a GET `list` (`GET /repositories/{workspace}` lists the workspace's repositories).
 */
export function answersList(response: RawSchemaRef | undefined, resolve: PaginationInput["resolve"]): boolean {
  if (!response) return false;
  const body = resolve(response);
  if (isArray(body.schema)) return true;
  const props = [...objectProperties(body, resolve)];
  const arrays = props.filter(([, prop]) => isArray(resolve(prop).schema)).map(([name]) => name);
  if (arrays.some((name) => preferredItemNames.includes(name))) return true;
  return arrays.length === 1 && props.some(([name]) => pageMarker.test(name));
}

export function detectPagination(style: PaginationStyle | undefined, input: PaginationInput): DetectedPagination | undefined {
  if (!style || !input.response) return undefined;
  const param = requestParamOf(style);
  if (param === undefined) {
    if (style.style !== "next-url" || !hasPropertyPath(input.response, style.next, input.resolve)) return undefined;
  } else {
    const inBody = style.style === "cursor" && input.bodyProperties.includes(param);
    if (!input.queryParams.includes(param) && !inBody) return undefined;
  }
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

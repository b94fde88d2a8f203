// Builds a provider request URL and parameter headers from an operation table entry and the
// caller's params, following OpenAPI 3 parameter serialisation (styles, explode, allowReserved).
import type { OperationSpec, ParamLocation, ParamSpec } from "./operation.js";
import { AlterValueError } from "./errors.js";

type Style = NonNullable<ParamSpec["style"]>;

interface ResolvedParam {
  prop: string;
  name: string;
  in: ParamLocation;
  style: Style;
  explode: boolean;
  allowReserved: boolean;
}

export interface BuiltTarget {
  url: string;
  /** Header and cookie parameters, already serialised. */
  headers: Record<string, string>;
  /** `params.body`, untouched (body.ts encodes it). */
  body: unknown;
}

const resolvedCache = new WeakMap<OperationSpec, ResolvedParam[]>();

function defaultStyle(location: ParamLocation): Style {
  return location === "query" || location === "cookie" ? "form" : "simple";
}

/** Normalises the table's shorthand once per operation (tables are static data). */
export function resolveParams(op: OperationSpec): ResolvedParam[] {
  const hit = resolvedCache.get(op);
  if (hit) return hit;
  const out: ResolvedParam[] = [];
  for (const [prop, raw] of Object.entries(op.params ?? {})) {
    const spec: ParamSpec = typeof raw === "string" ? { in: raw } : raw;
    const style = spec.style ?? defaultStyle(spec.in);
    out.push({
      prop,
      name: spec.name ?? prop,
      in: spec.in,
      style,
      // OpenAPI: explode defaults to true only for style=form.
      explode: spec.explode ?? style === "form",
      allowReserved: spec.allowReserved ?? false,
    });
  }
  resolvedCache.set(op, out);
  return out;
}

// RFC 3986 unreserved characters stay as they are; encodeURIComponent leaves !'()* alone,
// which some servers treat as reserved, so those are escaped too.
export function encodeStrict(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

// allowReserved: keep reserved characters (:/?#[]@!$&'()*+,;=) and existing %XX escapes.
function encodeReserved(value: string): string {
  return value.replace(/%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/g, (c) =>
    c === "%" ? "%25" : encodeStrict(c),
  );
}

export function scalarToString(value: unknown, where: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return value.toISOString();
  throw new AlterValueError(`${where} must be a string, number, boolean or Date, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function entriesOf(obj: Record<string, unknown>): [string, unknown][] {
  return Object.entries(obj).filter(([, v]) => v !== undefined && v !== null);
}

/** Serialises one query or cookie parameter into `name=value` pairs (already encoded). */
export function serializeQueryParam(p: ResolvedParam, value: unknown, where: string): string[] {
  const enc = p.allowReserved ? encodeReserved : encodeStrict;
  const key = encodeStrict(p.name);
  if (Array.isArray(value)) {
    const items = value.filter((v) => v !== undefined && v !== null).map((v, i) => scalarToString(v, `${where}[${i}]`));
    if (items.length === 0) return [];
    if (p.style === "deepObject") return items.map((v, i) => `${key}%5B${i}%5D=${enc(v)}`);
    if (p.explode && p.style === "form") return items.map((v) => `${key}=${enc(v)}`);
    const sep = p.style === "spaceDelimited" ? "%20" : p.style === "pipeDelimited" ? "|" : ",";
    return [`${key}=${items.map(enc).join(sep)}`];
  }
  if (isPlainObject(value)) {
    if (p.style === "deepObject") return deepObjectPairs(key, value, enc, where);
    const entries = entriesOf(value).map(([k, v]) => [k, scalarToString(v, `${where}.${k}`)] as const);
    if (p.explode) return entries.map(([k, v]) => `${encodeStrict(k)}=${enc(v)}`);
    return [`${key}=${entries.map(([k, v]) => `${enc(k)},${enc(v)}`).join(",")}`];
  }
  return [`${key}=${enc(scalarToString(value, where))}`];
}

// OpenAPI leaves nested deepObject undefined; bracket nesting with array indices is what
// qs-style servers (Stripe, Rails, PHP) read.
function deepObjectPairs(prefix: string, value: unknown, enc: (s: string) => string, where: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) =>
      v === undefined || v === null ? [] : deepObjectPairs(`${prefix}%5B${i}%5D`, v, enc, `${where}[${i}]`),
    );
  }
  if (isPlainObject(value)) {
    return entriesOf(value).flatMap(([k, v]) => deepObjectPairs(`${prefix}%5B${encodeStrict(k)}%5D`, v, enc, `${where}.${k}`));
  }
  return [`${prefix}=${enc(scalarToString(value, where))}`];
}

/** Serialises a path parameter (simple, label or matrix). */
export function serializePathParam(p: ResolvedParam, value: unknown, where: string): string {
  const enc = p.allowReserved ? encodeReserved : encodeStrict;
  const name = encodeStrict(p.name);
  if (Array.isArray(value)) {
    const items = value.map((v, i) => enc(scalarToString(v, `${where}[${i}]`)));
    if (p.style === "label") return "." + items.join(p.explode ? "." : ",");
    if (p.style === "matrix") return p.explode ? items.map((v) => `;${name}=${v}`).join("") : `;${name}=${items.join(",")}`;
    return items.join(",");
  }
  if (isPlainObject(value)) {
    const entries = entriesOf(value).map(([k, v]) => [enc(k), enc(scalarToString(v, `${where}.${k}`))] as const);
    const pairs = p.explode ? entries.map(([k, v]) => `${k}=${v}`) : entries.map(([k, v]) => `${k},${v}`);
    if (p.style === "label") return "." + pairs.join(p.explode ? "." : ",");
    if (p.style === "matrix") return p.explode ? pairs.map((kv) => `;${kv}`).join("") : `;${name}=${pairs.join(",")}`;
    return pairs.join(",");
  }
  const v = enc(scalarToString(value, where));
  if (p.style === "label") return "." + v;
  if (p.style === "matrix") return `;${name}=${v}`;
  return v;
}

/** Serialises a header parameter (style simple). */
export function serializeHeaderParam(p: ResolvedParam, value: unknown, where: string): string {
  if (Array.isArray(value)) return value.map((v, i) => scalarToString(v, `${where}[${i}]`)).join(",");
  if (isPlainObject(value)) {
    const entries = entriesOf(value).map(([k, v]) => [k, scalarToString(v, `${where}.${k}`)] as const);
    return (p.explode ? entries.map(([k, v]) => `${k}=${v}`) : entries.map(([k, v]) => `${k},${v}`)).join(",");
  }
  const s = scalarToString(value, where);
  if (/[\r\n]/.test(s)) throw new AlterValueError(`${where} must not contain line breaks`);
  return s;
}

/** Joins a base URL (which may carry a path prefix) and a path template's expansion. */
export function joinUrl(baseUrl: string, path: string): string {
  const base = baseUrl.endsWith("/") ? baseUrl.slice(0, -1) : baseUrl;
  return base + (path.startsWith("/") ? path : "/" + path);
}

/**
 * Builds the target. `extraQuery` carries pagination parameters by wire name; they replace any
 * parameter of the same wire name from `params`.
 */
export function buildTarget(
  baseUrl: string,
  op: OperationSpec,
  params: Record<string, unknown> | undefined,
  extraQuery?: Record<string, string>,
): BuiltTarget {
  const given = params ?? {};
  if (typeof given !== "object" || Array.isArray(given)) {
    throw new AlterValueError(`params of ${op.id} must be an object, got ${describe(given)}`);
  }
  const resolved = resolveParams(op);
  const known = new Set(resolved.map((p) => p.prop));
  for (const key of Object.keys(given)) {
    if (key !== "body" && !known.has(key)) {
      throw new AlterValueError(`${op.id}: unknown parameter "${key}" (known: ${[...known].join(", ") || "none"})`);
    }
  }

  const pathValues = new Map<string, string>();
  const query: string[] = [];
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const p of resolved) {
    const where = `${op.id}: parameter "${p.prop}"`;
    const value = given[p.prop];
    if (p.in === "path") {
      if (value === undefined || value === null || value === "") {
        throw new AlterValueError(`${where} (in path) is required`);
      }
      pathValues.set(p.name, serializePathParam(p, value, where));
      continue;
    }
    if (value === undefined || value === null) continue;
    if (p.in === "query") {
      if (extraQuery && p.name in extraQuery) continue;
      query.push(...serializeQueryParam(p, value, where));
    } else if (p.in === "header") {
      headers[p.name.toLowerCase()] = serializeHeaderParam(p, value, where);
    } else {
      cookies.push(...serializeQueryParam({ ...p, style: "form" }, value, where));
    }
  }
  if (cookies.length) headers.cookie = cookies.join("; ");
  if (extraQuery) {
    for (const [k, v] of Object.entries(extraQuery)) query.push(`${encodeStrict(k)}=${encodeStrict(v)}`);
  }

  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = pathValues.get(name);
    if (v === undefined) throw new AlterValueError(`${op.id}: path template ${op.path} names {${name}}, which no parameter fills`);
    return v;
  });
  let url = joinUrl(baseUrl, path);
  if (query.length) url += (url.includes("?") ? "&" : "?") + query.join("&");
  return { url, headers, body: given.body };
}

// Builds a provider request URL and parameter headers from an operation table entry and the
// caller's params, following OpenAPI 3 parameter serialisation (styles, explode, allowReserved).
import type { OperationSpec, ParamLocation, ParamSpec } from "../operation.js";
import { AlterValueError } from "../errors.js";
import { headerValueProblem, pathStructureProblem, segmentText, sharedSegments, type SegmentBounds } from "../../protocol/request-safety.js";
import { encodeStrict } from "../../protocol/percent-encode.js";

type Style = NonNullable<ParamSpec["style"]>;

interface ResolvedParam {
  prop: string;
  name: string;
  in: ParamLocation;
  style: Style;
  explode: boolean;
  allowReserved: boolean;
  /** An empty string is a value (ParamSpec.allowEmpty, honoured only for the template's last segment). */
  allowEmpty: boolean;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

export interface BuiltTarget {
  url: string;
  /** Header and cookie parameters, already serialised. */
  headers: Readonly<Record<string, string>>;
  /** `params.body`, untouched (body.ts encodes it). */
  body: unknown;
}

/** What a call needs from an operation's table entry, worked out once per operation. */
interface Plan {
  params: ResolvedParam[];
  byProp: Map<string, ResolvedParam>;
  /** The path template split at its `{name}` holes: literals at even indexes, names at odd. */
  pathParts: string[];
  /** For each path parameter (by prop), the indexes of `pathParts` it fills. */
  pathSlots: Map<string, number[]>;
  /** Template names that no parameter fills (a table defect, reported on call). */
  unfilled: string[];
  /**
   * Slots that share their path segment with literal text or another slot (`/{name}.{ext}`),
   * with that segment's bounds: it is checked whole, since `{name}` and `{ext}` empty would
   * make it ".". A slot alone between slashes is checked by its own text.
   */
  sharedSegments: Map<number, SegmentBounds>;
}


const plans = new WeakMap<OperationSpec, Plan>();

function defaultStyle(location: ParamLocation): Style {
  return location === "query" || location === "cookie" ? "form" : "simple";
}

/** Normalises the table's shorthand once per operation (tables are static data). */
export function resolveParams(op: OperationSpec): ResolvedParam[] {
  return planOf(op).params;
}

function planOf(op: OperationSpec): Plan {
  const hit = plans.get(op);
  if (hit) return hit;
  const params: ResolvedParam[] = [];
  for (const [prop, raw] of Object.entries(op.params ?? {})) {
    const spec: ParamSpec = typeof raw === "string" ? { in: raw } : raw;
    const style = spec.style ?? defaultStyle(spec.in);
    params.push({
      prop,
      name: spec.name ?? prop,
      in: spec.in,
      style,
      // OpenAPI: explode defaults to true only for style=form.
      explode: spec.explode ?? style === "form",
      allowReserved: spec.allowReserved ?? false,
      allowEmpty: spec.allowEmpty ?? false,
    });
  }
  const pathParts = op.path.split(/\{([^}]+)\}/);
  const pathSlots = new Map<string, number[]>();
  const unfilled: string[] = [];
  for (let i = 1; i < pathParts.length; i += 2) {
    const p = params.find((x) => x.in === "path" && x.name === pathParts[i]);
    if (!p) unfilled.push(pathParts[i]!);
    else pathSlots.set(p.prop, [...(pathSlots.get(p.prop) ?? []), i]);
  }
  // Empty only where it leaves the path's structure as it is: one slot, a whole segment, at the end.
  for (const p of params) {
    const slots = pathSlots.get(p.prop);
    const last = pathParts.length - 2;
    if (p.allowEmpty && !(slots?.length === 1 && slots[0] === last && pathParts[last + 1] === "" && pathParts[last - 1]!.endsWith("/"))) p.allowEmpty = false;
  }
  const plan: Plan = { params, byProp: new Map(params.map((p) => [p.prop, p])), pathParts, pathSlots, unfilled, sharedSegments: sharedSegments(pathParts) };
  plans.set(op, plan);
  return plan;
}

/** Refuses a path value that would change the template's structure (request-safety.ts). */
function checkPathSlot(parts: readonly string[], plan: Plan, slot: number, op: OperationSpec, prop: string): void {
  const b = plan.sharedSegments.get(slot);
  const text = b ? segmentText(parts, b) : parts[slot]!;
  const problem = pathStructureProblem(text);
  if (problem) {
    const shown = JSON.stringify(text.length > 80 ? text.slice(0, 80) + "…" : text);
    const where = b ? `the path segment it is part of (${shown})` : `its value as sent (${shown})`;
    throw new AlterValueError(`${op.id}: parameter "${prop}" (in path) would change the endpoint of ${op.method} ${op.path}: ${where} ${problem}`, "invalid_path_parameter");
  }
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
  let s: string;
  if (Array.isArray(value)) s = value.map((v, i) => scalarToString(v, `${where}[${i}]`)).join(",");
  else if (isPlainObject(value)) {
    const entries = entriesOf(value).map(([k, v]) => [k, scalarToString(v, `${where}.${k}`)] as const);
    s = (p.explode ? entries.map(([k, v]) => `${k}=${v}`) : entries.map(([k, v]) => `${k},${v}`)).join(",");
  } else s = scalarToString(value, where);
  const problem = headerValueProblem(s);
  if (problem) throw new AlterValueError(`${where} (in header ${p.name}) ${problem}`, "invalid_header_value");
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
  const plan = planOf(op);
  for (const key in given) {
    if (key !== "body" && !plan.byProp.has(key) && Object.hasOwn(given, key)) {
      throw new AlterValueError(`${op.id}: unknown parameter "${key}" (known: ${[...plan.byProp.keys()].join(", ") || "none"})`);
    }
  }

  if (plan.unfilled.length) {
    throw new AlterValueError(`${op.id}: path template ${op.path} names {${plan.unfilled[0]}}, which no parameter fills`);
  }
  const parts = plan.pathParts.length > 1 ? plan.pathParts.slice() : plan.pathParts;
  const query: string[] = [];
  let headers: Record<string, string> | undefined;
  let cookies: string[] | undefined;
  for (const p of plan.params) {
    const value = given[p.prop];
    if (p.in === "path") {
      if (value === undefined || value === null || (value === "" && !p.allowEmpty)) {
        throw new AlterValueError(`${op.id}: parameter "${p.prop}" (in path) is required`);
      }
      // The common case, a string in a simple-style segment, skips the general serialiser.
      const text = typeof value === "string" && p.style === "simple" && !p.allowReserved ? encodeStrict(value) : serializePathParam(p, value, `${op.id}: parameter "${p.prop}"`);
      for (const slot of plan.pathSlots.get(p.prop) ?? []) parts[slot] = text;
      continue;
    }
    if (value === undefined || value === null) continue;
    const where = `${op.id}: parameter "${p.prop}"`;
    if (p.in === "query") {
      if (extraQuery && p.name in extraQuery) continue;
      query.push(...serializeQueryParam(p, value, where));
    } else if (p.in === "header") {
      (headers ??= {})[p.name.toLowerCase()] = serializeHeaderParam(p, value, where);
    } else {
      (cookies ??= []).push(...serializeQueryParam({ ...p, style: "form" }, value, where));
    }
  }
  // Checked once every slot is filled: a shared segment's text depends on its neighbours.
  for (const p of plan.params) {
    if (p.in === "path") for (const slot of plan.pathSlots.get(p.prop) ?? []) checkPathSlot(parts, plan, slot, op, p.prop);
  }
  if (cookies) (headers ??= {}).cookie = cookies.join("; ");
  if (extraQuery) {
    for (const [k, v] of Object.entries(extraQuery)) query.push(`${encodeStrict(k)}=${encodeStrict(v)}`);
  }

  const path = parts.length > 1 ? parts.join("") : parts[0]!;
  let url = joinUrl(baseUrl, path);
  if (query.length) url += (url.includes("?") ? "&" : "?") + query.join("&");
  return { url, headers: headers ?? NO_HEADERS, body: given.body };
}

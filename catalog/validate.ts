// Validates parsed specs/providers.yaml data into CatalogProvider entries. Every error is a
// CatalogError naming the file and the JSON pointer at fault, with "did you mean" for typos.
import { isAbsolute } from "node:path";
import { CatalogError, joinPointer } from "./errors.js";
import { closest } from "./did-you-mean.js";
import { parseToolsConfig } from "./tools.js";
import { DEVIATION_FIELDS, METHOD_NAMES, NAMESPACE_BY, type CatalogDeviation, type CatalogInjection, type CatalogInjectionPart, type CatalogOAuth, type CatalogProvider } from "./types.js";

/** Validates parsed catalog data (the whole providers.yaml document). */
export function validateCatalogData(data: unknown, file: string): CatalogProvider[] {
  const v = new Validator(file);
  const root = v.object(data, "");
  v.keys(root, "", ["providers"]);
  const list = root.providers;
  if (!Array.isArray(list)) v.fail("/providers", "must be a list of provider entries");
  const providers = (list as unknown[]).map((item, i) => validateProvider(v, item, joinPointer("/providers", i)));
  const seen = new Map<string, number>();
  providers.forEach((p, i) => {
    const first = seen.get(p.id);
    if (first !== undefined) v.fail(joinPointer("/providers", i, "id"), `duplicate provider id "${p.id}" (also /providers/${first})`);
    seen.set(p.id, i);
  });
  return providers;
}

const PROVIDER_KEYS = [
  "id", "name", "specFile", "source", "sha256", "baseUrl", "hosts", "injection", "oauth", "pagination", "rateLimit",
  "requestIdHeaders", "namespaceBy", "credentialParams", "fixesFile", "overridesFile", "docsUrl", "docsLinkBase", "defaultHeaders", "okField",
  "methodNames", "tools", "include", "deviations",
];

function validateProvider(v: Validator, item: unknown, at: string): CatalogProvider {
  const o = v.object(item, at);
  v.keys(o, at, PROVIDER_KEYS);
  const id = v.string(o, at, "id");
  if (!/^[a-z][a-z0-9-]*$/.test(id)) v.fail(joinPointer(at, "id"), `"${id}" must be lower-case letters, digits and dashes`);
  const provider: CatalogProvider = {
    id,
    name: v.string(o, at, "name"),
    specFile: v.relativePath(o, at, "specFile"),
    source: validateSource(v, o.source, joinPointer(at, "source")),
    sha256: v.string(o, at, "sha256"),
    baseUrl: v.url(o, at, "baseUrl"),
    hosts: v.stringList(o, at, "hosts"),
    injection: validateInjection(v, o.injection, joinPointer(at, "injection")),
    namespaceBy: v.oneOf(o, at, "namespaceBy", NAMESPACE_BY),
  };
  if (!/^[0-9a-f]{64}$/.test(provider.sha256)) v.fail(joinPointer(at, "sha256"), "must be 64 lower-case hex digits");
  if (provider.hosts.length === 0) v.fail(joinPointer(at, "hosts"), "must name at least one host");
  // The base URL may carry a template ({cloudId}); its host must still be one the credential may go to.
  const baseHost = new URL(provider.baseUrl.replace(/\{[^}]*\}/g, "x")).host;
  if (!provider.hosts.includes(baseHost)) {
    v.fail(joinPointer(at, "hosts"), `must include the host of baseUrl ("${baseHost}")`);
  }
  if (o.oauth !== undefined) provider.oauth = validateOAuth(v, o.oauth, joinPointer(at, "oauth"));
  if (o.pagination !== undefined) provider.pagination = validatePagination(v, o.pagination, joinPointer(at, "pagination"));
  if (o.rateLimit !== undefined) {
    const r = v.object(o.rateLimit, joinPointer(at, "rateLimit"));
    const rat = joinPointer(at, "rateLimit");
    v.keys(r, rat, ["limit", "remaining", "reset", "resetUnit"]);
    provider.rateLimit = {};
    for (const k of ["limit", "remaining", "reset"] as const) if (r[k] !== undefined) provider.rateLimit[k] = v.string(r, rat, k);
    if (r.resetUnit !== undefined) provider.rateLimit.resetUnit = v.oneOf(r, rat, "resetUnit", ["epoch-seconds", "seconds", "epoch-ms"] as const);
    if (r.reset !== undefined && r.resetUnit === undefined) v.fail(joinPointer(rat, "resetUnit"), "is required when reset is given");
  }
  if (o.requestIdHeaders !== undefined) provider.requestIdHeaders = v.stringList(o, at, "requestIdHeaders");
  if (o.credentialParams !== undefined) {
    const cat = joinPointer(at, "credentialParams");
    if (!Array.isArray(o.credentialParams)) v.fail(cat, "must be a list of {in, name}");
    provider.credentialParams = (o.credentialParams as unknown[]).map((p, i) => {
      const pat = joinPointer(cat, i);
      const po = v.object(p, pat);
      v.keys(po, pat, ["in", "name"]);
      return { in: v.oneOf(po, pat, "in", ["header", "query"] as const), name: v.string(po, pat, "name") };
    });
  }
  if (o.include !== undefined) {
    provider.include = v.stringList(o, at, "include");
    if (provider.include.length === 0) v.fail(joinPointer(at, "include"), "must name at least one tag or operationId (leave it out to keep every operation)");
  }
  if (o.deviations !== undefined) provider.deviations = validateDeviations(v, o.deviations, joinPointer(at, "deviations"));
  if (o.fixesFile !== undefined) provider.fixesFile = v.relativePath(o, at, "fixesFile");
  if (o.overridesFile !== undefined) provider.overridesFile = v.relativePath(o, at, "overridesFile");
  if (o.docsUrl !== undefined) provider.docsUrl = v.url(o, at, "docsUrl");
  if (o.docsLinkBase !== undefined) provider.docsLinkBase = v.linkBase(o, at, "docsLinkBase");
  if (o.okField !== undefined) provider.okField = v.string(o, at, "okField");
  if (o.tools !== undefined) provider.tools = parseToolsConfig(o.tools, (pointer, message) => v.fail(joinPointer(at, "tools") + pointer, message));
  if (o.methodNames !== undefined) provider.methodNames = v.oneOf(o, at, "methodNames", METHOD_NAMES);
  if (o.defaultHeaders !== undefined) {
    const hat = joinPointer(at, "defaultHeaders");
    const h = v.object(o.defaultHeaders, hat);
    provider.defaultHeaders = {};
    for (const name of Object.keys(h)) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) v.fail(joinPointer(hat, name), `"${name}" is not a valid header name`);
      provider.defaultHeaders[name] = v.string(h, hat, name);
    }
  }
  return provider;
}

function validateDeviations(v: Validator, value: unknown, at: string): CatalogDeviation[] {
  if (!Array.isArray(value)) v.fail(at, "must be a list of {field, document, reason}");
  return (value as unknown[]).map((item, i) => {
    const dat = joinPointer(at, i);
    const o = v.object(item, dat);
    v.keys(o, dat, ["field", "document", "reason"]);
    return { field: v.oneOf(o, dat, "field", DEVIATION_FIELDS), document: v.string(o, dat, "document"), reason: v.string(o, dat, "reason") };
  });
}

function validateSource(v: Validator, value: unknown, at: string): CatalogProvider["source"] {
  const o = v.object(value, at);
  v.keys(o, at, ["package", "version", "path"]);
  return { package: v.string(o, at, "package"), version: v.string(o, at, "version"), path: v.string(o, at, "path") };
}

function validateInjection(v: Validator, value: unknown, at: string): CatalogInjection {
  const o = v.object(value, at);
  const type = v.oneOf(o, at, "type", ["bearer", "header", "query", "basic", "aws-sigv4", "cookie", "multi"] as const);
  switch (type) {
    case "bearer":
    case "basic":
      v.keys(o, at, ["type"]);
      return { type };
    case "header": {
      v.keys(o, at, ["type", "name", "prefix"]);
      const out: CatalogInjection = { type, name: v.string(o, at, "name") };
      if (o.prefix !== undefined) out.prefix = v.string(o, at, "prefix");
      return out;
    }
    case "query":
      v.keys(o, at, ["type", "name"]);
      return { type, name: v.string(o, at, "name") };
    case "aws-sigv4":
      v.keys(o, at, ["type", "region", "service"]);
      return { type, region: v.string(o, at, "region"), service: v.string(o, at, "service") };
    case "cookie":
      v.keys(o, at, ["type", "name"]);
      return { type, name: v.cookieName(o, at, "name") };
    case "multi":
      v.keys(o, at, ["type", "parts"]);
      return { type, parts: validateInjectionParts(v, o.parts, joinPointer(at, "parts")) };
  }
}

/**
 * The parts of a `multi` injection (Trello: `key` and `token` query parameters): at least two,
 * each in its own place and from its own field of the stored JSON secret, since the vault fills
 * every part from one `fields` secret and a place named twice would send one credential over another.
 */
function validateInjectionParts(v: Validator, value: unknown, at: string): CatalogInjectionPart[] {
  if (!Array.isArray(value)) v.fail(at, `must be a list of {in, name, field, prefix?} (got ${describe(value)})`);
  if (value.length < 2) v.fail(at, "must name at least two parts (one credential is a header, query or cookie injection)");
  const places = new Map<string, number>();
  const fields = new Map<string, number>();
  return (value as unknown[]).map((item, i) => {
    const pat = joinPointer(at, i);
    const o = v.object(item, pat);
    v.keys(o, pat, ["in", "name", "field", "prefix"]);
    const where = v.oneOf(o, pat, "in", ["header", "query", "cookie"] as const);
    const name = where === "cookie" ? v.cookieName(o, pat, "name") : where === "header" ? v.headerName(o, pat, "name") : v.string(o, pat, "name");
    const part: CatalogInjectionPart = { in: where, name, field: v.string(o, pat, "field") };
    if (o.prefix !== undefined) {
      if (where !== "header") v.fail(joinPointer(pat, "prefix"), `is only for header parts (this part is in ${where})`);
      part.prefix = v.string(o, pat, "prefix", true);
    }
    const place = `${where}:${where === "header" ? name.toLowerCase() : name}`;
    const samePlace = places.get(place);
    if (samePlace !== undefined) v.fail(joinPointer(pat, "name"), `puts a credential where ${joinPointer(at, samePlace)} does (${where} "${name}")`);
    places.set(place, i);
    const sameField = fields.get(part.field);
    if (sameField !== undefined) v.fail(joinPointer(pat, "field"), `"${part.field}" is already the field of ${joinPointer(at, sameField)}; each part reads its own field of the secret`);
    fields.set(part.field, i);
    return part;
  });
}

function validateOAuth(v: Validator, value: unknown, at: string): CatalogOAuth {
  const o = v.object(value, at);
  v.keys(o, at, ["authorizeUrl", "tokenUrl", "revokeUrl", "deviceAuthorizationUrl", "pkce", "scopeSeparator", "defaultScopes", "authorizeParams", "tokenTypes"]);
  const out: CatalogOAuth = {
    authorizeUrl: v.url(o, at, "authorizeUrl"),
    tokenUrl: v.url(o, at, "tokenUrl"),
    pkce: v.boolean(o, at, "pkce"),
    scopeSeparator: v.string(o, at, "scopeSeparator", true),
    defaultScopes: v.stringList(o, at, "defaultScopes"),
  };
  if (out.scopeSeparator === "") v.fail(joinPointer(at, "scopeSeparator"), "must not be empty");
  if (o.revokeUrl !== undefined) out.revokeUrl = v.url(o, at, "revokeUrl");
  if (o.deviceAuthorizationUrl !== undefined) out.deviceAuthorizationUrl = v.url(o, at, "deviceAuthorizationUrl");
  if (o.authorizeParams !== undefined) {
    const pat = joinPointer(at, "authorizeParams");
    const p = v.object(o.authorizeParams, pat);
    out.authorizeParams = {};
    for (const k of Object.keys(p)) out.authorizeParams[k] = v.string(p, pat, k);
  }
  if (o.tokenTypes !== undefined) out.tokenTypes = v.stringList(o, at, "tokenTypes");
  return out;
}

function validatePagination(v: Validator, value: unknown, at: string): NonNullable<CatalogProvider["pagination"]> {
  const o = v.object(value, at);
  const style = v.oneOf(o, at, "style", ["link-header", "cursor", "item-cursor", "offset", "next-url", "page"] as const);
  switch (style) {
    case "link-header":
      v.keys(o, at, ["style"]);
      return { style };
    case "cursor": {
      v.keys(o, at, ["style", "param", "next", "hasMore", "in"]);
      const out: NonNullable<CatalogProvider["pagination"]> = { style, param: v.string(o, at, "param"), next: v.string(o, at, "next") };
      if (o.hasMore !== undefined) out.hasMore = v.string(o, at, "hasMore");
      if (o.in !== undefined) out.in = v.oneOf(o, at, "in", ["query", "body"] as const);
      return out;
    }
    case "item-cursor":
      v.keys(o, at, ["style", "param", "hasMore", "idField"]);
      return { style, param: v.string(o, at, "param"), hasMore: v.string(o, at, "hasMore"), idField: v.string(o, at, "idField") };
    case "offset": {
      v.keys(o, at, ["style", "param", "total", "limitParam"]);
      const out: NonNullable<CatalogProvider["pagination"]> = { style, param: v.string(o, at, "param"), total: v.string(o, at, "total") };
      if (o.limitParam !== undefined) out.limitParam = v.string(o, at, "limitParam");
      return out;
    }
    case "next-url":
      v.keys(o, at, ["style", "next"]);
      return { style, next: v.string(o, at, "next") };
    case "page": {
      v.keys(o, at, ["style", "param", "start", "totalPages"]);
      const out: NonNullable<CatalogProvider["pagination"]> = { style, param: v.string(o, at, "param") };
      if (o.start !== undefined) {
        if (!Number.isInteger(o.start) || (o.start as number) < 0) v.fail(joinPointer(at, "start"), `must be the first page's number, 0 or 1 (got ${describe(o.start)})`);
        out.start = o.start as number;
      }
      if (o.totalPages !== undefined) out.totalPages = v.string(o, at, "totalPages");
      return out;
    }
  }
}

/** Small typed readers that throw a CatalogError naming the file and pointer. */
class Validator {
  constructor(readonly file: string) {}

  fail(pointer: string, message: string): never {
    throw new CatalogError(`invalid provider catalog: ${pointer || "/"} ${message}`, { file: this.file, pointer });
  }

  object(value: unknown, at: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) this.fail(at, `must be a mapping (got ${describe(value)})`);
    return value as Record<string, unknown>;
  }

  keys(o: Record<string, unknown>, at: string, allowed: readonly string[]): void {
    for (const key of Object.keys(o)) {
      if (!allowed.includes(key)) {
        const hint = closest(key, allowed, 1)[0];
        this.fail(joinPointer(at, key), `is not a known field${hint ? ` (did you mean "${hint}"?)` : ""}; allowed: ${allowed.join(", ")}`);
      }
    }
  }

  string(o: Record<string, unknown>, at: string, key: string, keepBlank = false): string {
    const value = o[key];
    if (value === undefined) this.fail(joinPointer(at, key), "is required");
    // YAML reads 1.0 or 23.0.2-like scalars as numbers sometimes; versions must stay strings.
    if (typeof value !== "string") this.fail(joinPointer(at, key), `must be a string (got ${describe(value)})`);
    if (!keepBlank && value.trim() === "") this.fail(joinPointer(at, key), "must not be empty");
    return value;
  }

  boolean(o: Record<string, unknown>, at: string, key: string): boolean {
    const value = o[key];
    if (typeof value !== "boolean") this.fail(joinPointer(at, key), value === undefined ? "is required" : `must be true or false (got ${describe(value)})`);
    return value;
  }

  stringList(o: Record<string, unknown>, at: string, key: string): string[] {
    const value = o[key];
    if (value === undefined) this.fail(joinPointer(at, key), "is required");
    if (!Array.isArray(value)) this.fail(joinPointer(at, key), `must be a list of strings (got ${describe(value)})`);
    return value.map((item, i) => {
      if (typeof item !== "string" || item === "") this.fail(joinPointer(at, key, i), `must be a non-empty string (got ${describe(item)})`);
      return item;
    });
  }

  oneOf<const T extends readonly string[]>(o: Record<string, unknown>, at: string, key: string, allowed: T): T[number] {
    const value = o[key];
    if (typeof value !== "string" || !allowed.includes(value)) {
      this.fail(joinPointer(at, key), value === undefined ? `is required (one of ${allowed.join(", ")})` : `must be one of ${allowed.join(", ")} (got ${describe(value)})`);
    }
    return value as T[number];
  }

  url(o: Record<string, unknown>, at: string, key: string): string {
    const value = this.string(o, at, key);
    let url: URL;
    try {
      url = new URL(value.replace(/\{[^}]*\}/g, "x"));
    } catch {
      return this.fail(joinPointer(at, key), `is not an absolute URL ("${value}")`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") this.fail(joinPointer(at, key), `must be an http(s) URL ("${value}")`);
    return value;
  }

  /** An HTTP header name (RFC 9110 token). */
  headerName(o: Record<string, unknown>, at: string, key: string): string {
    const value = this.string(o, at, key);
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)) this.fail(joinPointer(at, key), `"${value}" is not a valid header name`);
    return value;
  }

  /** A cookie name (RFC 6265: a token, so no "=", ";", spaces or quotes). */
  cookieName(o: Record<string, unknown>, at: string, key: string): string {
    const value = this.string(o, at, key);
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)) this.fail(joinPointer(at, key), `"${value}" is not a valid cookie name`);
    return value;
  }

  /** A URL to append links to (`https://stripe.com`, `https://marketplace.zoom.us/docs`): no query, fragment or trailing slash. */
  linkBase(o: Record<string, unknown>, at: string, key: string): string {
    const value = this.url(o, at, key);
    const url = new URL(value);
    if (url.search || url.hash || value.endsWith("/")) this.fail(joinPointer(at, key), `must be a URL without a query, fragment or trailing slash, such as https://stripe.com ("${value}")`);
    return value;
  }

  relativePath(o: Record<string, unknown>, at: string, key: string): string {
    const value = this.string(o, at, key);
    if (isAbsolute(value) || value.split(/[\\/]/).includes("..")) {
      this.fail(joinPointer(at, key), `must be a path inside specs/ without ".." ("${value}")`);
    }
    return value;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}


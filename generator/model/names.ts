// Naming rules: method names from operationIds, namespaces from tags / operationId prefixes /
// path segments, fallbacks, identifiers that are safe as object keys, and collision suffixes.
import type { NamespaceBy } from "../../catalog/index.js";

// The id rules the vault reads too (an operation without an operationId is named by its method
// and path) live in the catalog, so the generator and the vault cannot disagree on an id.
import { camelCase, fallbackOperationName, upperFirst, words } from "../../catalog/operation-id.js";
export { camelCase, fallbackOperationName, words };

/** `repos` + `listForOrg` -> `ReposListForOrg`. */
export function pascalCase(text: string): string {
  const out = words(text).map(upperFirst).join("");
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

/** `issueComments` -> `issue-comments` (module file names). */
export function kebabCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Module stems a namespace module may not take. */
export const RESERVED_FILES = ["index", "provider", "schemas", "params", "tools"];

/** A namespace's module stem, unique among `files` (which it joins). */
export function namespaceFile(name: string, files: Set<string>): string {
  let file = kebabCase(name) || "default";
  if (files.has(file)) file = `${file}-api`;
  for (let i = 2; files.has(file); i++) file = `${kebabCase(name)}-${i}`;
  files.add(file);
  return file;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
export function isIdentifier(name: string): boolean {
  return identifier.test(name);
}

/** Keys that an object literal or the runtime's method objects treat specially. */
const unsafeKeys = new Set(["__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "valueOf", "then"]);

/** Makes a derived member name safe as a property of plain objects (and not thenable). */
export function safeMember(name: string): string {
  const n = name || "call";
  return unsafeKeys.has(n) ? `${n}_` : n;
}


/**
 * Version-like path segments skipped by path-segment namespacing and resource names: `v1`,
 * `v2.1`, `2.0`, `api`, `rest`, and dates (`2010-04-01`, Twilio; `2023-10`).
 */
export function isVersionSegment(seg: string): boolean {
  return /^(v\d+(\.\d+)*|\d+(\.\d+)*|\d{4}-\d{2}(-\d{2})?|api|rest)$/i.test(seg);
}

/** A response format written into the path (`/Messages.json`, `/{Sid}.json`): not part of the name. */
const FORMAT_EXTENSION = /\.(json|xml|yaml|yml|csv|txt|html)$/i;

/** A path segment without its format extension: `Messages.json` -> `Messages`, `{Sid}.json` -> `{Sid}`. */
export function stripFormatExtension(seg: string): string {
  const stripped = seg.replace(FORMAT_EXTENSION, "");
  return stripped || seg;
}

export function firstPathSegment(path: string): string | undefined {
  for (const raw of path.split("/")) {
    const seg = stripFormatExtension(raw);
    if (!seg || seg.startsWith("{") || isVersionSegment(seg)) continue;
    return seg;
  }
  return undefined;
}

const HTTP_METHOD_WORD = "(?:get|put|post|delete|patch|head|options|trace)";

/** Lower-case letters and digits only (so also safe inside a RegExp): `GetCustomers_By-Id` -> `getcustomersbyid`. */
function squash(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * Whether an operationId only spells out its request line, parameter names and all, the way
 * generators write one when nobody named the operation; a name derived from the resource says the
 * same in fewer words. Compared case-insensitively with separators removed, the operationId is a
 * path echo when the path has at least one parameter and the operationId is the HTTP method
 * (first or last) together with the path's segments in order, where
 * - a static segment is written in full (its format extension, `.json`, may be left out),
 * - a parameter segment `{petId}` is written as its name, optionally after `by`,
 * - a version segment (`v1`, `2.0`, `2010-04-01`) may be left out.
 * Echoes: `GetCustomersCustomer` (GET /v1/customers/{customer}), `getPetsByPetId`
 * (GET /pets/{petId}), `repositoriesWorkspaceRepoSlugGet`. Not echoes: `repos/get`
 * (GET /repos/{owner}/{repo}: it leaves the parameters out, a name a person chose), `getUsers`
 * (GET /users: short already), `listForOrg`, `ListMessage`, Slack's `chat_postMessage`
 * (POST /chat.postMessage: no method word).
 */
export function isPathEcho(operationId: string, method: string, path: string): boolean {
  const id = squash(operationId);
  if (!id) return false;
  // The echo starts or ends with the method word and needs a path parameter: most operationIds
  // fail one of these, and are answered without building (and backtracking in) a RegExp.
  const verb = squash(method);
  if (!id.startsWith(verb) && !id.endsWith(verb)) return false;
  if (!/\{.+\}/.test(path)) return false;
  const parts: string[] = [];
  for (const raw of path.split("/")) {
    if (!raw) continue;
    const seg = stripFormatExtension(raw);
    const ext = raw.length > seg.length ? `(?:${squash(raw.slice(seg.length))})?` : "";
    const param = /^\{(.+)\}$/.exec(seg);
    if (param) parts.push(`(?:by)?${squash(param[1]!)}${ext}`);
    else if (isVersionSegment(seg)) parts.push(`(?:${squash(seg)})?${ext}`);
    else parts.push(squash(seg) + ext);
  }
  const body = parts.join("");
  if (!new RegExp(`^${HTTP_METHOD_WORD}$`).test(verb)) return false;
  return new RegExp(`^(?:${verb}${body}|${body}${verb})$`).test(id);
}

/** Splits an operationId at its first separator (`/`, `.`, `_`): `chat_postMessage` -> [chat, postMessage]. */
export function splitOperationId(id: string): [prefix: string, rest: string] | undefined {
  const m = /^([^/._]+)[/._](.+)$/.exec(id);
  return m ? [m[1]!, m[2]!] : undefined;
}

export interface NameInput {
  operationId: string | undefined;
  method: string;
  path: string;
  tags: string[];
  namespaceBy: NamespaceBy;
}

export interface DerivedName {
  namespace: string;
  method: string;
}

/** The namespace and method an operation gets before overrides and collision handling. */
export function deriveName(input: NameInput): DerivedName {
  const { operationId, tags, path } = input;
  const fallback = fallbackOperationName(input.method, path);
  const split = operationId ? splitOperationId(operationId) : undefined;
  const tag = tags[0];
  const segment = firstPathSegment(path);
  let namespace: string | undefined;
  let method: string;
  if (input.namespaceBy === "operationId-prefix" && split) {
    namespace = split[0];
    method = split[1];
  } else {
    namespace = input.namespaceBy === "path-segment" ? (segment ?? tag) : input.namespaceBy === "tag" ? (tag ?? split?.[0] ?? segment) : (tag ?? segment);
    method = operationId ?? fallback;
    // `calendar.events.list` under namespace `events` -> `list`: drop the qualified prefix.
    if (operationId && namespace && /[./]/.test(operationId)) {
      const segs = operationId.split(/[./]/);
      const at = segs.findIndex((s) => camelCase(s) === camelCase(namespace!));
      if (at >= 0 && at < segs.length - 1) method = segs.slice(at + 1).join("-");
    }
  }
  const ns = camelCase(namespace ?? "default") || "default";
  return { namespace: safeMember(ns), method: safeMember(camelCase(method) || fallback) };
}

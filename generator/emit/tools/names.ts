// Tool names: what model APIs accept (`^[a-zA-Z0-9_-]{1,64}$`), unique in a table, and stable:
// a name depends only on its own operation, never on which other operations are in the table,
// except where two operations would otherwise share one.
import { createHash } from "node:crypto";

export const MAX_TOOL_NAME = 64;
const HASH_LENGTH = 8;

/** `repos.listForOrg` -> `repos_list_for_org`. */
export function snakeToolName(namespace: string, method: string): string {
  const snake = (s: string) =>
    s
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
      .toLowerCase();
  return `${snake(namespace)}_${snake(method)}`
    .replace(/[^a-zA-Z0-9_-]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "");
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, HASH_LENGTH);
}

/** `name` cut to fit with `_<hash of key>` appended (the key defaults to the full name). */
export function withHash(name: string, key: string = name): string {
  const room = MAX_TOOL_NAME - HASH_LENGTH - 1;
  return `${name.slice(0, room).replace(/[_-]+$/, "")}_${hash(key)}`;
}

/** A derived name that fits: long ones cut with a hash of the whole name, so they stay put. */
export function fitToolName(name: string): string {
  const base = name || "tool";
  return base.length <= MAX_TOOL_NAME ? base : withHash(base);
}

export interface NameRequest {
  /** The derived name (snakeToolName), or the override's. */
  name: string;
  /** True when an `x-alter-tool` / catalog override chose it: never changed, a clash is an error. */
  fixed: boolean;
  /** What keeps two clashing derived names apart (the operationId). */
  key: string;
}

/**
 * Final names, aligned with `requests`. Derived names that clash with another name get a hash of
 * their operation id; an override that clashes with another override is reported through `clash`.
 */
export function assignToolNames(requests: readonly NameRequest[], clash: (index: number, other: number) => never): string[] {
  const names = requests.map((r) => (r.fixed ? r.name : fitToolName(r.name)));
  const count = new Map<string, number[]>();
  names.forEach((n, i) => count.set(n, [...(count.get(n) ?? []), i]));
  const fixedNames = new Set(requests.flatMap((r, i) => (r.fixed ? [names[i]] : [])));
  for (const [name, indexes] of count) {
    if (indexes.length < 2 && !(fixedNames.has(name) && indexes.some((i) => !requests[i]!.fixed))) continue;
    const fixed = indexes.filter((i) => requests[i]!.fixed);
    if (fixed.length > 1) clash(fixed[1]!, fixed[0]!);
    for (const i of indexes) if (!requests[i]!.fixed) names[i] = withHash(name, requests[i]!.key);
  }
  // A hashed name can only clash again when two operations share an id; say so rather than loop.
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    const first = seen.get(n);
    if (first !== undefined) clash(i, first);
    seen.set(n, i);
  });
  return names;
}

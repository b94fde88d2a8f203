// The naming pass over a document's operations: overrides, operationIds, resource names for
// missing or path-echo operationIds, then collisions (resource names first tell themselves apart
// by their parameters; whatever still collides is numbered) and type-name prefixes.
import type { HttpMethod } from "../../runtime/operation.js";
import type { MethodNames, NamespaceBy } from "../../catalog/index.js";
import type { OperationModel } from "./api.js";
import { camelCase, deriveName, isPathEcho, pascalCase } from "./names.js";
import { deriveResourceName, distinguishCollisions, documentScope, resourceMethodName, type PathFacts } from "./resource-names.js";

export interface NamingOptions {
  namespaceBy: NamespaceBy;
  methodNames?: MethodNames;
  /** operationId -> "namespace.method". */
  overrides?: Record<string, string>;
  /** GET operations whose success body is a list. */
  lists: ReadonlySet<OperationModel>;
}

/** The order collisions are resolved in: path, then the HTTP methods in this order. */
export const METHOD_ORDER: readonly HttpMethod[] = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"];

/** Sets namespace, name and typeName of every operation; returns the collision warnings. */
export function nameOperations(ops: OperationModel[], options: NamingOptions): string[] {
  const overrides = options.overrides ?? {};
  const methodsAt = new Map<string, Set<string>>();
  for (const op of ops) methodsAt.set(op.path, (methodsAt.get(op.path) ?? new Set()).add(op.method.toUpperCase()));
  const hasItems = (path: string) => [...methodsAt.keys()].some((p) => p.startsWith(`${path}/{`) && !p.slice(path.length + 2).includes("/"));
  const listed = new Set([...options.lists].map((op) => op.path));
  let scope: PathFacts["scope"] | null = null;
  const facts = (op: OperationModel): PathFacts => {
    if (scope === null) scope = documentScope(methodsAt.keys());
    return { methods: methodsAt.get(op.path)!, hasItems: hasItems(op.path), lists: listed.has(op.path), ...(scope ? { scope } : {}) };
  };
  const fromResource: OperationModel[] = [];
  for (const op of ops) {
    const override = overrides[op.id];
    if (override) {
      const dot = override.lastIndexOf(".");
      op.namespace = camelCase(override.slice(0, dot)) || "default";
      op.name = camelCase(override.slice(dot + 1));
    } else if (options.methodNames === "resource") {
      const d = deriveResourceName(op.method, op.path, facts(op));
      op.namespace = d.namespace;
      op.name = d.method;
      fromResource.push(op);
    } else {
      // A missing operationId or one that only spells out the request line
      // (`GetCustomersCustomer`) names nothing: the namespace comes from the tag (or path), the
      // method from the resource.
      const echo = op.derivedId || (options.methodNames === "auto" && isPathEcho(op.id, op.method, op.path));
      const d = deriveName({ operationId: echo ? undefined : op.id, method: op.method, path: op.path, tags: op.tags, namespaceBy: options.namespaceBy });
      op.namespace = d.namespace;
      op.name = echo ? resourceMethodName(op.method, op.path, d.namespace, facts(op)) : d.method;
      if (echo) fromResource.push(op);
    }
  }
  distinguish(fromResource, scope ?? undefined);
  return numberCollisions(ops);
}

/** Resource names that collide within a namespace name their own parameter (distinguishCollisions). */
function distinguish(ops: OperationModel[], scope: PathFacts["scope"]): void {
  const groups = new Map<string, OperationModel[]>();
  for (const op of ops) groups.set(`${op.namespace}.${op.name}`, [...(groups.get(`${op.namespace}.${op.name}`) ?? []), op]);
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const names = distinguishCollisions(group, scope);
    group.forEach((op, i) => (op.name = names[i]!));
  }
}

/** The first in (path, method) order keeps a name; the others get 2, 3, …; then type-name prefixes. */
function numberCollisions(ops: OperationModel[]): string[] {
  const warnings: string[] = [];
  const sorted = [...ops].sort((a, b) => (a.path === b.path ? METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) : a.path < b.path ? -1 : 1));
  const taken = new Set<string>();
  for (const op of sorted) {
    const base = op.name;
    let name = base;
    for (let i = 2; taken.has(`${op.namespace}.${name}`); i++) name = `${base}${i}`;
    if (name !== base) warnings.push(`${op.method} ${op.path} (${op.id}) is named ${op.namespace}.${name}: ${op.namespace}.${base} was already taken.`);
    op.name = name;
    taken.add(`${op.namespace}.${name}`);
  }
  const typeNames = new Set<string>();
  for (const op of sorted) {
    const base = pascalCase(op.namespace) + pascalCase(op.name);
    let t = base;
    for (let i = 2; typeNames.has(t); i++) t = `${base}${i}`;
    typeNames.add(t);
    op.typeName = t;
  }
  return warnings;
}

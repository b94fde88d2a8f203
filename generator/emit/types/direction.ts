// Which component schemas print differently for requests and responses, so they need a second
// (`…Input`) declaration: those with readOnly/writeOnly properties, open-able enums or binary
// strings inline, and, transitively, every schema that refers to one of them.

import { collectRefs, forEachChild, type SchemaNode } from "../../model/schema.js";

function differsInline(node: SchemaNode): boolean {
  switch (node.kind) {
    case "enum":
      if (node.values.length > 1 && node.values.some((v) => typeof v !== "boolean")) return true;
      break;
    case "primitive":
      if (node.type === "string" && node.format === "binary") return true;
      break;
    case "object":
      if (node.properties.some((p) => p.schema.readOnly || p.schema.writeOnly)) return true;
      break;
    default:
      break;
  }
  let found = false;
  forEachChild(node, (child) => {
    if (!found && child.kind !== "ref" && differsInline(child)) found = true;
  });
  return found;
}

/** Names of the component schemas whose request and response types differ. */
export function directionalSchemas(schemas: ReadonlyMap<string, SchemaNode>): Set<string> {
  const referrers = new Map<string, string[]>();
  const result = new Set<string>();
  const queue: string[] = [];
  for (const [name, node] of schemas) {
    for (const target of collectRefs(node)) {
      let list = referrers.get(target);
      if (!list) referrers.set(target, (list = []));
      list.push(name);
    }
    if (differsInline(node)) {
      result.add(name);
      queue.push(name);
    }
  }
  while (queue.length > 0) {
    const name = queue.pop()!;
    for (const referrer of referrers.get(name) ?? []) {
      if (!result.has(referrer)) {
        result.add(referrer);
        queue.push(referrer);
      }
    }
  }
  return result;
}

/** `roots` and every component schema they refer to, transitively. */
export function reachableSchemas(roots: Iterable<string>, schemas: ReadonlyMap<string, SchemaNode>): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const node = schemas.get(name);
    if (node) for (const target of collectRefs(node)) if (!seen.has(target)) stack.push(target);
  }
  return seen;
}

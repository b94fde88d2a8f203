// Type aliases may not reach themselves through unions or intersections (TS2456). The usual
// source is the discriminator pattern: `Pet = oneOf [Cat, Dog]` and `Cat = allOf [Pet, {…}]`.
// Inside such a cycle a reference to the base is replaced by the base's own, non-union parts
// (its shared properties), which is what the subtype's `allOf` means.

import type { SchemaNode } from "../../model/schema.js";

/** Refs a type alias for `node` would need resolved eagerly (union / intersection members). */
function topLevelRefs(node: SchemaNode, into: Set<string>): Set<string> {
  if (node.kind === "ref") into.add(node.name);
  else if (node.kind === "union") for (const v of node.variants) topLevelRefs(v, into);
  else if (node.kind === "intersection") for (const p of node.parts) topLevelRefs(p, into);
  return into;
}

function printsAsInterface(node: SchemaNode): boolean {
  return node.kind === "object" && !node.nullable && node.properties.length > 0;
}

export interface AliasCycles {
  /** For a ref from `from` to `target` in a top-level position: the replacement, null to drop, undefined to keep. */
  replacement(from: string, target: string): SchemaNode | null | undefined;
}

export function aliasCycles(schemas: ReadonlyMap<string, SchemaNode>): AliasCycles {
  const edges = new Map<string, string[]>();
  for (const [name, node] of schemas) {
    if (printsAsInterface(node)) continue;
    edges.set(name, [...topLevelRefs(node, new Set())].filter((t) => schemas.has(t) && !printsAsInterface(schemas.get(t)!)));
  }
  const component = stronglyConnected(edges);
  const cyclic = (from: string, target: string): boolean => {
    const a = component.get(from);
    return a !== undefined && a === component.get(target) && (a.size > 1 || (edges.get(from) ?? []).includes(from));
  };
  const strip = (node: SchemaNode, from: string): SchemaNode | null => {
    switch (node.kind) {
      case "union":
        return null;
      case "ref":
        return cyclic(from, node.name) ? null : node;
      case "intersection": {
        const parts = node.parts.map((p) => strip(p, from)).filter((p): p is SchemaNode => p !== null);
        if (parts.length === 0) return null;
        return parts.length === 1 ? parts[0]! : { kind: "intersection", parts };
      }
      default:
        return node;
    }
  };
  return {
    replacement(from, target) {
      if (!cyclic(from, target)) return undefined;
      return strip(schemas.get(target)!, from);
    },
  };
}

/** Tarjan's algorithm: node → its strongly connected component (a shared Set). */
function stronglyConnected(edges: ReadonlyMap<string, string[]>): Map<string, Set<string>> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result = new Map<string, Set<string>>();
  let counter = 0;
  // Iterative to survive deep reference chains.
  for (const start of [...edges.keys()].sort()) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [node, i] = frame;
      const next = edges.get(node) ?? [];
      if (i < next.length) {
        frame[1]++;
        const target = next[i]!;
        if (!edges.has(target)) continue;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push([target, 0]);
        } else if (onStack.has(target)) {
          low.set(node, Math.min(low.get(node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low.set(parent, Math.min(low.get(parent)!, low.get(node)!));
      }
      if (low.get(node) === index.get(node)) {
        const members = new Set<string>();
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          members.add(member);
          result.set(member, members);
        } while (member !== node);
      }
    }
  }
  return result;
}

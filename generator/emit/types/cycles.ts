// Type aliases may not reach themselves through unions or intersections (TS2456). The usual
// source is the discriminator pattern: `Pet = oneOf [Cat, Dog]` and `Cat = allOf [Pet, {…}]`.
// Inside such a cycle a reference to the base is replaced by the base's own, non-union parts
// (its shared properties), which is what the subtype's `allOf` means.

import type { SchemaNode } from "../../model/schema.js";

type Position = "union" | "intersection";

/** Refs a type alias for `node` needs resolved eagerly (union / intersection members), by position. */
function topLevelRefs(node: SchemaNode, position: Position, into: Map<string, Position>): Map<string, Position> {
  if (node.kind === "ref") {
    // An intersection edge wins: it is the one we prefer to cut.
    if (into.get(node.name) !== "intersection") into.set(node.name, position);
  } else if (node.kind === "union") for (const v of node.variants) topLevelRefs(v, "union", into);
  else if (node.kind === "intersection") for (const p of node.parts) topLevelRefs(p, "intersection", into);
  return into;
}

function printsAsInterface(node: SchemaNode): boolean {
  return node.kind === "object" && !node.nullable && node.properties.length > 0;
}

export interface AliasCycles {
  /** For a ref from `from` to `target` in a top-level position: the replacement, null to drop, undefined to keep. */
  replacement(from: string, target: string): SchemaNode | null | undefined;
}

function key(from: string, target: string): string {
  return from + "\u0000" + target;
}

export function aliasCycles(schemas: ReadonlyMap<string, SchemaNode>): AliasCycles {
  const typed = new Map<string, Map<string, Position>>();
  for (const [name, node] of schemas) {
    if (printsAsInterface(node)) continue;
    const refs = topLevelRefs(node, "intersection", new Map());
    for (const target of [...refs.keys()]) {
      const t = schemas.get(target);
      if (!t || printsAsInterface(t)) refs.delete(target);
    }
    typed.set(name, refs);
  }
  const graph = (skip: Set<string>) =>
    new Map([...typed].map(([name, refs]) => [name, [...refs.keys()].filter((t) => !skip.has(key(name, t)))]));
  const cyclicEdges = (edges: Map<string, string[]>, accept: (from: string, target: string) => boolean): string[] => {
    const component = stronglyConnected(edges);
    const out: string[] = [];
    for (const [from, targets] of edges) {
      for (const target of targets) {
        const c = component.get(from);
        if (c && c === component.get(target) && (c.size > 1 || from === target) && accept(from, target)) out.push(key(from, target));
      }
    }
    return out;
  };
  // First cut the allOf-style edges inside cycles (a subtype naming its base), which keeps
  // the base's union of subtypes intact; then whatever cycles remain.
  const cut = new Set<string>();
  const full = graph(cut);
  const original = stronglyConnected(full);
  for (const edge of cyclicEdges(full, (from, target) => typed.get(from)!.get(target) === "intersection")) cut.add(edge);
  for (const edge of cyclicEdges(graph(cut), () => true)) cut.add(edge);

  const sameCycle = (a: string, b: string): boolean => {
    const c = original.get(a);
    return c !== undefined && c === original.get(b);
  };
  const strip = (node: SchemaNode, from: string): SchemaNode | null => {
    switch (node.kind) {
      case "union":
        return null;
      case "ref":
        return sameCycle(from, node.name) ? null : node;
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
      if (!cut.has(key(from, target))) return undefined;
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

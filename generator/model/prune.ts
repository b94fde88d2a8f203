// The component schemas a filtered client needs: those its kept operations refer to, and what
// those refer to in turn. Microsoft Graph's catalog entry keeps 447 of 11,422 operations; all
// 4,000+ component schemas printed anyway made a 1.9 MB schemas.d.ts for every consumer's
// type-check. Schemas are normalized only when reached, which also saves the model time.
import type { OperationModel } from "./api.js";
import { collectRefs, type SchemaNode } from "./schema.js";

/** Every schema node an operation holds (parameters, body, responses, paginated item). */
function operationNodes(op: OperationModel): SchemaNode[] {
  return [
    ...op.params.map((p) => p.schema),
    ...(op.body?.schema ? [op.body.schema] : []),
    ...op.success.flatMap((r) => (r.schema ? [r.schema] : [])),
    ...op.errors.flatMap((r) => (r.schema ? [r.schema] : [])),
    ...(op.paginate ? [op.paginate.item] : []),
    ...(op.representations ?? []).flatMap((r) => (r.schema ? [r.schema] : [])),
  ];
}

/**
 * The component schemas reachable from `ops`, in the document's order. `normalize` turns a raw
 * component schema (by name) into its node; it is called once per reached name.
 */
export function reachableComponentSchemas(ops: readonly OperationModel[], names: readonly string[], normalize: (name: string) => SchemaNode): Map<string, SchemaNode> {
  const known = new Set(names);
  const reached = new Map<string, SchemaNode>();
  const stack = [...new Set(ops.flatMap((op) => [...operationNodes(op).reduce((into, node) => collectRefs(node, into), new Set<string>())]))];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (reached.has(name) || !known.has(name)) continue;
    const node = normalize(name);
    reached.set(name, node);
    for (const next of collectRefs(node)) if (!reached.has(next)) stack.push(next);
  }
  return new Map(names.filter((n) => reached.has(n)).map((n) => [n, reached.get(n)!]));
}

// Repeated inline object shapes become one shared declaration.
//
// Real documents repeat large object schemas inline: GitHub's webhook payloads carry the same
// 7 KB repository object 29 times and the same user object over 200 times, never through a
// `$ref`. Printed as they are, they doubled the size of GitHub's schemas.d.ts, and every
// consumer pays for that size on every type-check (tsc parses and binds the whole file). So
// before emitting, each inline object that occurs at least twice and is big enough to matter is
// replaced by a `$ref`: to a component schema with exactly that shape when there is one, else to
// a new shared component, named after the shape's `title` when that name is free, else after
// where it first occurs (emit/types/declarations.ts).
//
// "The same shape" means the same node after stripping what belongs to the place it is used
// (description, nullable, readOnly, writeOnly, deprecated, default): those stay on the new ref,
// so a property keeps its own JSDoc. Objects with a discriminator are never shared.
import type { ApiModel, OperationModel } from "./api.js";
import { forEachChild, type ObjectNode, type RefNode, type SchemaNode } from "./schema.js";

/**
 * Prefix of shared-shape component keys. `~` and `/` cannot occur in OpenAPI component names,
 * so these never collide with the document's own; the emitter names them after the real ones.
 */
export const SHARED_PREFIX = "~shared/";

export function isSharedShape(schemaName: string): boolean {
  return schemaName.startsWith(SHARED_PREFIX);
}

/** Where a shared shape was first seen (its type is named after this when its title is taken). */
export function sharedShapeBaseName(schemaName: string): string {
  return schemaName.slice(SHARED_PREFIX.length).replace(/#\d+$/, "");
}

export interface ShareOptions {
  /** Smallest shape worth sharing, in properties counted through nested inline objects. */
  minProperties?: number;
}

const USE_SITE_KEYS = ["description", "nullable", "readOnly", "writeOnly", "deprecated", "default"] as const;

type UseSite = Partial<Pick<SchemaNode, (typeof USE_SITE_KEYS)[number]>>;

/** Returns the model with repeated inline shapes replaced by refs (the input is not changed). */
export function shareRepeatedShapes(model: ApiModel, options: ShareOptions = {}): ApiModel {
  const minProperties = options.minProperties ?? 6;
  const ids = new ShapeIds();
  const componentNames = [...model.schemas.keys()].sort();
  const operations = model.namespaces.flatMap((ns) => ns.operations);

  // 1. Count every inline object shape, wherever it occurs.
  const counts = new Map<number, number>();
  const sizes = new Map<number, number>();
  const countShapes = (node: SchemaNode, root: boolean): void => {
    forEachChild(node, (child) => countShapes(child, false));
    if (root || !shareable(node)) return;
    const id = ids.of(node);
    counts.set(id, (counts.get(id) ?? 0) + 1);
    if (!sizes.has(id)) sizes.set(id, propertyCount(node));
  };
  for (const name of componentNames) countShapes(model.schemas.get(name)!, true);
  for (const op of operations) for (const node of operationSchemas(op)) countShapes(node, false);

  // A shape equal to a component's own (first by name) points at that component.
  const componentOf = new Map<number, string>();
  for (const name of componentNames) {
    const node = model.schemas.get(name)!;
    if (!shareable(node)) continue;
    const id = ids.of(node);
    if (!componentOf.has(id)) componentOf.set(id, name);
  }
  // Small shapes stay inline: sharing them saves little, and a two-field object matching some
  // component by coincidence should not take that component's name.
  const worthSharing = (id: number): boolean =>
    (sizes.get(id) ?? 0) >= minProperties && (counts.get(id) ?? 0) >= (componentOf.has(id) ? 1 : 2);

  // 2. Rewrite bottom-up, so shapes nested in shared shapes are shared too.
  const shared = new Map<number, string>(); // shape id -> component key
  const added = new Map<string, SchemaNode>();
  const takenKeys = new Set<string>();
  const rewrite = (node: SchemaNode, where: string, root: boolean): SchemaNode => {
    const rebuilt = rewriteChildren(node, where, rewrite);
    if (root || !shareable(node)) return rebuilt;
    const id = ids.of(node);
    if (!worthSharing(id)) return rebuilt;
    let key = componentOf.get(id) ?? shared.get(id);
    if (key === undefined) {
      key = uniqueKey(SHARED_PREFIX + where, takenKeys);
      shared.set(id, key);
      added.set(key, stripUseSite(rebuilt));
    }
    return refTo(key, node);
  };

  const schemas = new Map<string, SchemaNode>();
  for (const [name, node] of model.schemas) schemas.set(name, rewrite(node, name, true));
  const namespaces = model.namespaces.map((ns) => ({
    ...ns,
    operations: ns.operations.map((op) => rewriteOperation(op, (node, where) => rewrite(node, where, false))),
  }));

  // A shape shared only inside shapes that were themselves shared is used once: put it back.
  const uses = countRefs([...schemas.values(), ...added.values(), ...namespaces.flatMap((ns) => ns.operations.flatMap(operationSchemas))]);
  const inlineBack = new Set([...added.keys()].filter((key) => (uses.get(key) ?? 0) < 2));
  if (inlineBack.size === 0) {
    for (const [key, node] of added) schemas.set(key, node);
    return { ...model, schemas, namespaces };
  }
  // Refs carry the use-site annotations; putting the shape back merges them again.
  const restore = (node: SchemaNode): SchemaNode => {
    const rebuilt = rewriteChildren(node, "", (child) => restore(child));
    if (rebuilt.kind === "ref" && inlineBack.has(rebuilt.name)) return { ...restore(added.get(rebuilt.name)!), ...useSiteOf(rebuilt) } as SchemaNode;
    return rebuilt;
  };
  const finalSchemas = new Map<string, SchemaNode>();
  for (const [name, node] of schemas) finalSchemas.set(name, restore(node));
  for (const [key, node] of added) if (!inlineBack.has(key)) finalSchemas.set(key, restore(node));
  return {
    ...model,
    schemas: finalSchemas,
    namespaces: namespaces.map((ns) => ({ ...ns, operations: ns.operations.map((op) => rewriteOperation(op, (node) => restore(node))) })),
  };
}

function shareable(node: SchemaNode): node is ObjectNode {
  return node.kind === "object" && node.properties.length > 0 && node.discriminator === undefined;
}

function propertyCount(node: SchemaNode): number {
  let n = node.kind === "object" ? node.properties.length : 0;
  forEachChild(node, (child) => (n += propertyCount(child)));
  return n;
}

function useSiteOf(node: SchemaNode): UseSite {
  const out: Record<string, unknown> = {};
  for (const k of USE_SITE_KEYS) if (node[k] !== undefined) out[k] = node[k];
  return out as UseSite;
}

function stripUseSite<T extends SchemaNode>(node: T): T {
  const copy = { ...node } as Record<string, unknown>;
  for (const k of USE_SITE_KEYS) delete copy[k];
  return copy as T;
}

function refTo(key: string, from: SchemaNode): RefNode {
  return { kind: "ref", name: key, ...useSiteOf(from) };
}

function uniqueKey(base: string, taken: Set<string>): string {
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}#${n}`;
  taken.add(key);
  return key;
}

/** A copy of `node` with each direct child replaced by `map(child)` (the node itself when nothing changed). */
function rewriteChildren(node: SchemaNode, where: string, map: (child: SchemaNode, where: string, root: boolean) => SchemaNode): SchemaNode {
  switch (node.kind) {
    case "object": {
      const properties = node.properties.map((p) => {
        const schema = map(p.schema, `${where} ${p.name}`, false);
        return schema === p.schema ? p : { ...p, schema };
      });
      const additional = node.additional ? map(node.additional, `${where} value`, false) : undefined;
      const same = properties.every((p, i) => p === node.properties[i]) && additional === node.additional;
      return same ? node : { ...node, properties, ...(additional ? { additional } : {}) };
    }
    case "array": {
      const items = map(node.items, `${where} item`, false);
      const prefixItems = node.prefixItems?.map((p, i) => map(p, `${where} item ${i}`, false));
      const same = items === node.items && (prefixItems ?? []).every((p, i) => p === node.prefixItems![i]);
      return same ? node : { ...node, items, ...(prefixItems ? { prefixItems } : {}) };
    }
    case "union": {
      const variants = node.variants.map((v, i) => map(v, `${where} variant ${i + 1}`, false));
      return variants.every((v, i) => v === node.variants[i]) ? node : { ...node, variants };
    }
    case "intersection": {
      const parts = node.parts.map((p, i) => map(p, `${where} part ${i + 1}`, false));
      return parts.every((p, i) => p === node.parts[i]) ? node : { ...node, parts };
    }
    default:
      return node;
  }
}

/**
 * The schemas an operation holds, in the order rewriteOperation visits them (read without
 * copying the operation, which rewriteOperation would).
 */
function operationSchemas(op: OperationModel): SchemaNode[] {
  const out = op.params.map((p) => p.schema);
  if (op.body?.schema) out.push(op.body.schema);
  for (const r of op.success) if (r.schema) out.push(r.schema);
  for (const r of op.errors) if (r.schema) out.push(r.schema);
  if (op.paginate) out.push(op.paginate.item);
  return out;
}

/** The operation with each schema it holds replaced by `map(schema, where it sits)`. */
function rewriteOperation(op: OperationModel, map: (node: SchemaNode, where: string) => SchemaNode): OperationModel {
  const params = op.params.map((p) => ({ ...p, schema: map(p.schema, `${op.typeName} ${p.property}`) }));
  const body = op.body?.schema ? { ...op.body, schema: map(op.body.schema, `${op.typeName} body`) } : op.body;
  const success = op.success.map((r) => (r.schema ? { ...r, schema: map(r.schema, `${op.typeName} response`) } : r));
  const errors = op.errors.map((r) => (r.schema ? { ...r, schema: map(r.schema, `${op.typeName} error ${r.status}`) } : r));
  const paginate = op.paginate ? { ...op.paginate, item: map(op.paginate.item, `${op.typeName} item`) } : undefined;
  const representations = op.representations?.map((r) => (r.schema ? { ...r, schema: map(r.schema, `${op.typeName} response`) } : r));
  return { ...op, params, ...(body ? { body } : {}), success, errors, ...(paginate ? { paginate } : {}), ...(representations ? { representations } : {}) };
}

function countRefs(nodes: SchemaNode[]): Map<string, number> {
  const uses = new Map<string, number>();
  const visit = (node: SchemaNode): void => {
    if (node.kind === "ref") uses.set(node.name, (uses.get(node.name) ?? 0) + 1);
    forEachChild(node, visit);
  };
  nodes.forEach(visit);
  return uses;
}

/**
 * Interns shapes: equal shapes (ignoring use-site annotations and ref pointers) get the same id.
 * Each node's key holds its children's ids, not their text, so keys stay small.
 */
class ShapeIds {
  readonly #byKey = new Map<string, number>();
  // A Map, not a WeakMap: ShapeIds lives for one call, and weak maps cost the collector dearly.
  readonly #byNode = new Map<SchemaNode, number>();
  /** Use-site annotations as small numbers, so a long description is hashed once per child, not carried in every parent's key. */
  readonly #useSites = new Map<string, number>();

  of(node: SchemaNode): number {
    const known = this.#byNode.get(node);
    if (known !== undefined) return known;
    const key = this.#key(node);
    let id = this.#byKey.get(key);
    if (id === undefined) this.#byKey.set(key, (id = this.#byKey.size));
    this.#byNode.set(node, id);
    return id;
  }

  /** Full identity of a child: its shape and its own use-site annotations. */
  #childKey(node: SchemaNode): string {
    const shape = this.of(node);
    let site = "";
    for (const k of USE_SITE_KEYS) {
      const v = node[k];
      if (v !== undefined) site += `${k}${JSON.stringify(v)}`;
    }
    if (site === "") return `${shape}`;
    let n = this.#useSites.get(site);
    if (n === undefined) this.#useSites.set(site, (n = this.#useSites.size));
    return `${shape}@${n}`;
  }

  #key(node: SchemaNode): string {
    // The node's own fields written straight into the key (field names are plain words and each
    // value is JSON, so the key is unambiguous) rather than copied into an object to stringify.
    let key = "";
    for (const k in node) {
      if (SKIPPED_IN_KEY.has(k)) continue;
      const v = node[k as keyof SchemaNode];
      if (v !== undefined) key += `${k}=${JSON.stringify(v)};`;
    }
    switch (node.kind) {
      case "object":
        for (const p of node.properties) key += `|p${JSON.stringify(p.name)}${p.required ? "!" : "?"}${this.#childKey(p.schema)}`;
        if (node.additional) key += `|a${this.#childKey(node.additional)}`;
        break;
      case "array":
        for (const p of node.prefixItems ?? []) key += `|t${this.#childKey(p)}`;
        key += `|i${this.#childKey(node.items)}`;
        break;
      case "union":
        for (const v of node.variants) key += `|v${this.#childKey(v)}`;
        break;
      case "intersection":
        for (const p of node.parts) key += `|x${this.#childKey(p)}`;
        break;
      default:
        break;
    }
    return key;
  }
}

/** Keys of a node that are not its shape: where it came from, its use-site annotations, and its children (keyed by id). */
const SKIPPED_IN_KEY = new Set<string>(["pointer", ...USE_SITE_KEYS, "properties", "additional", "items", "prefixItems", "variants", "parts"]);

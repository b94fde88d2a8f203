// Schema `$ref`s (and discriminator mapping values) that point somewhere other than a whole
// component schema (into a response, a path, or a property of another schema: DigitalOcean's
// document has 2,798 refs into `#/paths/…`) are given a component of their own, so the type
// emitter only ever sees `#/components/schemas/<name>` refs. A mapping value that leads nowhere
// is dropped with a warning: it only narrows a union.
import { joinPointer } from "../errors.js";
import { droppedMappingWarning, isOnlyRef } from "./bundle.js";
import { decodePointer, getPointer } from "./pointer.js";
import { walkRefs, type Json } from "./ref-positions.js";

/** Pointer segments that say where, not what: left out of derived names. */
const structural = new Set(["paths", "components", "schemas", "responses", "requestBodies", "requestBody", "parameters", "properties", "schema", "content", "items", "get", "put", "post", "delete", "patch", "head", "options", "trace", "allOf", "oneOf", "anyOf"]);

const PREFIX = "#/components/schemas/";

function isWholeComponent(ref: string): boolean {
  return ref.startsWith(PREFIX) && !ref.slice(PREFIX.length).includes("/");
}

/** Returns hoisted component name -> the JSON pointer it was copied from (for error messages). */
export function hoistSchemaRefs(doc: Json, warnings: string[] = []): Map<string, string> {
  const schemas: Json = (doc.components ??= {}).schemas ?? {};
  const taken = new Set(Object.keys(schemas));
  const names = new Map<string, string>();
  const origins = new Map<string, string>();
  const pending: { copy: Json; origin: string }[] = [];

  /** The component for a local pointer, hoisted the first time; undefined when nothing is there. */
  const componentFor = (ref: string, depth = 0): string | undefined => {
    const known = names.get(ref);
    if (known) return known;
    const target = getPointer(doc, ref.slice(1));
    if (target === undefined) return undefined;
    // A target that is only a ref is followed: an alias component of a discriminated union
    // would read as a subtype of it.
    if (isOnlyRef(target) && target.$ref.startsWith("#") && depth < 32) {
      const name = isWholeComponent(target.$ref) ? wholeComponent(target.$ref) : componentFor(target.$ref, depth + 1);
      if (name !== undefined) names.set(ref, name);
      return name;
    }
    const base = baseName(doc, decodePointer(ref.slice(1)));
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
    taken.add(name);
    names.set(ref, name);
    origins.set(name, ref.slice(1));
    const copy = structuredClone(target);
    schemas[name] = copy;
    if (copy !== null && typeof copy === "object") pending.push({ copy: copy as Json, origin: ref.slice(1) });
    return name;
  };

  const onRef = ({ holder, position }: { holder: Json; position: string }) => {
    const ref: string = holder.$ref;
    if (position !== "schema" || !ref.startsWith("#") || isWholeComponent(ref)) return;
    const name = componentFor(ref);
    if (name !== undefined) holder.$ref = PREFIX + name;
  };
  const mappingVisitor = (origin: string) => ({ holder, path }: { holder: Json; path: readonly (string | number)[] }) => {
    const mapping: Json = holder.discriminator.mapping;
    const dropped: string[] = [];
    for (const [value, target] of Object.entries<unknown>(mapping)) {
      if (typeof target !== "string") continue;
      const name = /^[^#/]+$/.test(target) ? (Object.prototype.hasOwnProperty.call(schemas, target) ? target : undefined) : target.startsWith("#") ? mappedComponent(target) : undefined;
      if (name === undefined) {
        delete mapping[value];
        dropped.push(value);
      } else if (target.startsWith("#")) mapping[value] = PREFIX + name;
    }
    if (dropped.length) warnings.push(droppedMappingWarning("", joinPointer(origin, ...path, "discriminator", "mapping"), dropped, "nothing in the document is there"));
  };
  const wholeComponent = (ref: string): string | undefined => (getPointer(doc, ref.slice(1)) === undefined ? undefined : decodePointer(ref.slice(1))[2]);
  const mappedComponent = (ref: string): string | undefined => (isWholeComponent(ref) ? wholeComponent(ref) : componentFor(ref));

  walkRefs(doc, "node", onRef, mappingVisitor(""));
  for (let next = pending.pop(); next; next = pending.pop()) walkRefs(next.copy, "schema", onRef, mappingVisitor(next.origin));
  if (names.size) doc.components.schemas = schemas;
  return origins;
}

/**
 * A name for a hoisted schema from where it was: the last words of its pointer that say what
 * (`Person_name`), else, for a whole request or response schema, its operation and status code
 * (`oneClicks_list_401`), else `Schema`.
 */
function baseName(doc: Json, segments: string[]): string {
  const words = segments.filter((s) => !/^\d+$/.test(s) && !s.includes("/") && !structural.has(s));
  let base = words.slice(-2).join("_");
  if (!base && segments[0] === "paths" && segments.length > 3) {
    const operationId = doc.paths?.[segments[1]!]?.[segments[2]!]?.operationId;
    const part = segments[3] === "responses" ? segments[4] : segments[3] === "requestBody" ? "body" : undefined;
    if (typeof operationId === "string" && part) base = `${operationId}_${part}`;
  }
  return (base || "Schema").replace(/[^A-Za-z0-9_.-]/g, "_");
}

// Schema `$ref`s that point somewhere other than a whole component schema (into a response, a
// path, or a property of another schema) are given a component of their own, so the type
// emitter only ever sees `#/components/schemas/<name>` refs.
import { decodePointer, getPointer } from "./bundle.js";

type Json = Record<string, any>;

const schemaKeys = new Set(["schema", "schemas", "items", "additionalProperties", "not"]);
const schemaListKeys = new Set(["allOf", "oneOf", "anyOf", "prefixItems"]);
const schemaMapKeys = new Set(["properties", "patternProperties", "$defs", "definitions"]);

/** Pointer segments that say where, not what: left out of derived names. */
const structural = new Set(["paths", "components", "schemas", "responses", "requestBodies", "parameters", "properties", "schema", "content", "items", "get", "put", "post", "delete", "patch", "head", "options", "trace", "allOf", "oneOf", "anyOf"]);

function isWholeComponent(ref: string): boolean {
  return /^#\/components\/schemas\/[^/]+$/.test(ref);
}

/** Returns hoisted component name -> the JSON pointer it was copied from (for error messages). */
export function hoistSchemaRefs(doc: Json): Map<string, string> {
  const schemas: Json = (doc.components ??= {}).schemas ?? {};
  const taken = new Set(Object.keys(schemas));
  const names = new Map<string, string>();
  const pending: Json[] = [];
  const origins = new Map<string, string>();

  const visit = (node: unknown, inSchema: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, inSchema);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const obj = node as Json;
    if (inSchema && typeof obj.$ref === "string" && obj.$ref.startsWith("#") && !isWholeComponent(obj.$ref)) {
      const target = getPointer(doc, obj.$ref.slice(1));
      if (target !== undefined && target !== null && typeof target === "object") {
        let name = names.get(obj.$ref);
        if (!name) {
          const segs = decodePointer(obj.$ref.slice(1)).filter((s) => !/^\d+$/.test(s) && !s.includes("/") && !structural.has(s));
          const base = (segs.slice(-2).join("_") || "Schema").replace(/[^A-Za-z0-9_.-]/g, "_");
          name = base;
          for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
          taken.add(name);
          names.set(obj.$ref, name);
          origins.set(name, obj.$ref.slice(1));
          const copy = structuredClone(target) as Json;
          schemas[name] = copy;
          pending.push(copy);
        }
        obj.$ref = `#/components/schemas/${name}`;
      }
    }
    for (const [key, value] of Object.entries(obj)) {
      if (value === null || typeof value !== "object") continue;
      // Literal values: a `$ref` in an example is data, not a reference.
      if (key === "example" || key === "examples" || key === "default" || key === "enum" || key === "const" || key.startsWith("x-")) continue;
      if (inSchema && schemaMapKeys.has(key) && !Array.isArray(value)) {
        for (const child of Object.values(value)) visit(child, true);
      } else if (inSchema && schemaListKeys.has(key)) visit(value, true);
      else visit(value, inSchema || schemaKeys.has(key));
    }
  };

  visit(doc, false);
  while (pending.length) visit(pending.pop(), true);
  if (names.size) doc.components.schemas = schemas;
  return origins;
}

// Where a `$ref` is a reference and where it is data. Documents carry `$ref`-shaped values in
// examples, defaults, enums and vendor extensions (an example of a JSON Schema API is full of
// them); those are never followed. Keys are read by what the object holding them is, so a
// response named `default`, a property named `example` or a header parameter named `x-api-key`
// is still walked. Bundling, hoisting and validation all walk with these rules, so they agree.

/**
 * What a value is: an OpenAPI object (or a list of them), a schema (or a list of schemas), a map
 * of names to schemas, or a map of names to OpenAPI objects (its keys are names, never keywords).
 */
export type Position = "node" | "schema" | "schemas" | "names";

/** Schema keywords whose values are literal JSON. */
const SCHEMA_DATA = new Set(["example", "examples", "default", "enum", "const"]);
/** Schema keywords whose values map names to schemas. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
/** OpenAPI fields whose values map names (a status code, a media type, a component name) to objects. */
const NAMED = new Set([
  "paths", "webhooks", "callbacks", "pathItems", "responses", "parameters", "requestBodies", "headers", "securitySchemes",
  "securityDefinitions", "links", "content", "encoding",
]);

/** The position of the value under `key` of an object at `position`; undefined when it is data. */
export function childPosition(position: Position, key: string): Position | undefined {
  switch (position) {
    case "schemas":
      return "schema";
    case "names":
      return "node";
    case "schema":
      // `discriminator` holds no `$ref` objects; its mapping values are refs read where needed.
      if (isExtension(key) || SCHEMA_DATA.has(key) || key === "discriminator") return undefined;
      return SCHEMA_MAPS.has(key) ? "schemas" : "schema";
    case "node":
      if (isExtension(key) || key === "example" || key === "examples") return undefined;
      // `items`: a Swagger 2.0 parameter's or header's item schema.
      if (key === "schema" || key === "items") return "schema";
      if (key === "schemas" || key === "definitions") return "schemas";
      return NAMED.has(key) ? "names" : "node";
  }
}

/** `x-…` (tested by character: this runs for every key of a 12 MB document). */
function isExtension(key: string): boolean {
  return key.charCodeAt(0) === 120 && key.charCodeAt(1) === 45;
}

/** The position of the elements of a list at `position`. */
export function elementPosition(position: Position): Position {
  return position === "names" ? "node" : position === "schemas" ? "schema" : position;
}

export type Json = Record<string, any>;

export interface RefVisit {
  /** The object holding `$ref`. */
  holder: Json;
  /** Its position: a schema ref is hoisted, any other is inlined or followed. */
  position: Position;
  /** Path segments from the walk's root to the holder (read it before the visitor returns). */
  path: readonly (string | number)[];
}

/**
 * Calls `onRef` for every reference object under `root` (`root` at `position`), and `onMapping`
 * for every schema with a `discriminator.mapping`. References are not followed. Segments are kept
 * on one stack: GitHub's document has over a million nodes.
 */
export function walkRefs(root: unknown, position: Position, onRef: (visit: RefVisit) => void, onMapping?: (visit: RefVisit) => void): void {
  const path: (string | number)[] = [];
  const visit = (value: unknown, at: Position): void => {
    if (Array.isArray(value)) {
      const element = elementPosition(at);
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        if (v === null || typeof v !== "object") continue;
        path.push(i);
        visit(v, element);
        path.pop();
      }
      return;
    }
    const obj = value as Json;
    if (typeof obj.$ref === "string") onRef({ holder: obj, position: at, path });
    if (onMapping && at === "schema" && isMappingHolder(obj.discriminator)) onMapping({ holder: obj, position: at, path });
    for (const key in obj) {
      const v = obj[key];
      if (v === null || typeof v !== "object") continue;
      const child = childPosition(at, key);
      if (child === undefined) continue;
      path.push(key);
      visit(v, child);
      path.pop();
    }
  };
  if (root !== null && typeof root === "object") visit(root, position);
}

function isMappingHolder(discriminator: unknown): boolean {
  const mapping = (discriminator as Json | undefined)?.mapping;
  return mapping !== null && typeof mapping === "object" && !Array.isArray(mapping);
}

/** A mapping value that is a reference to another file rather than a schema name or a local pointer. */
export function isFileRef(value: string): boolean {
  return !value.startsWith("#") && (value.includes("#") || value.includes("/") || /\.(ya?ml|json)$/i.test(value));
}

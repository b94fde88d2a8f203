// The normalised schema model: what the type emitters read instead of raw JSON Schema.
//
// `normalizeSchema` (normalize-schema.ts) turns an OpenAPI 3.0 or 3.1 schema object into a
// `SchemaNode`; `printType` / `printComponentDeclarations` (emit/types/) turn nodes into
// TypeScript. Version differences (3.0 `nullable` vs 3.1 type arrays, `$ref` siblings, boolean
// schemas, `prefixItems`) are resolved here, so emitters never branch on the OpenAPI version.
//
// Invariants the emitters rely on:
// - `null` never appears as a union variant or enum value: it is folded into `nullable`.
// - A `ref` names a component schema (`#/components/schemas/<name>`, pointer-decoded).
// - Annotation-only wrappers (`allOf: [$ref]` + description/nullable, 3.1 `$ref` siblings) are
//   collapsed into the wrapped node, carrying the annotations.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Annotations every node may carry. Absent means "not set" (false for the booleans). */
export interface SchemaMeta {
  /** `null` is an allowed value (3.0 `nullable`, 3.1 `"null"` in `type`, a null enum value or variant). */
  nullable?: boolean;
  /** Only in responses: dropped from request types. */
  readOnly?: boolean;
  /** Only in requests: dropped from response types. */
  writeOnly?: boolean;
  deprecated?: boolean;
  title?: string;
  description?: string;
  /** `format` as written (`int64`, `binary`, `date-time`, …). */
  format?: string;
  /** The declared `default`; `undefined` when there is none (JSON has no undefined, so `null` is a real default). */
  default?: JsonValue;
  /** Discriminator declared on this schema (oneOf/anyOf owner, or an allOf base). */
  discriminator?: Discriminator;
}

export interface Discriminator {
  propertyName: string;
  /** Explicit `mapping` entries in document order: [wire value, component schema name]. */
  mapping: ReadonlyArray<readonly [value: string, schemaName: string]>;
}

export interface RefNode extends SchemaMeta {
  kind: "ref";
  /** Component schema name, e.g. `Pet` for `#/components/schemas/Pet`. */
  name: string;
  /** JSON pointer of the `$ref` keyword, for errors about the target. */
  pointer?: string;
}

export interface ObjectProperty {
  name: string;
  required: boolean;
  schema: SchemaNode;
}

export interface ObjectNode extends SchemaMeta {
  kind: "object";
  /** Document order. */
  properties: ObjectProperty[];
  /**
   * Values of keys other than `properties`: from `additionalProperties` (a schema) and
   * `patternProperties`. `undefined` means unconstrained (absent, `true` or `{}`): on an object
   * with properties no index signature is emitted, so typos stay errors. A `never` node means
   * `additionalProperties: false`.
   */
  additional?: SchemaNode;
}

export interface ArrayNode extends SchemaMeta {
  kind: "array";
  /** Items after `prefixItems` (all items when there is no prefix). `never` = no more items. */
  items: SchemaNode;
  /** 3.1 tuple positions. */
  prefixItems?: SchemaNode[];
}

/** `oneOf` (exclusive) or `anyOf`, or a 3.1 type array with several non-null types. */
export interface UnionNode extends SchemaMeta {
  kind: "union";
  variants: SchemaNode[];
  exclusive: boolean;
}

/** `allOf` that could not be merged into one object. */
export interface IntersectionNode extends SchemaMeta {
  kind: "intersection";
  parts: SchemaNode[];
}

export type EnumValue = string | number | boolean;

export interface EnumNode extends SchemaMeta {
  kind: "enum";
  /** Without `null` (see `nullable`), deduplicated, document order. */
  values: EnumValue[];
  /** Member names for the value object, aligned with `values` (`x-enum-varnames` / `x-enumNames`). */
  names?: string[];
  /** One description per value, aligned with `values` (`x-enum-descriptions`); "" when absent. */
  valueDescriptions?: string[];
}

export type PrimitiveType = "string" | "number" | "integer" | "boolean" | "null";

export interface PrimitiveNode extends SchemaMeta {
  kind: "primitive";
  type: PrimitiveType;
}

export interface ConstNode extends SchemaMeta {
  kind: "const";
  value: JsonValue;
}

/** Any value (`{}`, `true`, `not`, unresolvable conditionals). */
export interface UnknownNode extends SchemaMeta {
  kind: "unknown";
}

/** No value (`false`, `items: false`, `additionalProperties: false`). */
export interface NeverNode extends SchemaMeta {
  kind: "never";
}

export type SchemaNode =
  | RefNode
  | ObjectNode
  | ArrayNode
  | UnionNode
  | IntersectionNode
  | EnumNode
  | PrimitiveNode
  | ConstNode
  | UnknownNode
  | NeverNode;

/** Calls `visit` on every direct child node (properties, items, variants, parts, additional). */
export function forEachChild(node: SchemaNode, visit: (child: SchemaNode) => void): void {
  switch (node.kind) {
    case "object":
      for (const p of node.properties) visit(p.schema);
      if (node.additional) visit(node.additional);
      return;
    case "array":
      if (node.prefixItems) for (const p of node.prefixItems) visit(p);
      visit(node.items);
      return;
    case "union":
      for (const v of node.variants) visit(v);
      return;
    case "intersection":
      for (const p of node.parts) visit(p);
      return;
    default:
      return;
  }
}

/** Names of the component schemas `node` refers to directly or through inline children. */
export function collectRefs(node: SchemaNode, into: Set<string> = new Set()): Set<string> {
  if (node.kind === "ref") into.add(node.name);
  else forEachChild(node, (child) => collectRefs(child, into));
  return into;
}

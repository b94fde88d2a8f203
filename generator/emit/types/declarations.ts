// The body of `schemas.d.ts`: one declaration per component schema (two when request and
// response types differ), sorted by schema name, plus the enum value objects (`schemas.js`).

import { SpecError } from "../../errors.js";
import type { SchemaNode } from "../../model/schema.js";
import { typeBaseName, typeNameFor } from "../../model/type-names.js";
import { isSharedShape, sharedShapeBaseName } from "../../model/shared-shapes.js";
import { Imports } from "../imports.js";
import { hardline, join, printLayout, type Layout } from "../layout.js";
import { directionalSchemas, reachableSchemas } from "./direction.js";
import { enumConstLayouts } from "./enums.js";
import { aliasCycles } from "./cycles.js";
import { discriminatorValues, jsdocLines, toTs, type Direction, type ToTsContext } from "./to-ts.js";
import { interfaceLayout, jsdocLayout, typeAliasLayout, union, type TsType } from "./ts-ast.js";
import { stringLiteral } from "./literals.js";

export interface ComponentDeclarationOptions {
  /**
   * Component schemas used in requests (bodies, parameters). When given, `…Input` declarations
   * are emitted only for schemas reachable from these; otherwise for every schema that differs.
   */
  requestSchemas?: Iterable<string>;
}

export interface ComponentNames {
  /** Declaration used in responses (and in requests when there is no input variant). */
  response: string;
  /** Declaration used in requests; equals `response` when the two do not differ. */
  request: string;
}

export interface ComponentDeclarations {
  /**
   * `.d.ts` text: the type declarations, then the enum value objects' declarations
   * (`export declare const Status: {…}`), separated by blank lines, ending with a newline
   * ("" when there are none).
   */
  code: string;
  /** The type declarations alone, each followed by a newline, separated by blank lines. */
  types: string;
  /** The enum value objects, for each kind of file. */
  enums: EnumConsts;
  /** What the declarations import (the runtime's `BlobLike` where a request takes binary data). */
  imports: Imports;
  /** The type name to print for a `$ref` to component `name` in `direction`. */
  refName(name: string, direction: Direction): string;
  /** Schema name → declared type names. */
  names: ReadonlyMap<string, ComponentNames>;
  /**
   * The discriminator values component `schemaName` pins `property` to, if any. Pass it to
   * `printType` / `toTs` for inline types so discriminated unions of these components are not
   * narrowed a second time (`Cat & { petType: "cat" }` when `Cat` already says so).
   */
  pinnedValues(schemaName: string, property: string): readonly string[] | undefined;
  /** ToTsContext.holdsProperties over these components. */
  holdsProperties(schemaName: string): boolean;
}

export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A shared shape is named after its title when that name is free, else after where it was first seen. */
function sharedShapeTypeBase(node: SchemaNode, key: string, taken: ReadonlySet<string>): string {
  const title = node.title?.trim();
  return title && !taken.has(typeBaseName(title)) ? title : sharedShapeBaseName(key);
}

/** Assigns TypeScript names: response names first (sorted), then `…Input` names. */
export function componentNames(
  schemas: ReadonlyMap<string, SchemaNode>,
  withInput: ReadonlySet<string>,
  taken: Set<string> = new Set(),
): Map<string, ComponentNames> {
  // Shared shapes (model/shared-shapes.ts) are named after the document's own schemas, so
  // adding one never renames a type users already know.
  const all = [...schemas.keys()].sort(byCodeUnits);
  const sorted = [...all.filter((n) => !isSharedShape(n)), ...all.filter(isSharedShape)];
  const names = new Map<string, ComponentNames>();
  for (const name of sorted) {
    const response = typeNameFor(isSharedShape(name) ? sharedShapeTypeBase(schemas.get(name)!, name, taken) : name, taken);
    names.set(name, { response, request: response });
  }
  for (const name of sorted) {
    if (!withInput.has(name)) continue;
    const entry = names.get(name)!;
    entry.request = typeNameFor(entry.response + "Input", taken);
  }
  return names;
}

export function printComponentDeclarations(
  schemas: ReadonlyMap<string, SchemaNode>,
  options: ComponentDeclarationOptions = {},
): ComponentDeclarations {
  const differing = directionalSchemas(schemas);
  let withInput = differing;
  if (options.requestSchemas) {
    const reachable = reachableSchemas(options.requestSchemas, schemas);
    withInput = new Set([...differing].filter((n) => reachable.has(n)));
  }
  const names = componentNames(schemas, withInput);
  const refName = (name: string, direction: Direction): string => {
    const entry = names.get(name);
    if (!entry) throw new SpecError(`$ref to a component schema that does not exist: "${name}"`, {});
    return direction === "request" ? entry.request : entry.response;
  };
  const resolve = (name: string, direction: Direction, pointer?: string): string => {
    const entry = names.get(name);
    if (!entry) throw new SpecError(`$ref to a component schema that does not exist: "${name}"`, pointer === undefined ? {} : { pointer });
    return direction === "request" ? entry.request : entry.response;
  };
  checkRefs(schemas, resolve);

  const narrowing = allOfNarrowing(schemas);
  const pinnedValues = (schemaName: string, property: string): readonly string[] | undefined => {
    const narrowed = narrowing.get(schemaName);
    if (narrowed && narrowed.property === property) return narrowed.values;
    return ownLiteralValues(schemas.get(schemaName), property);
  };
  const holdsProperties = (schemaName: string): boolean => !SCALAR_OR_ARRAY.has(schemas.get(schemaName)?.kind ?? "unknown");
  const cycles = aliasCycles(schemas);

  const imports = new Imports();
  // Each declaration is printed as soon as it is built: its layout then dies young, instead of
  // every declaration's layout surviving (and being copied by the collector) until the end.
  const printed: string[] = [];
  for (const schemaName of [...schemas.keys()].sort(byCodeUnits)) {
    const node = schemas.get(schemaName)!;
    const entry = names.get(schemaName)!;
    const directions: [Direction, string][] = [["response", entry.response]];
    if (entry.request !== entry.response) directions.push(["request", entry.request]);
    for (const [direction, typeName] of directions) {
      const ctx: ToTsContext = {
        direction,
        refName,
        pinnedValues,
        holdsProperties,
        replaceTopLevelRef: (target) => cycles.replacement(schemaName, target),
      };
      let type = toTs(node, ctx, true);
      const narrowed = narrowing.get(schemaName);
      if (narrowed) type = pinProperty(type, narrowed.property, narrowed.values);
      imports.addType(type);
      printed.push(printLayout(declarationLayout(typeName, type, node, node.nullable === true)) + "\n");
    }
  }
  const enums = printEnumConsts(schemas);
  const types = printed.join("\n");
  return {
    code: [types, enums.dts].filter(Boolean).join("\n"),
    types,
    enums,
    imports,
    refName,
    names,
    pinnedValues,
    holdsProperties,
  };
}

/** Schema kinds that hold no properties a discriminator could read. */
const SCALAR_OR_ARRAY = new Set<string>(["array", "enum", "primitive", "const"]);

/** The value objects of every component enum, each as printed for one kind of file. */
export interface EnumConsts {
  /** `.d.ts`: `export declare const Status: {…};` */
  dts: string;
  /** `.js`: `export const Status = {…};` */
  js: string;
  /** `.ts`: `export const Status = {…} as const;` */
  ts: string;
}

/**
 * The value objects of every component enum (`Status.Active`), sorted by schema name, named like
 * the enum's (response) type; each text is "" when there are none, else ends with a newline.
 */
export function printEnumConsts(schemas: ReadonlyMap<string, SchemaNode>): EnumConsts {
  const names = componentNames(schemas, new Set());
  const layouts: Record<keyof EnumConsts, Layout[]> = { dts: [], js: [], ts: [] };
  for (const schemaName of [...schemas.keys()].sort(byCodeUnits)) {
    const node = schemas.get(schemaName)!;
    if (node.kind !== "enum") continue;
    const consts = enumConstLayouts(names.get(schemaName)!.response, node.values, node.names);
    for (const kind of ["dts", "js", "ts"] as const) layouts[kind].push(consts[kind]);
  }
  const print = (list: Layout[]) => (list.length ? printLayout(join([hardline, hardline], list)) + "\n" : "");
  return { dts: print(layouts.dts), js: print(layouts.js), ts: print(layouts.ts) };
}

function declarationLayout(typeName: string, type: TsType, node: SchemaNode, nullable: boolean): Layout {
  const doc = jsdocLines(node);
  const decl = type.t === "object" && !nullable && type.members.length > 0 ? interfaceLayout(typeName, type.members) : typeAliasLayout(typeName, type);
  return doc.length > 0 ? [jsdocLayout(doc), hardline, decl] : decl;
}

function checkRefs(schemas: ReadonlyMap<string, SchemaNode>, resolve: (name: string, d: Direction, pointer?: string) => string): void {
  const visit = (node: SchemaNode): void => {
    if (node.kind === "ref") {
      resolve(node.name, "response", node.pointer);
      return;
    }
    switch (node.kind) {
      case "object":
        for (const p of node.properties) visit(p.schema);
        if (node.additional) visit(node.additional);
        break;
      case "array":
        node.prefixItems?.forEach(visit);
        visit(node.items);
        break;
      case "union":
        node.variants.forEach(visit);
        break;
      case "intersection":
        node.parts.forEach(visit);
        break;
      default:
        break;
    }
  };
  for (const node of schemas.values()) visit(node);
}

/**
 * Subtypes that name a discriminating base in their `allOf` get the discriminator property
 * pinned to their own value(s): the base's mapping entries that point at them, else their name.
 */
function allOfNarrowing(schemas: ReadonlyMap<string, SchemaNode>): Map<string, { property: string; values: string[] }> {
  const out = new Map<string, { property: string; values: string[] }>();
  for (const [name, node] of schemas) {
    // `allOf: [$ref]` alone was collapsed into the ref itself.
    const parts = node.kind === "intersection" ? node.parts : node.kind === "ref" ? [node] : [];
    for (const part of parts) {
      if (part.kind !== "ref") continue;
      const base = schemas.get(part.name);
      const d = base?.discriminator;
      if (!d) continue;
      out.set(name, { property: d.propertyName, values: discriminatorValues(d.mapping, name) });
      break;
    }
  }
  return out;
}

function ownLiteralValues(node: SchemaNode | undefined, property: string): string[] | undefined {
  if (!node) return undefined;
  const objects = node.kind === "object" ? [node] : node.kind === "intersection" ? node.parts.filter((p) => p.kind === "object") : [];
  for (const object of objects) {
    if (object.kind !== "object") continue;
    const prop = object.properties.find((p) => p.name === property);
    if (!prop || !prop.required) continue;
    const schema = prop.schema;
    if (schema.kind === "enum" && schema.values.every((v) => typeof v === "string")) return schema.values as string[];
    if (schema.kind === "const" && typeof schema.value === "string") return [schema.value];
  }
  return undefined;
}

/** Sets `property` to the given literals in the type's own object part (adding one if needed). */
function pinProperty(type: TsType, property: string, values: string[]): TsType {
  const pinned: TsType = union(values.map((v) => ({ t: "literal", text: stringLiteral(v) })));
  const setIn = (object: TsType & { t: "object" }): TsType => {
    const members = object.members.filter((m) => m.key !== property);
    const existing = object.members.find((m) => m.key === property);
    const member = { ...(existing ?? {}), key: property, type: pinned, optional: false };
    const index = existing ? object.members.indexOf(existing) : members.findIndex((m) => m.key === undefined);
    if (index < 0) members.push(member);
    else members.splice(index, 0, member);
    return { t: "object", members };
  };
  if (type.t === "object") return setIn(type);
  if (type.t === "intersection") {
    const types = [...type.types];
    for (let i = types.length - 1; i >= 0; i--) {
      const part = types[i]!;
      if (part.t === "object" && part.members.length > 0) {
        types[i] = setIn(part);
        return { t: "intersection", types };
      }
    }
    return { t: "intersection", types: [...types, setIn({ t: "object", members: [] })] };
  }
  return { t: "intersection", types: [type, setIn({ t: "object", members: [] })] };
}

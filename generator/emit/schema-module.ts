// Binds the schema-type emitter (emit/types/) to the client layout: schemas.d.ts / schemas.js,
// and the converter the other modules use to build types that refer to `Schemas.<Name>`.
import { collectRefs, type SchemaNode } from "../model/schema.js";
import { SCHEMAS, type Imports } from "./imports.js";
import { printComponentDeclarations, type EnumConsts } from "./types/index.js";
import { toTs, type Direction } from "./types/to-ts.js";
import type { TsType } from "./types/ts-ast.js";

/** Converts a schema node to a type AST; component refs are imported from `./schemas.js`. */
export type SchemaToType = (node: SchemaNode, direction: Direction) => TsType;

export interface SchemaModule {
  /** The type declarations, "" when there are none. */
  types: string;
  /** The enum value objects, for each kind of file. */
  enums: EnumConsts;
  /** What the type declarations import. */
  imports: Imports;
  /** Types for the other modules, naming component types as `Schemas.<Name>` (the namespace users import from the index). */
  toType: SchemaToType;
}

/** `requestNodes`: parameter and body schemas, so `…Input` variants are declared only where used. */
export function schemaModule(schemas: ReadonlyMap<string, SchemaNode>, requestNodes: Iterable<SchemaNode>): SchemaModule {
  const requestSchemas = new Set<string>();
  for (const node of requestNodes) collectRefs(node, requestSchemas);
  const decl = printComponentDeclarations(schemas, { requestSchemas });
  return {
    types: decl.types,
    enums: decl.enums,
    imports: decl.imports,
    toType: (node, direction) => toTs(node, { direction, refName: decl.refName, refModule: SCHEMAS, holdsProperties: decl.holdsProperties }),
  };
}

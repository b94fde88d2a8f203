// Binds the schema-type emitter (emit/types/) to the client layout: schemas.d.ts / schemas.js,
// and the converter namespace modules use to print types that refer to `S.<Name>`.
import { collectRefs, type SchemaNode } from "../model/schema.js";
import type { SchemaToType } from "./namespace.js";
import { printComponentDeclarations } from "./types/index.js";
import { toTs } from "./types/to-ts.js";
import { importLayout, runtimeTypesUsed } from "./namespace.js";
import { hardline, printLayout } from "./layout.js";

export interface SchemaModule {
  dts: string;
  js: string;
  toType: SchemaToType;
}

/** `requestNodes`: parameter and body schemas, so `…Input` variants are declared only where used. */
export function schemaModule(header: string, schemas: ReadonlyMap<string, SchemaNode>, requestNodes: Iterable<SchemaNode>): SchemaModule {
  const requestSchemas = new Set<string>();
  for (const node of requestNodes) collectRefs(node, requestSchemas);
  const decl = printComponentDeclarations(schemas, { requestSchemas });
  const refName = (name: string, direction: "request" | "response") => `S.${decl.refName(name, direction)}`;
  const dtsBody = decl.code.trimEnd();
  const jsBody = decl.js.trimEnd();
  const runtimeTypes = runtimeTypesUsed(dtsBody);
  const imports = runtimeTypes.length ? printLayout([importLayout(runtimeTypes, "alter-gen/runtime"), hardline, hardline]) : "";
  return {
    dts: header + "\n" + imports + (dtsBody ? dtsBody + "\n" : "export {};\n"),
    js: header + "\n" + (jsBody ? jsBody + "\n" : "export {};\n"),
    toType: (node, direction) => toTs(node, { direction, refName }),
  };
}

// Schema types: the public API the module emitters call (see model/schema.ts for the model).
//
//   printType(node, { direction, refName })      → a TypeScript type expression
//   printComponentDeclarations(schemas, options)  → the `schemas.d.ts` body + enum values `.js`
//   printEnumConsts(schemas)                      → enum value objects: `.d.ts`, `.js` and `.ts` text
//
// Output is already in prettier 3's default style (printWidth 80, double quotes, semicolons,
// trailing commas): the printer builds prettier's own layout documents (emit/layout.ts).
//
// Decisions:
// - Requests vs responses. readOnly properties are left out of request types, writeOnly ones
//   out of response types; enums with several values are open on responses
//   (`"a" | "b" | (string & {})`, so a value added by the provider later does not break
//   compilation, while editors still suggest the known ones) and closed on requests. A
//   component whose two shapes differ (directly or through a `$ref`) is declared twice:
//   `Pet` (responses) and `PetInput` (requests). Single-value enums and consts stay closed.
// - `format: binary` is `BlobLike | Uint8Array` in requests (what the runtime can send; BlobLike
//   is the runtime's structural Blob, imported from alter-gen/runtime) and `Uint8Array` in
//   responses (what it decodes binary bodies to).
// - 64-bit integers are `number`, as JSON.parse produces them; the JSDoc says that values
//   beyond 2^53 lose precision. `integer` is `number`; string formats (date-time…) stay `string`.
// - An object with properties has no index signature unless `additionalProperties` is a
//   schema (then the signature admits the declared property types too), so a misspelt
//   property stays a compile error. `{}` is `unknown`; `type: object` alone is
//   `Record<string, unknown>`; an object without properties and `additionalProperties: T` is
//   `Record<string, T>` (`{ [key: string]: T }` when T names a declared type, to keep
//   recursive aliases legal).
// - Discriminators: each union variant is narrowed to its value(s) (`Cat & { petType: "cat" }`)
//   unless its declaration already pins them; subtypes naming a discriminating base in
//   `allOf` get the property pinned in their own declaration (mapping values, else the schema
//   name).

import type { EnumValue, SchemaNode } from "../../model/schema.js";
import { printLayout } from "../layout.js";
import { enumConstLayouts } from "./enums.js";
import { toTs, type Direction, type ToTsContext } from "./to-ts.js";
import { typeLayout } from "./ts-ast.js";

export { printComponentDeclarations, printEnumConsts, componentNames } from "./declarations.js";
export type { ComponentDeclarations, ComponentDeclarationOptions, ComponentNames, EnumConsts } from "./declarations.js";
export { enumMemberNames } from "./enums.js";

export interface TypePrintOptions {
  direction: Direction;
  /** The declared name for a component schema (`printComponentDeclarations(...).refName`). */
  refName(name: string, direction: Direction): string;
  /**
   * Indentation of the line the type starts on (e.g. "  " for a property of a top-level
   * interface), so that line breaking matches prettier. Default "".
   */
  indent?: string;
  /** Columns already used on the first line before the type (e.g. `  params: `). Default: indent's. */
  startColumn?: number;
  /** Text that follows the type on its last line (e.g. `;`), counted when deciding to break. */
  trailing?: string;
  /** `ComponentDeclarations.pinnedValues`, to avoid re-narrowing pinned discriminated variants. */
  pinnedValues?(schemaName: string, property: string): readonly string[] | undefined;
  /** `ComponentDeclarations.holdsProperties`: no discriminator narrowing on array or scalar variants. */
  holdsProperties?(schemaName: string): boolean;
}

/**
 * A TypeScript type expression for `node`, laid out as prettier lays out a property's type
 * annotation (`name: <type>`). Continuation lines are indented for `opts.indent`. A union that
 * breaks right after the colon comes back starting with "\n" (join it to `name:` without a space).
 */
export function printType(node: SchemaNode, opts: TypePrintOptions): string {
  const ctx: ToTsContext = { direction: opts.direction, refName: opts.refName };
  if (opts.pinnedValues) ctx.pinnedValues = opts.pinnedValues;
  if (opts.holdsProperties) ctx.holdsProperties = opts.holdsProperties;
  const type = toTs(node, ctx);
  const indent = opts.indent ?? "";
  const start = opts.startColumn ?? indent.length;
  // Print as if preceded by `start` columns, then drop the placeholder.
  const placeholder = "\u0000".repeat(start);
  const trailing = opts.trailing ?? "";
  const text = printLayout([placeholder, typeLayout(type, "annotation"), trailing], 80);
  const body = text.slice(start, text.length - trailing.length);
  return indent === "" ? body : body.replace(/\n/g, "\n" + indent);
}

/** The value object for one enum: `.d.ts` declaration and `.js` definition. */
export function printEnumConst(name: string, values: readonly EnumValue[]): { dts: string; js: string; ts: string } {
  const layouts = enumConstLayouts(name, values);
  return { dts: printLayout(layouts.dts) + "\n", js: printLayout(layouts.js) + "\n", ts: printLayout(layouts.ts) + "\n" };
}

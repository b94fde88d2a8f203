// Enum value objects: for a component enum `Status` the `.d.ts` gets
// `export declare const Status: { readonly Active: "active"; … }` and the `.js` the matching
// `export const Status = { Active: "active", … };`, so users can write `Status.Active`.

import type { EnumValue } from "../../model/schema.js";
import { pascalCase } from "../../model/type-names.js";
import { group, hardline, indent, join, line, stringWidth, type Layout } from "../layout.js";
import { numberLiteral, stringLiteral } from "./literals.js";

/** Member names for enum values: PascalCase, valid identifiers, unique (`Active`, `_1`, `Plus1`). */
export function enumMemberNames(values: readonly EnumValue[], declared?: readonly string[]): string[] {
  const taken = new Set<string>();
  return values.map((value, index) => {
    let base: string;
    const given = declared?.[index];
    if (given !== undefined && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(given)) base = given;
    else if (typeof value === "boolean") base = value ? "True" : "False";
    else if (typeof value === "number") {
      base = (value < 0 ? "Minus" : "_") + numberLiteral(Math.abs(value)).replace(/[.+-]/g, "_");
    } else {
      base = pascalCase(value.replace(/^\+/, "Plus ").replace(/^-/, "Minus "));
      if (base === "") base = value === "" ? "Empty" : "Value";
      if (/^\p{N}/u.test(base)) base = "_" + base;
    }
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    return name;
  });
}

function valueText(value: EnumValue): string {
  if (typeof value === "string") return stringLiteral(value);
  if (typeof value === "number") return numberLiteral(value);
  return String(value);
}

/**
 * `Key: value` in an object literal with prettier's assignment layout: a string value moves to
 * the next line when the line is too long, unless the key is shorter than 5 columns; numbers
 * and booleans never move.
 */
function jsProperty(key: string, value: EnumValue): Layout {
  const text = valueText(value);
  if (typeof value !== "string" || stringWidth(key) < 5) return [key, ": ", text];
  return group([key, ":", group(indent([line, text]))]);
}

/**
 * The value object of one enum as a declaration (`.d.ts`), a definition (`.js`) and a typed
 * definition (`.ts`, `as const` so its values keep their literal types).
 */
export function enumConstLayouts(constName: string, values: readonly EnumValue[], declaredNames?: readonly string[]): { dts: Layout; js: Layout; ts: Layout } {
  const keys = enumMemberNames(values, declaredNames);
  const dtsMembers = keys.map((key, i) => ["readonly ", key, ": ", valueText(values[i]!)]);
  const jsMembers = keys.map((key, i) => jsProperty(key, values[i]!));
  const body = (members: Layout[], separator: string): Layout =>
    group(["{", indent([line, join([separator, line], members)]), separator, line, "}"], { shouldBreak: true });
  const jsBody = body(jsMembers, ",");
  // Prettier's "fluid" assignment layout: when `export const Name = {` does not fit in 80
  // columns, it breaks after `=` and indents the object (Microsoft Graph's
  // `…AssignmentRequestFilterByCurrentUserOptions`).
  const assign = (rest: string): Layout =>
    stringWidth(`export const ${constName} = {`) > 80 ? ["export const ", constName, " =", indent([hardline, jsBody]), rest] : ["export const ", constName, " = ", jsBody, rest];
  return {
    dts: ["export declare const ", constName, ": ", body(dtsMembers, ";"), ";"],
    js: assign(";"),
    ts: assign(" as const;"),
  };
}

// A tiny TypeScript type AST and its printer, following prettier 3's rules for the node types we
// emit (union, intersection, array, tuple, type reference, type literal, literal, keyword), so
// the text needs no formatting pass. Parent-dependent rules (union indentation, parentheses,
// hugging `{…} | null`) are why this goes through an AST instead of string concatenation.

import { align, group, hardline, ifBreak, indent, indentIfBreak, join, lazyGroup, line, softline, type Layout } from "../layout.js";
import { propertyKey } from "./literals.js";

export type TsType =
  | { t: "keyword"; name: "string" | "number" | "boolean" | "null" | "unknown" | "never" | "undefined" }
  /** A literal as printed (`"a"`, `1`, `true`). */
  | { t: "literal"; text: string }
  /** A type by name; `module` when it is imported (emit/imports.ts collects those). */
  | { t: "ref"; name: string; args?: TsType[]; module?: ModuleRef }
  | { t: "array"; element: TsType }
  | { t: "tuple"; elements: TsType[]; rest?: TsType }
  | { t: "union"; types: TsType[] }
  | { t: "intersection"; types: TsType[] }
  | { t: "object"; members: TsMember[] };

export type TsRef = Extract<TsType, { t: "ref" }>;

/** The module a referenced type comes from. */
export interface ModuleRef {
  /** What the import declaration names: `alter-gen/runtime`, `./schemas.js`. */
  specifier: string;
  /** Set when the module is imported as a namespace (`import type * as Schemas`): refs print `Schemas.Name`. */
  namespace?: string;
}

/** A reference as it is printed: `Name`, or `Schemas.Name` for a type of a namespace-imported module. */
export function refText(type: TsRef): string {
  return type.module?.namespace ? `${type.module.namespace}.${type.name}` : type.name;
}

export interface TsMember {
  /** `undefined` for an index signature `[key: string]: T`. */
  key?: string;
  optional?: boolean;
  readonly?: boolean;
  type: TsType;
  /** JSDoc lines (without `*` prefixes); empty or absent for none. */
  doc?: string[];
}

export const kw = (name: (TsType & { t: "keyword" })["name"]): TsType => ({ t: "keyword", name });

/** Builds a union, flattening nested unions and dropping duplicates; one member → that member. */
export function union(types: TsType[]): TsType {
  const flat: TsType[] = [];
  const seen = new Set<string>();
  for (const type of types) {
    for (const member of type.t === "union" ? type.types : [type]) {
      const key = member.t === "keyword" || member.t === "literal" || (member.t === "ref" && !member.args) ? member.t + ":" + (member.t === "keyword" ? member.name : member.t === "literal" ? member.text : refText(member)) : undefined;
      if (key !== undefined) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      flat.push(member);
    }
  }
  if (flat.some((m) => m.t === "keyword" && m.name === "unknown")) {
    return kw("unknown");
  }
  const withoutNever = flat.filter((m) => !(m.t === "keyword" && m.name === "never"));
  if (withoutNever.length === 0) return kw("never");
  return withoutNever.length === 1 ? withoutNever[0]! : { t: "union", types: withoutNever };
}

export function intersection(types: TsType[]): TsType {
  const flat = types.flatMap((t) => (t.t === "intersection" ? t.types : [t])).filter((t) => !(t.t === "keyword" && t.name === "unknown"));
  if (flat.length === 0) return kw("unknown");
  return flat.length === 1 ? flat[0]! : { t: "intersection", types: flat };
}

type Parent = "alias" | "annotation" | "array" | "tuple" | "tuple-many" | "type-arg" | "union" | "intersection";

const isObjectType = (t: TsType) => t.t === "object";
// prettier hugs `{…} | null` and `| void`, not `| undefined`.
const isVoid = (t: TsType) => t.t === "keyword" && t.name === "null";

/** prettier's shouldHugUnionType: one object-like member plus only null/void. */
function shouldHugUnion(types: TsType[]): boolean {
  const objectLike = types.find((t) => t.t === "object" || t.t === "ref");
  if (!objectLike) return false;
  return types.every((t) => t === objectLike || isVoid(t));
}

/** prettier's shouldHugType (inline single type argument). */
function shouldHugType(type: TsType): boolean {
  if (type.t === "keyword" || (type.t === "ref" && !type.args) || type.t === "object") return true;
  if (type.t === "union") return shouldHugUnion(type.types);
  return false;
}

function needsParens(type: TsType, parent: Parent): boolean {
  if (type.t === "union") return parent === "array" || parent === "intersection";
  if (type.t === "intersection") return parent === "array" || parent === "union";
  return false;
}

export function typeLayout(type: TsType, parent: Parent = "annotation"): Layout {
  switch (type.t) {
    case "keyword":
      return type.name;
    case "literal":
      return type.text;
    case "ref":
      return type.args ? [refText(type), typeArgs(type.args)] : refText(type);
    case "array":
      return [typeLayout(type.element, "array"), "[]"];
    case "tuple":
      return tupleLayout(type);
    case "union": {
      const doc = unionLayout(type.types, parent);
      return needsParens(type, parent) ? ["(", doc, ")"] : doc;
    }
    case "intersection": {
      const doc = intersectionLayout(type.types);
      return needsParens(type, parent) ? ["(", doc, ")"] : doc;
    }
    case "object":
      return objectLayout(type.members);
  }
}

function typeArgs(args: TsType[]): Layout {
  if (args.length === 1 && shouldHugType(args[0]!)) return ["<", typeLayout(args[0]!, "type-arg"), ">"];
  return group(["<", indent([softline, join([",", line], args.map((a) => typeLayout(a, "type-arg")))]), softline, ">"]);
}

function unionLayout(types: TsType[], parent: Parent): Layout {
  if (shouldHugUnion(types)) return join(" | ", types.map((t) => typeLayout(t, "union")));
  // prettier 3.10: the first member's bar only appears when the union breaks.
  const members = group(types.map((t, i) => [i === 0 ? ifBreak("| ") : [line, "| "], align(2, typeLayout(t, "union"))]));
  if (needsParens({ t: "union", types }, parent)) return group([indent([softline, members]), softline]);
  if (parent === "tuple-many") return group([indent([ifBreak(["(", softline]), members]), softline, ifBreak(")")]);
  if (parent === "alias" || parent === "tuple" || parent === "type-arg") return members;
  return group(indent([softline, members]));
}

function intersectionLayout(types: TsType[]): Layout {
  let wasIndented = false;
  const parts = types.map((type, index) => {
    const doc = typeLayout(type, "intersection");
    if (index === 0) return doc;
    const current = isObjectType(type);
    const previous = isObjectType(types[index - 1]!);
    if (previous && current) return [" & ", wasIndented ? indent(doc) : doc];
    if (!previous && !current) return indent([" &", line, doc]);
    if (index > 1) wasIndented = true;
    return [" & ", index > 1 ? indent(doc) : doc];
  });
  return group(parts);
}

function tupleLayout(type: TsType & { t: "tuple" }): Layout {
  const count = type.elements.length + (type.rest ? 1 : 0);
  if (count === 0) return "[]";
  const elementParent: Parent = count > 1 ? "tuple-many" : "tuple";
  const items: Layout[] = type.elements.map((e) => typeLayout(e, elementParent));
  if (type.rest) items.push(["...", typeLayout({ t: "array", element: type.rest }, elementParent)]);
  return group(["[", indent([softline, join([",", line], items)]), ifBreak(","), softline, "]"]);
}

/**
 * JSDoc block as prettier re-indents it: one `*` line per text line.
 *
 * `@see` and `@link` are written `&#64;see` / `&#64;link` (editors render the entity as `@`):
 * tsc fully parses any JSDoc comment that mentions either of them, even in declaration files it
 * otherwise only scans, and on GitHub's client that parsing was a fifth of what a consumer's
 * type-check paid for our declarations.
 */
export function jsdocLayout(lines: string[]): Layout {
  lines = lines.map(defuseTsdocReferences);
  if (lines.length === 1 && !lines[0]!.includes("*/")) return `/** ${lines[0]} */`;
  const body = lines.map((l) => (l === "" ? " *" : ` * ${l}`));
  return join(hardline, ["/**", ...body, " */"]);
}

function defuseTsdocReferences(line: string): string {
  return SEE_OR_LINK.test(line) ? line.replace(SEE_OR_LINK_ALL, "&#64;$1") : line;
}
// The pattern tsc's scanner tests comments with (`jsDocSeeOrLink`).
const SEE_OR_LINK = /@(see|link)/i;
const SEE_OR_LINK_ALL = /@(see|link)/gi;

/**
 * The one-line rendering of `type` (what its document prints in flat mode), or null when it
 * cannot be on one line (it holds a non-empty object type, which always breaks).
 */
export function flatType(type: TsType, parent: Parent = "annotation"): string | null {
  switch (type.t) {
    case "keyword":
      return type.name;
    case "literal":
      return type.text;
    case "ref": {
      if (!type.args) return refText(type);
      const args = flatList(type.args, "type-arg");
      return args === null ? null : `${refText(type)}<${args.join(", ")}>`;
    }
    case "array": {
      const element = flatType(type.element, "array");
      return element === null ? null : element + "[]";
    }
    case "tuple": {
      const count = type.elements.length + (type.rest ? 1 : 0);
      const elementParent: Parent = count > 1 ? "tuple-many" : "tuple";
      const items = flatList(type.elements, elementParent);
      if (items === null) return null;
      if (type.rest) {
        const rest = flatType({ t: "array", element: type.rest }, elementParent);
        if (rest === null) return null;
        items.push("..." + rest);
      }
      return `[${items.join(", ")}]`;
    }
    case "union":
    case "intersection": {
      const items = flatList(type.types, type.t);
      if (items === null) return null;
      const text = items.join(type.t === "union" ? " | " : " & ");
      return needsParens(type, parent) ? `(${text})` : text;
    }
    case "object":
      return type.members.length === 0 ? "{}" : null;
  }
}

function flatList(types: TsType[], parent: Parent): string[] | null {
  const out: string[] = [];
  for (const t of types) {
    const text = flatType(t, parent);
    if (text === null) return null;
    out.push(text);
  }
  return out;
}

export function memberLayout(member: TsMember): Layout {
  let head = member.readonly ? "readonly " : "";
  head += member.key === undefined ? "[key: string]" : propertyKey(member.key) + (member.optional ? "?" : "");
  const flat = flatType(member.type);
  // prettier lets an index signature's parameter list break: `[\n  key: string\n]: T`.
  const headLayout: Layout = member.key === undefined ? [member.readonly ? "readonly " : "", "[", group([indent([softline, "key: string"]), softline]), "]"] : head;
  const full = (): Layout => group([headLayout, ": ", typeLayout(member.type, "annotation")]);
  const printed = flat === null ? full() : lazyGroup(`${head}: ${flat}`, full);
  if (member.doc && member.doc.length > 0) return [jsdocLayout(member.doc), hardline, printed];
  return printed;
}

/** A type literal / interface body; always expanded (one member per line). */
export function objectLayout(members: TsMember[]): Layout {
  if (members.length === 0) return "{}";
  return group(["{", indent([line, join([";", line], members.map(memberLayout))]), ifBreak(";"), line, "}"], { shouldBreak: true });
}

/**
 * `export type Name = T;` with prettier's assignment layouts: a union that does not hug breaks
 * after `=` first ("break-after-operator"), everything else is "fluid".
 */
export function typeAliasLayout(name: string, type: TsType, prefix = "export "): Layout {
  const full = (): Layout => {
    const rhs = typeLayout(type, "alias");
    const left = group(["type ", name]);
    if (type.t === "union" && !shouldHugUnion(type.types)) {
      return group([left, " =", group(indent([line, rhs]))]);
    }
    const id = Symbol("assignment");
    return group([left, " =", group(indent(line), { id }), indentIfBreak(rhs, id)]);
  };
  const flat = flatType(type, "alias");
  return [prefix, flat === null ? full() : lazyGroup(`type ${name} = ${flat}`, full), ";"];
}

/**
 * `interface Name extends A.B, C.D { … }`. `heritage` holds qualified names (`P.Owner`): prettier
 * moves a qualified heritage clause to its own line as a whole before breaking the list, one
 * base per line, under `extends`.
 */
export function interfaceLayout(name: string, members: TsMember[], prefix = "export ", heritage: readonly string[] = []): Layout {
  if (heritage.length === 0) return [prefix, "interface ", name, " ", objectLayout(members)];
  if (heritage.some((h) => !h.includes("."))) throw new Error(`interfaceLayout: heritage must be qualified names, got ${heritage.join(", ")}`);
  const clause: Layout = heritage.length === 1 ? group(["extends ", heritage[0]!]) : ["extends", group(indent([line, join([",", line], [...heritage])]))];
  return [prefix, "interface", group([" ", name, indent([line, clause])]), " ", objectLayout(members)];
}

// The types half of a namespace module (`<namespace>.d.ts`): per operation a named Params
// interface, Response / Error / Item aliases, and the `<Ns>Methods` interface of method types.
// Printed through the shared prettier-style document printer, so no formatting pass is needed.
import type { NamespaceModel, OperationModel, ResponseVariant } from "../model/api.js";
import { collectRefs, type SchemaNode } from "../model/schema.js";
import { group, hardline, ifBreak, indent, join, line, printLayout, type Layout } from "./layout.js";
import { stringLiteral } from "./types/literals.js";
import { interfaceLayout, kw, typeAliasLayout, union, type TsMember, type TsType } from "./types/ts-ast.js";
import { docLines, paragraphs } from "./jsdoc.js";
import type { SharedParams } from "./shared-params.js";

export type Direction = "request" | "response";
/** Converts a schema node to a type AST; component refs print as `S.<Name>`. */
export type SchemaToType = (node: SchemaNode, direction: Direction) => TsType;

const ref = (name: string, args?: TsType[]): TsType => (args ? { t: "ref", name, args } : { t: "ref", name });

/** What a binary request body accepts (runtime/body.ts encodes each of these). */
const binaryBody: TsType = ref("BinaryInput");

/** Field name -> file or text, for multipart bodies without an object schema. */
const multipartFields: TsType = ref("Record", [kw("string"), union([ref("BlobLike"), ref("Uint8Array"), kw("string")])]);

/**
 * Runtime types a printed module body may name (structural stand-ins for Blob and streams, so
 * consumers need neither the DOM lib nor @types/node); imported when the body uses them.
 */
export function runtimeTypesUsed(body: string): string[] {
  return ["BinaryInput", "BlobLike"].filter((name) => new RegExp(`\\b${name}\\b`).test(body));
}

export function importLayout(names: string[], from: string, typeOnly = true, keyword = "import"): Layout {
  // prettier never breaks an import with a single specifier.
  if (names.length === 1 && keyword === "import") return `${typeOnly ? "import type" : "import"} { ${names[0]} } from ${stringLiteral(from)};`;
  return group([
    typeOnly ? `${keyword} type {` : `${keyword} {`,
    indent([line, join([",", line], names)]),
    ifBreak(","),
    line,
    "} from ",
    stringLiteral(from),
    ";",
  ]);
}

function bodyType(op: OperationModel, toType: SchemaToType): TsType {
  const body = op.body!;
  if (body.kind === "binary") return binaryBody;
  // A multipart body declared as one binary string (Jira attachments): any named file fields.
  if (body.kind === "multipart" && (!body.schema || body.schema.kind === "primitive" || body.schema.kind === "unknown")) return multipartFields;
  if (body.schema) return toType(body.schema, "request");
  return body.kind === "text" ? kw("string") : kw("unknown");
}

function variantType(v: ResponseVariant, toType: SchemaToType): TsType | undefined {
  switch (v.kind) {
    case "empty":
      return undefined;
    case "text":
      return kw("string");
    case "binary":
      return ref("Uint8Array");
    case "json":
      return v.schema ? toType(v.schema, "response") : kw("unknown");
  }
}

function responseType(op: OperationModel, toType: SchemaToType): TsType {
  const types = op.success.map((v) => variantType(v, toType)).filter((t): t is TsType => t !== undefined);
  if (!types.length) return ref("void");
  // A declared bodiless success (204 beside a 200) decodes to undefined.
  if (op.success.some((v) => v.kind === "empty")) types.push(kw("undefined"));
  return union(types);
}

function errorType(op: OperationModel, toType: SchemaToType): TsType {
  const types = op.errors.map((v) => variantType(v, toType)).filter((t): t is TsType => t !== undefined);
  return types.length ? union(types) : kw("unknown");
}

export function isRequired(op: OperationModel): boolean {
  return op.params.some((p) => p.required) || op.body?.required === true;
}

export function methodTypeName(op: OperationModel): string {
  return (op.paginate ? "PaginatedMethod" : "Method") + (isRequired(op) ? "" : "Opt");
}

export function paramsMembers(op: OperationModel, toType: SchemaToType): TsMember[] {
  const members: TsMember[] = op.params.map((p) => {
    const tags: string[] = [];
    if (p.schema.default !== undefined) tags.push(`@default ${JSON.stringify(p.schema.default)}`);
    if (p.deprecated) tags.push("@deprecated");
    const doc = [...docLines(p.description), ...tags];
    const m: TsMember = { key: p.property, type: toType(p.schema, "request") };
    if (!p.required) m.optional = true;
    if (doc.length) m.doc = doc;
    return m;
  });
  if (op.body) {
    const m: TsMember = { key: "body", type: bodyType(op, toType) };
    if (!op.body.required) m.optional = true;
    const doc = docLines(op.body.description);
    if (doc.length) m.doc = doc;
    members.push(m);
  }
  return members;
}

function methodDoc(op: OperationModel): string[] {
  const summary = docLines(op.summary);
  const description = docLines(op.description);
  const same = summary.join("\n") === description.join("\n");
  const tags: string[] = [];
  if (op.deprecated) tags.push("@deprecated");
  // A markdown link rather than `@see`: editors show both as a link, and `@see` would make
  // every consumer's tsc parse this whole comment (see jsdocLayout).
  const docs = op.docsUrl ? docLines(`[API documentation](${op.docsUrl})`) : [];
  return paragraphs(summary, same ? [] : description, docs, tags);
}

/** Schema nodes an operation's types are printed from (to know whether `S` is imported). */
function nodesOf(op: OperationModel): SchemaNode[] {
  const out: SchemaNode[] = op.params.map((p) => p.schema);
  if (op.body?.schema) out.push(op.body.schema);
  for (const v of [...op.success, ...op.errors]) if (v.schema) out.push(v.schema);
  if (op.paginate) out.push(op.paginate.item);
  return out;
}

/**
 * The namespace's declarations. With `tableTs` (the `--format ts` layout) the operation table
 * follows the types in the same `.ts` module.
 */
export function namespaceDts(ns: NamespaceModel, header: string, toType: SchemaToType, tableTs?: string, shared?: SharedParams): string {
  const runtimeTypes = new Set<string>(tableTs ? ["OperationTable"] : []);
  let usesSchemas = false;
  let usesParams = false;
  const blocks: Layout[] = [];
  const methodMembers: TsMember[] = [];
  for (const op of ns.operations) {
    const t = op.typeName;
    const { own, bases } = shared ? shared.split(op) : { own: paramsMembers(op, toType), bases: [] };
    if (bases.length) usesParams = true;
    const decls: Layout[] = [
      interfaceLayout(`${t}Params`, own, "export ", bases),
      typeAliasLayout(`${t}Response`, responseType(op, toType)),
      typeAliasLayout(`${t}Error`, errorType(op, toType)),
    ];
    const args = [ref(`${t}Params`), ref(`${t}Response`), ref(`${t}Error`)];
    if (op.paginate) {
      decls.push(typeAliasLayout(`${t}Item`, toType(op.paginate.item, "response")));
      args.push(ref(`${t}Item`));
    }
    blocks.push(join(hardline, decls));
    const method = methodTypeName(op);
    runtimeTypes.add(method);
    const member: TsMember = { key: op.name, type: ref(method, args) };
    const doc = methodDoc(op);
    if (doc.length) member.doc = doc;
    methodMembers.push(member);
    if (!usesSchemas) usesSchemas = nodesOf(op).some((n) => collectRefs(n).size > 0);
  }
  blocks.push(interfaceLayout(`${ns.typeName}Methods`, methodMembers));
  const body = printLayout([join([hardline, hardline], blocks), hardline]);
  for (const name of runtimeTypesUsed(body)) runtimeTypes.add(name);
  const imports: Layout[] = [importLayout([...runtimeTypes].sort(), "alter-gen/runtime")];
  if (usesParams) imports.push('import type * as P from "./params.js";');
  if (usesSchemas) imports.push('import type * as S from "./schemas.js";');
  return header + "\n" + printLayout([join(hardline, imports), hardline, hardline]) + body + (tableTs ? "\n" + tableTs : "");
}

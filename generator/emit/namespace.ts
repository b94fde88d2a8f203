// The types half of a namespace module (`<namespace>.d.ts`): per operation a named Params
// interface, Response / Error / Item aliases, and the `<Ns>Methods` interface of method types.
// Printed through the prettier-style layout printer (layout.ts), so no formatting pass is needed;
// the output format (format.ts) adds the header, the imports and, for `ts`, the operation table.
import type { NamespaceModel, OperationModel, RepresentationModel, ResponseVariant } from "../model/api.js";
import { aliasDeclarations, type ModuleOf } from "./aliases.js";
import { Imports, importedRef, RUNTIME, type ModuleText } from "./imports.js";
import { docLines, paragraphs } from "./jsdoc.js";
import { hardline, join, printLayout, type Layout } from "./layout.js";
import type { SchemaToType } from "./schema-module.js";
import type { SharedParams } from "./shared-params.js";
import { interfaceLayout, kw, refText, typeAliasLayout, union, type TsMember, type TsType } from "./types/ts-ast.js";

/** The types of one namespace module. */
export interface NamespaceModule extends ModuleText {
  ns: NamespaceModel;
  /** Every type the module exports, in declaration order (an index.ts re-exports them by name). */
  typeNames: string[];
}

const ref = (name: string, args?: TsType[]): TsType => (args ? { t: "ref", name, args } : { t: "ref", name });

/** What a binary request body accepts (runtime/internal/body.ts encodes each of these). */
const binaryBody: TsType = importedRef(RUNTIME, "BinaryInput");

/** Field name -> file or text, for multipart bodies without an object schema. */
const multipartFields: TsType = ref("Record", [kw("string"), union([importedRef(RUNTIME, "BlobLike"), ref("Uint8Array"), kw("string")])]);

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

/**
 * `<Op>Representations`: media type → the answer's type in that representation, for the
 * `accept` option; the default representation is the operation's Response.
 */
function representationMembers(op: OperationModel, reps: RepresentationModel[], toType: SchemaToType): TsMember[] {
  const bodiless = op.success.some((v) => v.kind === "empty");
  return reps.map((r, i): TsMember => {
    if (i === 0) return { key: r.mediaType, type: ref(`${op.typeName}Response`) };
    const type = variantType({ status: "", kind: r.kind, ...(r.schema ? { schema: r.schema } : {}) }, toType);
    return { key: r.mediaType, type: type ? (bodiless ? union([type, kw("undefined")]) : type) : kw("undefined") };
  });
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
  return (op.representations ? "Represented" : "") + (op.paginate ? "PaginatedMethod" : "Method") + (isRequired(op) ? "" : "Opt");
}

/** The per-operation type names a method type takes, in its type-argument order. */
export function methodTypeSuffixes(op: OperationModel): string[] {
  return ["Params", "Response", "Error", ...(op.paginate ? ["Item"] : []), ...(op.representations ? ["Representations"] : [])];
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

/**
 * The namespace's declarations: per operation Params, Response, Error (and Item), the deprecated
 * aliases of renamed ones (aliases.ts), then `<Ns>Methods`.
 */
export function namespaceModule(ns: NamespaceModel, toType: SchemaToType, shared?: SharedParams, moduleOf: ModuleOf = () => undefined): NamespaceModule {
  const imports = new Imports();
  const typeNames: string[] = [];
  const blocks: Layout[] = [];
  const methodMembers: TsMember[] = [];
  const alias = (name: string, type: TsType): Layout => {
    imports.addType(type);
    typeNames.push(name);
    return typeAliasLayout(name, type);
  };
  for (const op of ns.operations) {
    const t = op.typeName;
    const { own, bases } = shared ? shared.split(op) : { own: paramsMembers(op, toType), bases: [] };
    imports.addMembers(own);
    for (const base of bases) imports.addType(base);
    typeNames.push(`${t}Params`);
    const decls: Layout[] = [
      interfaceLayout(`${t}Params`, own, "export ", bases.map(refText)),
      alias(`${t}Response`, responseType(op, toType)),
      alias(`${t}Error`, errorType(op, toType)),
    ];
    if (op.paginate) decls.push(alias(`${t}Item`, toType(op.paginate.item, "response")));
    if (op.representations) {
      const members = representationMembers(op, op.representations, toType);
      imports.addMembers(members);
      typeNames.push(`${t}Representations`);
      decls.push(interfaceLayout(`${t}Representations`, members));
    }
    const args = methodTypeSuffixes(op).map((suffix) => ref(t + suffix));
    blocks.push(join(hardline, decls));
    const method = importedRef(RUNTIME, methodTypeName(op), args);
    imports.addType(method);
    const member: TsMember = { key: op.name, type: method };
    const doc = methodDoc(op);
    if (doc.length) member.doc = doc;
    methodMembers.push(member);
  }
  const aliases = aliasDeclarations(ns, moduleOf, imports, methodTypeName, methodTypeSuffixes);
  blocks.push(...aliases.blocks);
  typeNames.push(...aliases.typeNames, `${ns.typeName}Methods`);
  blocks.push(interfaceLayout(`${ns.typeName}Methods`, [...methodMembers, ...aliases.members]));
  return { ns, imports, typeNames, body: printLayout([join([hardline, hardline], blocks), hardline]) };
}

// Resolves `$ref`s that point into other files (or URLs): schemas are hoisted into
// `components/schemas` under a stable name so recursion and sharing survive; anything else
// (a parameter, a response, a path item) is inlined. After this the document is self-contained.
import path from "node:path";
import { joinPointer, SpecError } from "../errors.js";
import { isUrl, parseText, readSource } from "./load.js";

type Json = Record<string, any>;

interface Ctx {
  files: Map<string, unknown>;
  hoisted: Map<string, string>;
  taken: Set<string>;
  schemas: Json;
  inlining: Set<string>;
}

function resolveLocation(base: string, ref: string): string {
  if (isUrl(ref)) return ref;
  if (isUrl(base)) return new URL(ref, base).toString();
  return path.resolve(path.dirname(base), ref);
}

export function decodePointer(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return pointer === "/" ? [""] : [];
  return pointer
    .replace(/^\//, "")
    .split("/")
    .map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function getPointer(doc: unknown, pointer: string): unknown {
  let cur: any = doc;
  for (const seg of decodePointer(pointer)) {
    if (cur === null || typeof cur !== "object" || !(seg in cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

function hasExternalRef(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasExternalRef);
  if (value === null || typeof value !== "object") return false;
  for (const [k, v] of Object.entries(value)) {
    if (k === "$ref" && typeof v === "string" && !v.startsWith("#")) return true;
    if (typeof v === "object" && hasExternalRef(v)) return true;
  }
  return false;
}

function schemaName(file: string, pointer: string, ctx: Ctx): string {
  const segs = decodePointer(pointer);
  const raw = segs.length ? segs[segs.length - 1]! : path.basename(file).replace(/\.(ya?ml|json)$/i, "");
  const base = raw.replace(/[^A-Za-z0-9_.-]/g, "_") || "Schema";
  let name = base;
  for (let i = 2; ctx.taken.has(name); i++) name = `${base}${i}`;
  ctx.taken.add(name);
  return name;
}

async function loadFile(file: string, ctx: Ctx, where: { file: string; pointer: string }): Promise<unknown> {
  if (ctx.files.has(file)) return ctx.files.get(file);
  let loaded;
  try {
    loaded = await readSource(file);
  } catch {
    throw new SpecError(`The $ref points to ${file}, which cannot be read.`, where);
  }
  const doc = parseText(loaded.text, file);
  ctx.files.set(file, doc);
  return doc;
}

export async function bundleExternalRefs(doc: Json, file: string): Promise<Json> {
  if (!hasExternalRef(doc)) return doc;
  const components = (doc.components ??= {});
  const schemas = (components.schemas ??= {});
  const ctx: Ctx = { files: new Map([[file, doc]]), hoisted: new Map(), taken: new Set(Object.keys(schemas)), schemas, inlining: new Set() };
  // The root document's own internal refs stay as they are; only other files' refs are rewritten.
  await walk(doc, file, "", false, true, ctx);
  return doc;
}

async function walk(node: any, file: string, pointer: string, inSchema: boolean, isRoot: boolean, ctx: Ctx): Promise<any> {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = await walk(node[i], file, joinPointer(pointer, i), inSchema, isRoot, ctx);
    return node;
  }
  if (node === null || typeof node !== "object") return node;
  if (typeof node.$ref === "string" && (!isRoot || !node.$ref.startsWith("#"))) {
    return resolveRef(node.$ref, file, pointer, inSchema, ctx);
  }
  for (const key of Object.keys(node)) {
    const childSchema = inSchema || key === "schema" || key === "schemas" || key === "definitions" || key === "items";
    node[key] = await walk(node[key], file, joinPointer(pointer, key), childSchema, isRoot, ctx);
  }
  return node;
}

async function resolveRef(ref: string, file: string, pointer: string, inSchema: boolean, ctx: Ctx): Promise<any> {
  const [target = "", fragment = ""] = ref.split("#", 2) as [string, string?];
  const targetFile = target ? resolveLocation(file, target) : file;
  const where = { file, pointer: joinPointer(pointer, "$ref") };
  const targetDoc = await loadFile(targetFile, ctx, where);
  const value = getPointer(targetDoc, fragment);
  if (value === undefined) {
    throw new SpecError(`The $ref "${ref}" does not resolve: ${targetFile} has nothing at ${fragment || "/"}.`, where);
  }
  const key = `${targetFile}#${fragment}`;
  if (inSchema) {
    const known = ctx.hoisted.get(key);
    if (known) return { $ref: `#/components/schemas/${known}` };
    const name = schemaName(targetFile, fragment, ctx);
    ctx.hoisted.set(key, name);
    const copy = structuredClone(value);
    ctx.schemas[name] = await walk(copy, targetFile, fragment, true, false, ctx);
    return { $ref: `#/components/schemas/${name}` };
  }
  if (ctx.inlining.has(key)) {
    throw new SpecError(`The $ref "${ref}" is circular outside a schema, so it cannot be inlined.`, where);
  }
  ctx.inlining.add(key);
  const copy = await walk(structuredClone(value), targetFile, fragment, false, false, ctx);
  ctx.inlining.delete(key);
  return copy;
}

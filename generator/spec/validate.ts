// Structural checks that turn a document the model cannot use into one clear error: the
// version, the shape of `paths`, and every internal `$ref` resolving to something (ref-positions.ts
// says which `$ref`s are references).
import { joinPointer, SpecError } from "../errors.js";
import { getPointer } from "./pointer.js";
import { isFileRef, walkRefs } from "./ref-positions.js";

type Json = Record<string, any>;

export type DocumentKind = { kind: "openapi"; version: "3.0" | "3.1" } | { kind: "swagger2" };

export function detectKind(doc: unknown, file: string): DocumentKind {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    const what = Array.isArray(doc) ? "an array" : doc === null ? "empty" : `a ${typeof doc}`;
    throw new SpecError(`This is not an OpenAPI document: the top level is ${what}, not an object with an "openapi" or "swagger" field.`, { file, pointer: "" });
  }
  const d = doc as Json;
  // An unquoted `openapi: 3.0` in YAML is the number 3.
  if (typeof d.openapi === "number") d.openapi = Number.isInteger(d.openapi) ? `${d.openapi}.0` : String(d.openapi);
  if (typeof d.openapi === "string") {
    if (/^3\.0(\.|$)/.test(d.openapi)) return { kind: "openapi", version: "3.0" };
    if (/^3\.1(\.|$)/.test(d.openapi)) return { kind: "openapi", version: "3.1" };
    throw new SpecError(`OpenAPI version "${d.openapi}" is not supported (3.0.x, 3.1.x and Swagger 2.0 are).`, { file, pointer: "/openapi" });
  }
  if (d.swagger !== undefined) {
    if (String(d.swagger) === "2.0" || d.swagger === 2) return { kind: "swagger2" };
    throw new SpecError(`Swagger version "${d.swagger}" is not supported (only 2.0 is).`, { file, pointer: "/swagger" });
  }
  const keys = Object.keys(d).slice(0, 5).join(", ");
  throw new SpecError(`This is not an OpenAPI document: it has no "openapi" or "swagger" field (top-level keys: ${keys || "none"}).`, { file, pointer: "" });
}

/**
 * Checks the document's shape and that its local refs resolve. Returns whether it refers to
 * other files (a `$ref` or a discriminator mapping value): then it is bundled and checked again
 * with `bundled`, when a ref outside is an error. One walk, so a document that is one file (almost
 * all, and the largest) pays for a single pass here.
 */
export function validateDocument(doc: Json, file: string, options: { bundled?: boolean } = {}): boolean {
  if (doc.paths !== undefined && (doc.paths === null || typeof doc.paths !== "object" || Array.isArray(doc.paths))) {
    throw new SpecError(`"paths" must be an object of path items.`, { file, pointer: "/paths" });
  }
  if (doc.paths === undefined && doc.webhooks === undefined) {
    throw new SpecError(`The document has no "paths" object, so there is nothing to generate.`, { file, pointer: "" });
  }
  let outside = false;
  let unresolved: SpecError | undefined;
  walkRefs(
    doc,
    "node",
    ({ holder, path }) => {
      const ref: string = holder.$ref;
      if (!ref.startsWith("#")) {
        if (options.bundled) throw new SpecError(`The $ref "${ref}" points outside the document and was not bundled.`, { file, pointer: joinPointer("", ...path, "$ref") });
        outside = true;
      } else if (unresolved === undefined && getPointer(doc, ref.slice(1)) === undefined) {
        unresolved = new SpecError(`The $ref "${ref}" does not resolve to anything in the document.`, { file, pointer: joinPointer("", ...path, "$ref") });
      }
    },
    ({ holder }) => void (outside ||= Object.values<unknown>(holder.discriminator.mapping).some((v) => typeof v === "string" && isFileRef(v))),
  );
  // A local ref may pass through one that bundling resolves: judged again once bundled.
  if (unresolved && !outside) throw unresolved;
  return outside && !options.bundled;
}

// Structural checks that turn a document the model cannot use into one clear error: the
// version, the shape of `paths`, and every internal `$ref` resolving to something.
import { joinPointer, SpecError } from "../errors.js";
import { getPointer } from "./bundle.js";

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

export function validateDocument(doc: Json, file: string): void {
  if (doc.paths !== undefined && (doc.paths === null || typeof doc.paths !== "object" || Array.isArray(doc.paths))) {
    throw new SpecError(`"paths" must be an object of path items.`, { file, pointer: "/paths" });
  }
  if (doc.paths === undefined && doc.webhooks === undefined) {
    throw new SpecError(`The document has no "paths" object, so there is nothing to generate.`, { file, pointer: "" });
  }
  checkRefs(doc, doc, "", file);
}

function checkRefs(root: Json, node: unknown, pointer: string, file: string): void {
  // Segments are kept on a stack and joined only for an error: a 13 MB document has ~1M nodes.
  const path: (string | number)[] = [];
  const at = () => joinPointer(pointer, ...path, "$ref");
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        if (v !== null && typeof v === "object") {
          path.push(i);
          visit(v);
          path.pop();
        }
      }
      return;
    }
    const obj = value as Json;
    const ref = obj.$ref;
    if (typeof ref === "string") {
      if (!ref.startsWith("#")) throw new SpecError(`The $ref "${ref}" points outside the document and was not bundled.`, { file, pointer: at() });
      if (getPointer(root, ref.slice(1)) === undefined) throw new SpecError(`The $ref "${ref}" does not resolve to anything in the document.`, { file, pointer: at() });
    }
    for (const k in obj) {
      const v = obj[k];
      if (v !== null && typeof v === "object") {
        path.push(k);
        visit(v);
        path.pop();
      }
    }
  };
  if (node !== null && typeof node === "object") visit(node);
}

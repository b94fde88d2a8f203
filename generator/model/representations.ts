// The representations of an operation's answer a caller may ask for by media type: every media
// type its 2xx responses declare (GitHub's repos/get-commit answers JSON, a diff, a patch or a
// sha), the one the response is typed from first. Only operations with more than one get a list,
// so the generated declarations grow for those few and no others.
import { joinPointer } from "../errors.js";
import type { RepresentationModel, ResponseVariant } from "./api.js";
import { representationsOf } from "./media.js";
import type { SchemaNode } from "./schema.js";

type Json = Record<string, any>;

export interface RepresentationSource {
  /** Follows `$ref`s of response objects. */
  deref(value: Json, pointer: string): { value: Json; pointer: string };
  /** Normalizes a raw schema found at `pointer`. */
  schema(raw: unknown, pointer: string): SchemaNode;
}

/**
 * `success` is the operation's typed answer (its first non-empty variant names the default
 * representation). Returns undefined when the 2xx answers declare one representation or none.
 */
export function operationRepresentations(op: Json, pointer: string, success: readonly ResponseVariant[], src: RepresentationSource): RepresentationModel[] | undefined {
  const found = new Map<string, RepresentationModel>();
  for (const status of Object.keys(op.responses ?? {}).sort()) {
    if (!/^2/.test(status)) continue;
    const r = src.deref(op.responses[status], joinPointer(pointer, "responses", status));
    const content = r.value?.content;
    if (!content || typeof content !== "object") continue;
    for (const { mediaType, key, kind } of representationsOf(content)) {
      if (found.has(mediaType)) continue;
      const rep: RepresentationModel = { mediaType, kind };
      const raw = content[key]?.schema;
      if (kind === "json" && raw !== undefined) rep.schema = src.schema(raw, joinPointer(r.pointer, "content", key, "schema"));
      found.set(mediaType, rep);
    }
  }
  if (found.size < 2) return undefined;
  const answered = success.find((v) => v.kind !== "empty");
  const chosen = answered?.mediaType?.split(";")[0]!.trim().toLowerCase();
  const first = chosen !== undefined ? found.get(chosen) : undefined;
  // The default is what the operation's Response is typed and decoded as: its kind, and its
  // schema held once, in `success`.
  if (first) {
    first.kind = answered!.kind;
    delete first.schema;
  }
  const others = [...found.values()].filter((r) => r !== first).sort((a, b) => (a.mediaType < b.mediaType ? -1 : a.mediaType > b.mediaType ? 1 : 0));
  return first ? [first, ...others] : others;
}

// A call that asks for another representation of the answer (`accept` in its options): the
// operation as that call sees it, with the chosen media type as its Accept and that
// representation's response kind. Everything downstream (the plan's headers, how the body is
// read and decoded, an approval's result) reads those two fields, so nothing else changes.
import type { OperationSpec } from "../operation.js";
import { AlterValueError } from "../errors.js";

// One derived operation per (operation, media type), so a representation's call plan is worked
// out once and cached like the operation's own (call-plan.ts keys plans by operation).
const derived = new WeakMap<OperationSpec, Map<string, OperationSpec>>();

/** `op` as a call with `options.accept === accept` sees it; an AlterValueError names what may be asked for. */
export function representedOperation(op: OperationSpec, accept: unknown): OperationSpec {
  const reps = op.representations;
  if (typeof accept !== "string") {
    throw new AlterValueError(`${op.id}: options.accept must be a media type string, got ${accept === null ? "null" : typeof accept}`);
  }
  const mediaType = accept.split(";")[0]!.trim().toLowerCase();
  const kind = reps && Object.hasOwn(reps, mediaType) ? reps[mediaType] : undefined;
  if (!kind) {
    const offered = reps ? `it answers ${Object.keys(reps).join(", ")}` : "its document declares one representation, so leave accept out (headers.accept sets the header alone)";
    throw new AlterValueError(`${op.id}: options.accept ${JSON.stringify(accept)} is not a representation of this operation: ${offered}`);
  }
  let byType = derived.get(op);
  if (!byType) derived.set(op, (byType = new Map()));
  let chosen = byType.get(mediaType);
  if (!chosen) byType.set(mediaType, (chosen = Object.freeze({ ...op, accept: mediaType, response: kind })));
  return chosen;
}

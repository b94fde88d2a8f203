// Errors the CLI turns into one clear paragraph and exit code 2 (never a stack trace). The
// location and its paragraph come from InputError (catalog/errors.ts), shared with the catalog.
import { InputError } from "../catalog/index.js";

export { joinPointer, pointerSegment, type Location } from "../catalog/index.js";

export class GeneratorError extends InputError {
  override name = "GeneratorError";
}

/** The input document is not a valid or supported OpenAPI document. */
export class SpecError extends GeneratorError {
  override name = "SpecError";
}

/** The command line or config file asked for something impossible. */
export class UsageError extends GeneratorError {
  override name = "UsageError";
}

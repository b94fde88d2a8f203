// Errors the CLI turns into one clear paragraph and exit code 2 (never a stack trace).

/** Where in the input something is wrong. */
export interface Location {
  file?: string;
  /** RFC 6901 JSON pointer inside the file, e.g. `/paths/~1pets/get/responses/200`. */
  pointer?: string;
  /** The CLI flag or config key at fault. */
  flag?: string;
}

export class GeneratorError extends Error {
  override name = "GeneratorError";
  readonly location: Location;
  constructor(message: string, location: Location = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.location = location;
  }

  /** The paragraph the CLI prints. */
  describe(): string {
    const where = [
      this.location.file && `file ${this.location.file}`,
      this.location.pointer !== undefined && `at ${this.location.pointer || "/"}`,
      this.location.flag && `flag ${this.location.flag}`,
    ].filter(Boolean);
    return where.length ? `${this.message} (${where.join(", ")})` : this.message;
  }
}

/** The input document is not a valid or supported OpenAPI document. */
export class SpecError extends GeneratorError {
  override name = "SpecError";
}

/** The command line or config file asked for something impossible. */
export class UsageError extends GeneratorError {
  override name = "UsageError";
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

export function joinPointer(base: string, ...segments: (string | number)[]): string {
  return base + segments.map((s) => "/" + pointerSegment(s)).join("");
}

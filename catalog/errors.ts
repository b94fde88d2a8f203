// Bad input named by where it is wrong. The catalog is the lowest module of the toolchain, so the
// shape lives here: the catalog's errors and the generator's (generator/errors.ts) both extend
// InputError, and the CLI prints any of them as one paragraph with exit code 2.

/** Where in the input something is wrong. */
export interface Location {
  file?: string;
  /** RFC 6901 JSON pointer inside the file, e.g. `/paths/~1pets/get/responses/200`. */
  pointer?: string;
  /** The CLI flag or config key at fault. */
  flag?: string;
}

export class InputError extends Error {
  override name = "InputError";
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

/** specs/providers.yaml, specs/specs.lock.json or a pinned document is wrong or missing. */
export class CatalogError extends InputError {
  override name = "CatalogError";
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  const text = String(segment);
  // Most segments (names, keywords, indexes) hold neither character: no regex pass for them.
  return text.includes("~") || text.includes("/") ? text.replace(/~/g, "~0").replace(/\//g, "~1") : text;
}

export function joinPointer(base: string, ...segments: (string | number)[]): string {
  let out = base;
  for (const segment of segments) out += "/" + pointerSegment(segment);
  return out;
}

// What a regeneration changes in a client's public API, as data: the diff command's JSON output
// is exactly these types, and the text and markdown reports (report.ts) are printed from them.
// Nothing here loads the TypeScript compiler.

/**
 * - breaking: code that compiled against the old client can fail to compile (or behave
 *   differently) against the new one;
 * - deprecated: an old name still works, as an alias that will go (names.lock.json);
 * - additive: new things only.
 */
export type Impact = "breaking" | "deprecated" | "additive";

export type ChangeKind =
  | "method-added"
  | "method-removed"
  | "method-renamed"
  | "param-added"
  | "param-required"
  | "param-removed"
  | "param-type-changed"
  | "response-property-added"
  | "response-property-removed"
  | "response-property-optional"
  | "response-type-changed"
  | "enum-values-added"
  | "enum-values-removed";

/** Where a consumer's code uses what changed. */
export interface CallSite {
  /** Relative to the working directory, with forward slashes. */
  file: string;
  line: number;
  column: number;
  /** The source line, trimmed. */
  text: string;
}

export interface ApiChange {
  kind: ChangeKind;
  impact: Impact;
  /** `namespace.method` as the old client names it (the new one for an added method). */
  method: string;
  /** The method's new name, when it was renamed. */
  renamedTo?: string;
  operationId?: string;
  /** The parameter or response property, as a dot path (`body.owner.name`, `items[].id`). */
  path?: string;
  /** Whether `path` is in the parameters or the response. */
  side?: "params" | "response";
  /** The type before and after, as TypeScript prints them. */
  before?: string;
  after?: string;
  /** Enum values added or removed. */
  values?: string[];
  /** For an alias: the last day it is promised (YYYY-MM-DD). */
  until?: string;
  /** One sentence a person reads. */
  message: string;
  /** The consumer's uses of the method (with `--project`). */
  callSites?: CallSite[];
}

export interface ClientDiff {
  id: string;
  /** The client folder compared (relative to the working directory). */
  dir: string;
  /** False when the folder held no client yet: everything is new. */
  existed: boolean;
  changes: ApiChange[];
  summary: Record<Impact, number>;
}

export interface DiffReport {
  clients: ClientDiff[];
  /** The consumer's tsconfig the call sites come from (`--project`), relative to the working directory. */
  project?: string;
  summary: Record<Impact, number>;
}

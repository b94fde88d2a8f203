// Curation of a provider's generated tools table (generator/emit/tools/): which operations become
// tools and what a single tool is called. The same shape is written in three places, so it is
// parsed once here with the caller's own error: a catalog entry's `tools` (specs/providers.yaml),
// a config file entry's `tools` (alter-gen.config.yaml) and an operation's `x-alter-tool`
// extension in the document.

/** What one operation's tool says instead of what the generator derives. */
export interface ToolOverride {
  /** Must match `^[a-zA-Z0-9_-]{1,64}$` and be unique in the table. */
  name?: string;
  title?: string;
  description?: string;
  /** Leave this operation out of the tools table (`x-alter-tool: false` says the same). */
  exclude?: boolean;
  readOnly?: boolean;
  destructive?: boolean;
  idempotent?: boolean;
}

export interface ToolsConfig {
  /** Default true; `tools: false` writes no tools.js. */
  enabled?: boolean;
  /**
   * Patterns (`*` matches any run of characters) matched against an operation's id, namespace,
   * `namespace.method`, tags and tool name: only matching operations become tools (all when empty).
   */
  include?: string[];
  exclude?: string[];
  /** Only read-only tools (GET and HEAD, or those an override marks read-only). */
  readOnly?: boolean;
  /** operationId -> override. */
  overrides?: Record<string, ToolOverride>;
}

export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

const OVERRIDE_KEYS = ["name", "title", "description", "exclude", "readOnly", "destructive", "idempotent"] as const;
const TOOLS_KEYS = ["enabled", "include", "exclude", "readOnly", "overrides"] as const;

/** Reports a problem at a JSON pointer below the value being parsed (`""` = the value itself); never returns. */
export type FailAt = (pointer: string, message: string) => never;

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function keysOf(o: Record<string, unknown>, allowed: readonly string[], fail: FailAt, at: string): void {
  for (const key of Object.keys(o)) if (!allowed.includes(key)) fail(`${at}/${key}`, `is not a known field; allowed: ${allowed.join(", ")}`);
}

/** `x-alter-tool` / an override entry: a mapping of OVERRIDE_KEYS, or `false` for `{ exclude: true }`. */
export function parseToolOverride(value: unknown, fail: FailAt, at = ""): ToolOverride {
  if (value === false) return { exclude: true };
  if (!isMapping(value)) return fail(at, "must be false or a mapping of name, title, description, exclude, readOnly, destructive, idempotent");
  keysOf(value, OVERRIDE_KEYS, fail, at);
  const out: ToolOverride = {};
  for (const key of ["name", "title", "description"] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== "string" || !v.trim()) fail(`${at}/${key}`, "must be a non-empty string");
    out[key] = v.trim();
  }
  if (out.name !== undefined && !TOOL_NAME_PATTERN.test(out.name)) fail(`${at}/name`, `"${out.name}" is not a valid tool name (1 to 64 of a-z, A-Z, 0-9, _ and -)`);
  for (const key of ["exclude", "readOnly", "destructive", "idempotent"] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== "boolean") fail(`${at}/${key}`, "must be true or false");
    out[key] = v;
  }
  return out;
}

function patternList(value: unknown, fail: FailAt, at: string): string[] {
  if (typeof value === "string") value = value.split(",");
  if (!Array.isArray(value)) return fail(at, "must be a pattern or a list of patterns");
  return value.map((v, i) => {
    if (typeof v !== "string" || !v.trim()) fail(`${at}/${i}`, "must be a non-empty pattern");
    return (v as string).trim();
  });
}

/** A `tools` field: `false`, or a mapping of TOOLS_KEYS. */
export function parseToolsConfig(value: unknown, fail: FailAt, at = ""): ToolsConfig {
  if (value === false) return { enabled: false };
  if (value === true) return {};
  if (!isMapping(value)) return fail(at, "must be false or a mapping of enabled, include, exclude, readOnly, overrides");
  keysOf(value, TOOLS_KEYS, fail, at);
  const out: ToolsConfig = {};
  for (const key of ["enabled", "readOnly"] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== "boolean") fail(`${at}/${key}`, "must be true or false");
    out[key] = v;
  }
  if (value.include !== undefined) out.include = patternList(value.include, fail, `${at}/include`);
  if (value.exclude !== undefined) out.exclude = patternList(value.exclude, fail, `${at}/exclude`);
  if (value.overrides !== undefined) {
    if (!isMapping(value.overrides)) fail(`${at}/overrides`, "must be a mapping of operationId -> override");
    out.overrides = {};
    for (const [id, o] of Object.entries(value.overrides as Record<string, unknown>)) {
      out.overrides[id] = parseToolOverride(o, fail, `${at}/overrides/${id.replace(/~/g, "~0").replace(/\//g, "~1")}`);
    }
  }
  return out;
}

/** `b` layered over `a` (lists add up, switches and overrides of `b` win). */
export function mergeToolsConfig(a: ToolsConfig | undefined, b: ToolsConfig | undefined): ToolsConfig {
  const out: ToolsConfig = { ...a, ...b };
  if (a?.include || b?.include) out.include = [...(a?.include ?? []), ...(b?.include ?? [])];
  if (a?.exclude || b?.exclude) out.exclude = [...(a?.exclude ?? []), ...(b?.exclude ?? [])];
  if (a?.overrides || b?.overrides) out.overrides = { ...a?.overrides, ...b?.overrides };
  return out;
}

// Which of the tables' tools a server offers: include/exclude patterns, a read-only switch, and
// names made unique when several providers share one server. Pure functions over the tables.
import { AlterValueError, type ToolDefinition, type ToolsTable } from "../../runtime/index.js";

/** Curation of a provider's tools. Patterns are globs (`*` any run of characters) matched against the tool name, `namespace.method` and the operationId. */
export interface ToolSelection {
  /** Only tools matching one of these; @default every tool */
  include?: readonly string[];
  /** Never tools matching one of these (wins over `include`). */
  exclude?: readonly string[];
  /** Only tools whose annotations say read-only (GET, HEAD). @default false */
  readOnly?: boolean;
}

/** One tool as the server offers it: the name the model sees and what it calls. */
export interface OfferedTool {
  readonly name: string;
  readonly definition: ToolDefinition;
  readonly table: ToolsTable;
}

const MAX_NAME = 64;

export function selectTools(tables: readonly ToolsTable[], selection: ToolSelection = {}): OfferedTool[] {
  if (tables.length === 0) throw new AlterValueError("createMcpServer needs at least one tools table (generated/<provider>/tools.js)");
  const include = (selection.include ?? []).map(globToRegExp);
  const exclude = (selection.exclude ?? []).map(globToRegExp);
  // With several providers on one server, names carry the provider id so that none collide.
  const prefixed = tables.length > 1;
  const offered: OfferedTool[] = [];
  const seen = new Map<string, string>();
  for (const table of tables) {
    for (const definition of table.definitions) {
      const keys = [definition.name, `${definition.operation.namespace}.${definition.operation.method}`, definition.operation.id];
      if (include.length > 0 && !include.some((re) => keys.some((k) => re.test(k)))) continue;
      if (exclude.some((re) => keys.some((k) => re.test(k)))) continue;
      if (selection.readOnly && !definition.annotations.readOnlyHint) continue;
      const name = prefixed ? prefixName(table.provider.id, definition.name) : definition.name;
      const other = seen.get(name);
      if (other !== undefined) throw new AlterValueError(`Two tools would be offered as "${name}" (${other} and ${table.provider.id}); exclude one of them.`);
      seen.set(name, table.provider.id);
      offered.push({ name, definition, table });
    }
  }
  return offered;
}

function prefixName(provider: string, name: string): string {
  const full = `${provider.replace(/[^A-Za-z0-9_-]/g, "_")}__${name}`;
  return full.length <= MAX_NAME ? full : full.slice(0, MAX_NAME);
}

function globToRegExp(pattern: string): RegExp {
  if (typeof pattern !== "string" || pattern === "") throw new AlterValueError("a tool pattern must be a non-empty string (a glob such as repos.* or issues_list_*)");
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "i");
}

/** Patterns that matched nothing: almost always a typo the operator wants to hear about. */
export function unmatchedPatterns(tables: readonly ToolsTable[], patterns: readonly string[]): string[] {
  return patterns.filter((p) => {
    const re = globToRegExp(p);
    return !tables.some((t) => t.definitions.some((d) => [d.name, `${d.operation.namespace}.${d.operation.method}`, d.operation.id].some((k) => re.test(k))));
  });
}

// A client's tools table: which operations become tools (curation by patterns, the read-only
// switch and per-operation overrides from the document's `x-alter-tool`, the catalog or the
// config file), their names, and their definitions in namespace, then method order.
import type { ToolOverride, ToolsConfig } from "../../../catalog/index.js";
import { GeneratorError } from "../../errors.js";
import type { ApiModel, NamespaceModel, OperationModel } from "../../model/api.js";
import type { Data } from "../js-data.js";
import { toolAnnotations, toolDefinition } from "./definition.js";
import { assignToolNames, snakeToolName } from "./names.js";

/** What the tools module prints: the definitions and the namespaces they call into. */
export interface ToolsModule {
  definitions: Record<string, Data>[];
  /** Namespaces (with their module file) that at least one tool calls, sorted by name. */
  namespaces: Pick<NamespaceModel, "name" | "file">[];
}

/** `*` matches any run of characters; everything else literally. */
export function patternMatches(pattern: string, key: string): boolean {
  if (!pattern.includes("*")) return pattern === key;
  const re = new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return re.test(key);
}

/** The keys a pattern is matched against: id, namespace, `namespace.method`, tags, tool name. */
function keysOf(op: OperationModel, toolName: string): string[] {
  return [op.id, op.namespace, `${op.namespace}.${op.name}`, ...op.tags, toolName];
}

/** The document's override with the catalog's / config's over it. */
export function overrideOf(op: OperationModel, config: ToolsConfig): ToolOverride {
  return { ...op.tool, ...config.overrides?.[op.id] };
}

/** Whether `op` becomes a tool under `config`. */
export function keepsTool(op: OperationModel, toolName: string, override: ToolOverride, config: ToolsConfig): boolean {
  if (override.exclude) return false;
  const keys = keysOf(op, toolName);
  const any = (patterns: string[] | undefined) => (patterns ?? []).some((p) => keys.some((k) => patternMatches(p, k)));
  if (config.include?.length && !any(config.include)) return false;
  if (any(config.exclude)) return false;
  return !config.readOnly || toolAnnotations(op, override).readOnlyHint;
}

/** The tools table of `model` under `config`. */
export function buildToolsModule(model: ApiModel, config: ToolsConfig): ToolsModule {
  const kept: { op: OperationModel; override: ToolOverride; requested: string }[] = [];
  for (const ns of model.namespaces) {
    for (const op of ns.operations) {
      const override = overrideOf(op, config);
      const requested = override.name ?? snakeToolName(op.namespace, op.name);
      if (keepsTool(op, requested, override, config)) kept.push({ op, override, requested });
    }
  }
  const names = assignToolNames(
    kept.map((k) => ({ name: k.requested, fixed: k.override.name !== undefined, key: k.op.id })),
    (i, j) => {
      throw new GeneratorError(`The tool name "${kept[i]!.requested}" of ${kept[i]!.op.id} is also the tool name of ${kept[j]!.op.id}; give one of them another x-alter-tool name.`, {
        pointer: `${kept[i]!.op.pointer}/x-alter-tool/name`,
      });
    },
  );
  const used = new Set(kept.map((k) => k.op.namespace));
  return {
    definitions: kept.map((k, i) => toolDefinition(k.op, names[i]!, model.schemas, k.override)),
    namespaces: model.namespaces.filter((ns) => used.has(ns.name)).map((ns) => ({ name: ns.name, file: ns.file })),
  };
}

// Every generator option with its values and default, declared once. The command line
// (generator/commands/), the config file (config.ts) and generateClient() read them from here;
// catalog entries set namespaceBy and methodNames per provider with the same values.
import { METHOD_NAMES, NAMESPACE_BY, type MethodNames, type NamespaceBy } from "../catalog/index.js";
import { OUTPUT_FORMATS, type OutputFormatName } from "./emit/format.js";
import { WORKSPACE_GENERATED } from "./version.js";

export type { MethodNames, NamespaceBy, OutputFormatName };

/** An option that takes one of a few words. */
export interface ChoiceOption<T extends string> {
  values: readonly T[];
  default: T;
}

export const options = {
  /** How the operations of a document outside the catalog are grouped into modules. */
  namespaceBy: { values: NAMESPACE_BY, default: "tag" } satisfies ChoiceOption<NamespaceBy>,
  /**
   * Where method names come from: the operationId, (`resource`) the HTTP method and path, or
   * (`auto`) the operationId unless it only echoes the path. Catalog entries default to
   * `operationId` (their published names are curated), documents outside the catalog to `auto`.
   */
  methodNames: { values: METHOD_NAMES, default: "auto", catalogDefault: "operationId" } satisfies ChoiceOption<MethodNames> & { catalogDefault: MethodNames },
  /** js: .js data + .d.ts types (cheap for consumers' type-checks); ts: single .ts modules. */
  format: { values: OUTPUT_FORMATS, default: "js" } satisfies ChoiceOption<OutputFormatName>,
  /** Where `--provider` / `--spec` clients go: `<out>/<id>/`, relative to the working directory. */
  out: { default: "clients" },
  /** Where `--all` puts the catalog clients: the workspace's generated/ folder, else `out`'s. */
  allOut: { default: WORKSPACE_GENERATED ?? "clients" },
  /** Picked up from the working directory when no target flag is given. */
  configFile: { default: "alter-gen.config.yaml" },
} as const;

/** `"a", "b" or "c"`: an option's values as an error message lists them. */
export function quotedChoices(values: readonly string[]): string {
  const quoted = values.map((v) => `"${v}"`);
  return quoted.length < 2 ? quoted.join("") : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}

/** Whether `value` is one of the option's values. */
export function isChoice<T extends string>(option: ChoiceOption<T>, value: unknown): value is T {
  return typeof value === "string" && (option.values as readonly string[]).includes(value);
}

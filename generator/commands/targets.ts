// Which clients a generate run writes and where: from --all, --provider, --spec or a config file.
import { existsSync } from "node:fs";
import path from "node:path";
import { mergeToolsConfig, type ToolsConfig } from "../../catalog/index.js";
import { ID_PATTERN, listOption, loadConfigFile, type Target } from "../config.js";
import { UsageError } from "../errors.js";
import { options, type MethodNames, type OutputFormatName } from "../options.js";

/** The flags of the generate command, as commander parses them. */
export interface GenerateFlags {
  provider?: string[];
  all?: boolean;
  spec?: string;
  name?: string;
  out?: string;
  include?: string[];
  exclude?: string[];
  check?: boolean;
  config?: string;
  names?: boolean;
  quiet?: boolean;
  catalog?: string;
  format?: OutputFormatName;
  methodNames?: MethodNames;
  prettier?: boolean;
  toolsInclude?: string[];
  toolsExclude?: string[];
  toolsReadOnly?: boolean;
  /** commander's `--no-tools`: false when given. */
  tools?: boolean;
}

/** The tools flags as a ToolsConfig, or undefined when none was given. */
export function toolsFlags(flags: GenerateFlags): ToolsConfig | undefined {
  const out: ToolsConfig = {};
  const include = listOption(flags.toolsInclude);
  const exclude = listOption(flags.toolsExclude);
  if (include.length) out.include = include;
  if (exclude.length) out.exclude = exclude;
  if (flags.toolsReadOnly) out.readOnly = true;
  if (flags.tools === false) out.enabled = false;
  return Object.keys(out).length ? out : undefined;
}

/** The flags' tools curation layered over a target's (catalog entry or config file). */
export function withToolsFlags(target: Target, flags: GenerateFlags): Target {
  const fromFlags = toolsFlags(flags);
  return fromFlags ? { ...target, tools: mergeToolsConfig(target.tools, fromFlags) } : target;
}

export interface ResolvedTargets {
  /** `all`: every catalog provider, listed once the catalog is read. */
  targets: Target[] | "all";
  out: string;
  /** The flag or config pointer that chose `out`, for messages. */
  outFlag: string;
}

export async function resolveTargets(flags: GenerateFlags, cwd: string): Promise<ResolvedTargets> {
  const include = listOption(flags.include);
  const exclude = listOption(flags.exclude);
  const chosen = [flags.all && "--all", flags.provider?.length && "--provider", flags.spec && "--spec", flags.config && "--config"].filter(Boolean) as string[];
  if (chosen.length > 1) throw new UsageError(`Use one of --all, --provider, --spec and --config at a time (got ${chosen.join(" and ")}).`, { flag: chosen[1]! });
  if (flags.name && !flags.spec) throw new UsageError("--name names the client of a --spec document; catalog providers use their catalog id.", { flag: "--name" });
  if (flags.methodNames && !flags.spec) {
    throw new UsageError("--method-names applies to a --spec document; catalog providers set methodNames in specs/providers.yaml, config entries in alter-gen.config.yaml.", { flag: "--method-names" });
  }
  const outFlag = "--out";
  const resolveOut = (fallback: string) => path.resolve(cwd, flags.out ?? fallback);
  if (flags.all) return { targets: "all", out: resolveOut(options.allOut.default), outFlag };
  if (flags.provider?.length) {
    return { targets: flags.provider.map((id) => ({ kind: "catalog", id, include, exclude })), out: resolveOut(options.out.default), outFlag };
  }
  if (flags.spec) {
    if (!flags.name) throw new UsageError("--spec needs --name <id> to name the client (for example --name petstore).", { flag: "--name" });
    if (!ID_PATTERN.test(flags.name)) throw new UsageError(`"${flags.name}" is not a valid client id: use lower-case letters, digits and dashes.`, { flag: "--name" });
    const spec = /^https?:\/\//i.test(flags.spec) ? flags.spec : path.resolve(cwd, flags.spec);
    const target: Target = { kind: "spec", id: flags.name, name: flags.name, spec, namespaceBy: options.namespaceBy.default, include, exclude, flag: "--spec" };
    if (flags.methodNames) target.methodNames = flags.methodNames;
    return { targets: [target], out: resolveOut(options.out.default), outFlag };
  }
  const configFile = flags.config ? path.resolve(cwd, flags.config) : path.join(cwd, options.configFile.default);
  if (!flags.config && !existsSync(configFile)) {
    throw new UsageError(
      `Nothing to generate: give --provider <id>, --spec <file> --name <id>, --all, or a config file (${options.configFile.default} in the current folder). See alter-gen --help.`,
    );
  }
  const config = await loadConfigFile(configFile, flags.config ? "--config" : undefined);
  for (const t of config.targets) {
    t.include = [...t.include, ...include];
    t.exclude = [...t.exclude, ...exclude];
  }
  return {
    targets: config.targets,
    out: flags.out ? path.resolve(cwd, flags.out) : (config.out ?? path.resolve(cwd, options.out.default)),
    outFlag: flags.out ? "--out" : `${path.basename(configFile)} /out`,
  };
}

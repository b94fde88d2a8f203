// The config file (alter-gen.config.yaml) that can list several clients. The CLI and the config
// file both end up as a list of Targets; option values and defaults come from options.ts.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { joinPointer, UsageError } from "./errors.js";
import { isChoice, options, quotedChoices, type MethodNames, type NamespaceBy } from "./options.js";
import { parseToolsConfig, type ToolsConfig } from "../catalog/index.js";
import { loadYaml } from "../catalog/yaml.js";

export interface CatalogTarget {
  kind: "catalog";
  id: string;
  include: string[];
  exclude: string[];
  /** The tools table's curation, over the catalog entry's own `tools`. */
  tools?: ToolsConfig;
}

export interface SpecTarget {
  kind: "spec";
  id: string;
  name: string;
  spec: string;
  namespaceBy: NamespaceBy;
  methodNames?: MethodNames;
  baseUrl?: string;
  /** What relative links in the document's descriptions are written against (spec/prose.ts). */
  docsLinkBase?: string;
  include: string[];
  exclude: string[];
  tools?: ToolsConfig;
  /** Flag or config pointer the spec came from (for messages). */
  flag: string;
}

export type Target = CatalogTarget | SpecTarget;

export interface ConfigFile {
  file: string;
  out?: string;
  targets: Target[];
}

/** Splits repeatable, comma-separated list flags: `--include a,b --include c`. */
export function listOption(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
}

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

function stringList(value: unknown, file: string, pointer: string): string[] {
  if (value === undefined) return [];
  if (typeof value === "string") return listOption([value]);
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return listOption(value);
  throw new UsageError("expected a string or a list of strings", { file, pointer });
}

function str(value: unknown, file: string, pointer: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== "string" || !value) throw new UsageError(`expected a non-empty string`, { file, pointer });
  return value;
}

export async function loadConfigFile(file: string, flag?: string): Promise<ConfigFile> {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = await readFile(abs, "utf8");
  } catch (err) {
    throw new UsageError(`The config file ${abs} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`, { file: abs, ...(flag ? { flag } : {}) });
  }
  let data: unknown;
  try {
    data = (await loadYaml()).parse(text);
  } catch (err) {
    const e = err as { linePos?: { line: number; col: number }[]; message: string };
    const at = e.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "";
    throw new UsageError(`The config file is not valid YAML${at}: ${e.message.split("\n")[0]}.`, { file: abs });
  }
  return parseConfig(data, abs);
}

export function parseConfig(data: unknown, file: string): ConfigFile {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new UsageError('A config file is a mapping with "providers" (a list) and an optional "out".', { file, pointer: "" });
  }
  const d = data as Record<string, unknown>;
  for (const key of Object.keys(d)) {
    if (!["out", "providers"].includes(key)) throw new UsageError(`Unknown key "${key}" in the config file (allowed: out, providers).`, { file, pointer: joinPointer("", key) });
  }
  if (!Array.isArray(d.providers) || d.providers.length === 0) {
    throw new UsageError('"providers" must be a non-empty list of catalog ids or {id, spec, …} entries.', { file, pointer: "/providers" });
  }
  const dir = path.dirname(file);
  const out = str(d.out, file, "/out", false);
  const targets = d.providers.map((entry, i): Target => {
    const at = joinPointer("/providers", i);
    if (typeof entry === "string") return { kind: "catalog", id: entry, include: [], exclude: [] };
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw new UsageError("Each provider is a catalog id or a mapping {id, spec?, name?, namespaceBy?, methodNames?, baseUrl?, docsLinkBase?, include?, exclude?, tools?}.", { file, pointer: at });
    }
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!["id", "spec", "name", "namespaceBy", "methodNames", "baseUrl", "docsLinkBase", "include", "exclude", "tools"].includes(key)) {
        throw new UsageError(`Unknown key "${key}" (allowed: id, spec, name, namespaceBy, methodNames, baseUrl, docsLinkBase, include, exclude, tools).`, { file, pointer: joinPointer(at, key) });
      }
    }
    const id = str(e.id, file, joinPointer(at, "id"), true)!;
    const include = stringList(e.include, file, joinPointer(at, "include"));
    const exclude = stringList(e.exclude, file, joinPointer(at, "exclude"));
    const toolsAt = joinPointer(at, "tools");
    const tools =
      e.tools === undefined
        ? undefined
        : parseToolsConfig(e.tools, (p, message) => {
            throw new UsageError(`tools${p} ${message}.`, { file, pointer: toolsAt + p });
          });
    if (e.spec === undefined) return { kind: "catalog", id, include, exclude, ...(tools ? { tools } : {}) };
    if (!ID_PATTERN.test(id)) throw new UsageError(`"${id}" is not a valid client id (lower-case letters, digits and dashes).`, { file, pointer: joinPointer(at, "id") });
    const spec = str(e.spec, file, joinPointer(at, "spec"), true)!;
    const nsBy = e.namespaceBy ?? options.namespaceBy.default;
    if (!isChoice(options.namespaceBy, nsBy)) {
      throw new UsageError(`namespaceBy must be ${quotedChoices(options.namespaceBy.values)}.`, { file, pointer: joinPointer(at, "namespaceBy") });
    }
    const target: SpecTarget = {
      kind: "spec",
      id,
      name: str(e.name, file, joinPointer(at, "name"), false) ?? id,
      spec: /^https?:\/\//.test(spec) ? spec : path.resolve(dir, spec),
      namespaceBy: nsBy,
      include,
      exclude,
      ...(tools ? { tools } : {}),
      flag: `${path.basename(file)} ${joinPointer(at, "spec")}`,
    };
    const baseUrl = str(e.baseUrl, file, joinPointer(at, "baseUrl"), false);
    if (baseUrl) target.baseUrl = baseUrl;
    const docsLinkBase = str(e.docsLinkBase, file, joinPointer(at, "docsLinkBase"), false);
    if (docsLinkBase !== undefined) {
      if (!/^https?:\/\/[^/?#]+(\/[^?#]*[^/?#])?$/.test(docsLinkBase)) {
        throw new UsageError(`docsLinkBase must be an http(s) URL without a query, fragment or trailing slash, such as https://stripe.com (got "${docsLinkBase}").`, { file, pointer: joinPointer(at, "docsLinkBase") });
      }
      target.docsLinkBase = docsLinkBase;
    }
    if (e.methodNames !== undefined) {
      if (!isChoice(options.methodNames, e.methodNames)) {
        throw new UsageError(`methodNames must be ${quotedChoices(options.methodNames.values)}.`, { file, pointer: joinPointer(at, "methodNames") });
      }
      target.methodNames = e.methodNames;
    }
    return target;
  });
  return { file, ...(out ? { out: path.resolve(dir, out) } : {}), targets };
}

// The programmatic API: one provider job in, a set of files out (in memory), then written or
// compared. The generate command (commands/generate.ts) is a thin layer over generateClient()
// and syncFiles().
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PaginationStyle, RateLimitHeaders } from "../runtime/operation.js";
import type { CatalogInjection, ToolsConfig } from "../catalog/index.js";
import { options, type MethodNames, type NamespaceBy, type OutputFormatName } from "./options.js";
import { GeneratorError, UsageError } from "./errors.js";
import { makeOutputDir, OutputDirError } from "./output-dir.js";
import { forEachInParallel } from "./in-parallel.js";
import { emitClient } from "./emit/client.js";
import type { OutputFormat } from "./emit/format.js";
import { jsFormat } from "./emit/format-js.js";
import { tsFormat } from "./emit/format-ts.js";
import { header } from "./emit/header.js";
import type { Data } from "./emit/js-data.js";
import { GENERATOR_NAME } from "./version.js";
import { shareRepeatedShapes } from "./model/shared-shapes.js";
import type { ApiModel } from "./model/api.js";
import { attachAliases } from "./model/aliases.js";
import { buildModel } from "./model/build.js";
import { printNamesLock } from "./emit/names-lock-json.js";
import { NAMES_LOCK_FILE, parseNamesLock, today, updateNames, type NamesLock } from "./model/names-lock.js";
import { loadSpec } from "./spec/index.js";
import { clientSecurity } from "./model/security.js";

/** Everything needed to generate one client. */
export interface ClientJob {
  id: string;
  name: string;
  /** File path or URL of the OpenAPI / Swagger document. */
  spec: string;
  /** The CLI flag or config key the spec came from, for messages. */
  specFlag?: string;
  /** Base URL; defaults to the document's first server. */
  baseUrl?: string;
  pagination?: PaginationStyle;
  rateLimit?: RateLimitHeaders;
  requestIdHeaders?: string[];
  defaultHeaders?: Record<string, string>;
  okField?: string;
  /** Where method names come from (options.ts `methodNames`; default `auto`). */
  methodNames?: MethodNames;
  namespaceBy: NamespaceBy;
  injection?: CatalogInjection;
  credentialParams?: { in: "header" | "query"; name: string }[];
  /** Applied to the parsed document before anything else (catalog spec fixes). */
  fix?: (doc: Record<string, any>) => Record<string, any> | void;
  overrides?: Record<string, string>;
  include?: string[];
  /** The catalog entry's `include`: operations must match it as well as `include`. */
  catalogInclude?: string[];
  exclude?: string[];
  /**
   * The origin relative links in the document's descriptions are written against (catalog
   * `docsLinkBase`); default: the origin of the document's `externalDocs` URL.
   */
  docsLinkBase?: string;
  /** The layout of the files (options.ts `format`; default `js`: .js data + .d.ts types). */
  format?: OutputFormatName;
  /**
   * The client's names.lock.json as last generated (model/names-lock.ts): names that changed
   * since are kept as deprecated aliases. Absent for a new client.
   */
  previousNames?: NamesLock;
  /**
   * The tools table beside the client (tools.js): which operations, overrides; `enabled: false`
   * writes none. Default: every operation.
   */
  tools?: ToolsConfig;
  /** The day a rename is recorded on (YYYY-MM-DD); default today (or SOURCE_DATE_EPOCH's day). */
  today?: string;
}

export interface PhaseTimes {
  load: number;
  model: number;
  emit: number;
}

export interface GeneratedClient {
  id: string;
  /** The least OAuth scopes of the client's operations, when the document declares scopes. */
  leastScopes?: readonly string[];
  /** File name (relative to the client folder) -> content, names.lock.json included. Sorted by name. */
  files: Map<string, string>;
  model: ApiModel;
  operations: number;
  warnings: string[];
  ms: PhaseTimes;
}

function baseUrlOf(doc: Record<string, any>): string {
  const server = doc.servers?.[0];
  if (!server || typeof server.url !== "string") return "";
  return server.url.replace(/\{([^}]+)\}/g, (m: string, v: string) => (server.variables?.[v]?.default !== undefined ? String(server.variables[v].default) : m)).replace(/\/$/, "");
}

/** Every output format, by the name `--format` takes. */
const FORMATS: Record<OutputFormatName, OutputFormat> = { js: jsFormat, ts: tsFormat };

/** `onProgress` hears what is being done (the CLI shows it on a terminal's status line). */
export async function generateClient(job: ClientJob, onProgress?: (message: string) => void): Promise<GeneratedClient> {
  const t0 = performance.now();
  const spec = await loadSpec(job.spec, { ...(job.specFlag ? { flag: job.specFlag } : {}), ...(job.fix ? { fix: job.fix } : {}), ...(job.docsLinkBase ? { docsLinkBase: job.docsLinkBase } : {}) });
  const t1 = performance.now();
  onProgress?.(`building the model (${Object.keys(spec.doc.paths).length} paths)`);
  const baseUrl = job.baseUrl ?? baseUrlOf(spec.doc);
  const model = shareRepeatedShapes(buildModel(
    { doc: spec.doc, source: spec.source, sha256: spec.sha256, version: spec.version, origins: spec.origins },
    {
      providerId: job.id,
      namespaceBy: job.namespaceBy,
      ...(job.pagination ? { pagination: job.pagination } : {}),
      ...(job.injection ? { injection: job.injection } : {}),
      ...(job.credentialParams ? { credentialParams: job.credentialParams } : {}),
      ...(job.overrides ? { overrides: job.overrides } : {}),
      ...(job.include ? { include: job.include } : {}),
      ...(job.catalogInclude ? { catalogInclude: job.catalogInclude } : {}),
      ...(job.exclude ? { exclude: job.exclude } : {}),
      ...(job.defaultHeaders ? { defaultHeaders: job.defaultHeaders } : {}),
      methodNames: job.methodNames ?? options.methodNames.default,
      baseUrl,
    },
  ));
  const history = updateNames(job.previousNames, model.operationNames, spec.sha256, job.today ?? today());
  attachAliases(model, history.aliases);
  model.warnings.push(...history.warnings);
  const { security, warnings: securityWarnings } = clientSecurity(spec.doc, model);
  model.warnings.push(...securityWarnings);
  const t2 = performance.now();
  const total = model.namespaces.reduce((n, ns) => n + ns.operations.length, 0);
  onProgress?.(`emitting ${total} operations, ${model.schemas.size} schemas`);
  const provider: Record<string, Data> = {
    id: job.id,
    name: job.name,
    baseUrl,
    pagination: job.pagination as Data,
    rateLimit: job.rateLimit as Data,
    requestIdHeaders: job.requestIdHeaders,
    defaultHeaders: job.defaultHeaders,
    okField: job.okField,
    servers: operationServers(model),
    security: security as Data,
  };
  const input = {
    model,
    header: header({ providerId: job.id, sha256: spec.sha256 }),
    format: FORMATS[job.format ?? options.format.default],
    displayName: job.name,
    provider,
    ...(job.tools?.enabled === false ? {} : { tools: job.tools ?? {} }),
  };
  const emitted = emitClient(input, onProgress && ((operations) => onProgress(`emitted ${operations}/${total} operations`)));
  const files = new Map([...emitted, [NAMES_LOCK_FILE, printNamesLock(history.lock)] as const].sort(([a], [b]) => (a < b ? -1 : 1)));
  const t3 = performance.now();
  return { id: job.id, ...(security?.leastScopes ? { leastScopes: security.leastScopes } : {}), files, model, operations: total, warnings: [...spec.warnings, ...model.warnings], ms: { load: t1 - t0, model: t2 - t1, emit: t3 - t2 } };
}

/** The names.lock.json of the client in `dir`, if there is one. */
export async function readNamesLock(dir: string): Promise<NamesLock | undefined> {
  const file = path.join(dir, NAMES_LOCK_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new UsageError(`The names lock ${file} cannot be read (${code ?? String(err)}).`, { file });
  }
  return parseNamesLock(text, file);
}

export interface SyncResult {
  dir: string;
  written: string[];
  unchanged: string[];
  stale: string[];
  missing: string[];
  extra: string[];
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

/**
 * The `package.json` written beside a `.js` client outside the alter-gen package: its `.js` files
 * are ES modules, and this makes Node (and TypeScript) load them as such whatever the enclosing
 * project's `type` is (`npm init -y` writes "commonjs"). `.ts` clients compile with the app instead.
 */
export const MODULE_SCOPE_FILE = "package.json";
export const MODULE_SCOPE_JSON =
  JSON.stringify({ "//": "Written by alter-gen: this client's .js files are ES modules, whatever the enclosing project's type.", type: "module" }, null, 2) + "\n";

/** `files` plus the module-scope package.json (for `.js` + `.d.ts` clients written outside the package). */
export function withModuleScope(files: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...files, [MODULE_SCOPE_FILE, MODULE_SCOPE_JSON] as const].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Writes `files` into `dir` (only those whose content changed, and removes files the client no
 * longer has), or with `check` only compares and reports.
 */
export async function syncFiles(dir: string, files: ReadonlyMap<string, string>, options: { check: boolean; flag?: string }): Promise<SyncResult> {
  const result: SyncResult = { dir, written: [], unchanged: [], stale: [], missing: [], extra: [] };
  let existing: string[];
  try {
    existing = await listDir(dir);
  } catch (err) {
    throw new UsageError(`The output folder ${dir} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`, { file: dir, ...(options.flag ? { flag: options.flag } : {}) });
  }
  // Only files this generator wrote count as extra (and get removed); anything else is the user's.
  const others = existing.filter((name) => !files.has(name) && /\.(js|ts)$/.test(name));
  const generatedByUs = new Array<boolean>(others.length);
  await forEachInParallel(others, async (name, i) => {
    const head = await readFile(path.join(dir, name), "utf8").then((t) => t.slice(0, 40), () => "");
    generatedByUs[i] = head.startsWith(`// Generated by ${GENERATOR_NAME} `);
  });
  result.extra.push(...others.filter((_, i) => generatedByUs[i]));
  const present = new Set(existing);
  const entries = [...files];
  const current = new Array<string | undefined>(entries.length);
  await forEachInParallel(entries, async ([name], i) => {
    if (present.has(name)) current[i] = await readFile(path.join(dir, name), "utf8");
  });
  entries.forEach(([name, content], i) => {
    if (current[i] === content) result.unchanged.push(name);
    else if (current[i] === undefined) result.missing.push(name);
    else result.stale.push(name);
  });
  if (options.check) return result;
  const where = { file: dir, ...(options.flag ? { flag: options.flag } : {}) };
  try {
    await makeOutputDir(dir);
  } catch (err) {
    if (err instanceof OutputDirError) throw new UsageError(`Cannot write the client into ${dir}: ${err.dir} ${err.why}.`, where);
    throw err;
  }
  try {
    const toWrite = [...result.missing, ...result.stale];
    await forEachInParallel(toWrite, (name) => writeFile(path.join(dir, name), files.get(name)!));
    result.written.push(...toWrite);
    await forEachInParallel(result.extra, (name) => rm(path.join(dir, name)));
  } catch (err) {
    if (err instanceof GeneratorError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `Cannot write the client into ${dir}: ${code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOTDIR" || code === "EEXIST" ? "a file is in the way of the folder" : code ?? String(err)}.`,
      where,
    );
  }
  return result;
}

/** The distinct servers operations declare of their own, sorted (undefined when there are none). */
function operationServers(model: { namespaces: readonly { operations: readonly { baseUrl?: string }[] }[] }): string[] | undefined {
  const set = new Set<string>();
  for (const ns of model.namespaces) for (const op of ns.operations) if (op.baseUrl) set.add(op.baseUrl);
  return set.size ? [...set].sort() : undefined;
}

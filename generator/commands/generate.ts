// The generate command (alter-gen's default): each target's client generated in memory, then
// written, compared (--check) or listed by name (--names), with a one-line summary per client.
import path from "node:path";
import { findProvider, loadCatalog } from "../../catalog/index.js";
import { listOption, type Target } from "../config.js";
import { UsageError } from "../errors.js";
import { generateClient, readNamesLock, syncFiles, withModuleScope, type ClientJob, type GeneratedClient } from "../generate.js";
import { WORKSPACE_GENERATED } from "../version.js";
import { checkOutputDir, OutputDirError } from "../output-dir.js";
import { formatWithProjectPrettier, loadProjectPrettier } from "../project-prettier.js";
import { catalogJob, RunCatalog } from "./catalog-job.js";
import type { CommandIO } from "./io.js";
import { resolveTargets, withToolsFlags, type GenerateFlags } from "./targets.js";

/** What one run found, summed over its clients. */
interface RunTotals {
  operations: number;
  files: number;
  written: number;
  problems: string[];
  warnings: string[];
}

/** The clients a run covers, where they go, and the catalog they may need. */
export interface RunTargets {
  targets: Target[];
  /** The parent folder: each client is `<out>/<id>/`. */
  out: string;
  outFlag: string;
  catalog: RunCatalog;
}

export async function runTargets(flags: GenerateFlags, io: CommandIO): Promise<RunTargets> {
  const resolved = await resolveTargets(flags, io.cwd);
  const catalog = new RunCatalog(() => loadCatalog(flags.catalog ? path.resolve(io.cwd, flags.catalog) : undefined));
  let targets: Target[];
  if (resolved.targets === "all") {
    const [include, exclude] = [listOption(flags.include), listOption(flags.exclude)];
    targets = (await catalog.get()).providers.map((p) => ({ kind: "catalog", id: p.id, include, exclude }));
  } else targets = resolved.targets;
  targets = targets.map((t) => withToolsFlags(t, flags));
  const ids = new Set<string>();
  for (const t of targets) {
    if (ids.has(t.id)) throw new UsageError(`The client id "${t.id}" is listed twice.`, { flag: resolved.outFlag });
    ids.add(t.id);
  }
  return { targets, out: resolved.out, outFlag: resolved.outFlag, catalog };
}

export async function runGenerate(flags: GenerateFlags, io: CommandIO): Promise<number> {
  const started = performance.now();
  const say = (text: string) => {
    if (!flags.quiet) io.stderr(text);
  };
  const { targets, catalog, ...resolved } = await runTargets(flags, io);
  // A folder that cannot be made fails now, not after minutes of generating.
  if (!flags.check && !flags.names) {
    try {
      await checkOutputDir(resolved.out);
    } catch (err) {
      if (!(err instanceof OutputDirError)) throw err;
      throw new UsageError(`Cannot write clients into ${resolved.out}: ${err.dir} ${err.why}.`, { file: resolved.out, flag: resolved.outFlag });
    }
  }
  // Loaded once, before generating, so a project without prettier hears it at once.
  const prettier = flags.prettier && !flags.names ? await loadProjectPrettier(resolved.out) : undefined;
  const totals: RunTotals = { operations: 0, files: 0, written: 0, problems: [], warnings: [] };
  const status = flags.quiet ? undefined : io.progress;
  try {
    for (const [index, target] of targets.entries()) await runTarget(target, targets.length > 1 ? `[${index + 1}/${targets.length}] ` : "");
  } finally {
    status?.(undefined);
  }
  return summarize(flags, io, targets.length, totals, performance.now() - started);

  async function runTarget(target: Target, progress: string): Promise<void> {
    const show = (m: string) => status?.(`${progress}${target.id}: ${m}`);
    const dir = path.join(resolved.out, target.id);
    const client = await generateTarget(target, dir, flags, catalog, io, show);
    totals.warnings.push(...client.warnings.map((w) => `${target.id}: ${w}`));
    if (flags.names) {
      status?.(undefined);
      io.stdout(namesListing(client));
      return;
    }
    if (prettier) {
      show(`formatting ${client.files.size} files with your prettier ${prettier.version}`);
      client.files = await formatWithProjectPrettier(prettier, dir, io.cwd, client.files);
    }
    // generated/ inside the alter-gen package is covered by the package's own "type": "module".
    const files = flags.format === "ts" || (WORKSPACE_GENERATED !== undefined && resolved.out === WORKSPACE_GENERATED) ? client.files : withModuleScope(client.files);
    show(`${flags.check ? "comparing" : "writing"} ${files.size} files`);
    const result = await syncFiles(dir, files, { check: flags.check === true, flag: resolved.outFlag });
    status?.(undefined);
    totals.operations += client.operations;
    totals.files += files.size;
    const rel = path.relative(io.cwd, dir) || ".";
    if (flags.check) {
      for (const f of result.stale) totals.problems.push(`stale   ${path.join(rel, f)}`);
      for (const f of result.missing) totals.problems.push(`missing ${path.join(rel, f)}`);
      for (const f of result.extra) totals.problems.push(`extra   ${path.join(rel, f)}`);
    } else totals.written += result.written.length;
    const ms = client.ms;
    say(
      `${progress}${target.id}: ${client.operations} operations in ${client.model.namespaces.length} namespaces, ${files.size} files ` +
        `${flags.check ? "checked" : `(${result.written.length} written)`} -> ${rel} ` +
        `[load ${ms.load.toFixed(0)} ms, model ${ms.model.toFixed(0)} ms, emit ${ms.emit.toFixed(0)} ms]\n`,
    );
    // What a connect flow for this client should ask for (provider.js security.leastScopes).
    if (client.leastScopes) say(`${progress}${target.id}: least OAuth scopes (${client.leastScopes.length}): ${client.leastScopes.join(" ") || "(none)"}\n`);
  }
}

/**
 * One target's client, in memory, named against the names.lock.json already in `dir`; a catalog
 * client is checked against its pinned sha256.
 */
export async function generateTarget(target: Target, dir: string, flags: GenerateFlags, catalog: RunCatalog, io: CommandIO, say: (message: string) => void): Promise<GeneratedClient> {
  let job: ClientJob;
  if (target.kind === "catalog") job = await catalogJob(await catalog.get(), findProvider(await catalog.get(), target.id), target);
  else {
    job = { id: target.id, name: target.name, spec: target.spec, specFlag: target.flag, namespaceBy: target.namespaceBy, include: target.include, exclude: target.exclude };
    if (target.tools) job.tools = target.tools;
    if (target.baseUrl) job.baseUrl = target.baseUrl;
    if (target.methodNames) job.methodNames = target.methodNames;
    if (target.docsLinkBase) job.docsLinkBase = target.docsLinkBase;
  }
  if (flags.format) job.format = flags.format;
  const previousNames = await readNamesLock(dir);
  if (previousNames) job.previousNames = previousNames;
  say(`reading ${/^https?:/.test(job.spec) ? job.spec : path.relative(io.cwd, job.spec) || job.spec}`);
  const client = await generateClient(job, say);
  if (target.kind === "catalog") await catalog.checkPinned(findProvider(await catalog.get(), target.id), client.model.sha256);
  if (client.operations === 0 && (target.include.length || target.exclude.length)) {
    throw new UsageError(`--include/--exclude left no operations of "${target.id}" to generate.`, { flag: target.include.length ? "--include" : "--exclude" });
  }
  return client;
}

function summarize(flags: GenerateFlags, io: CommandIO, clients: number, totals: RunTotals, ms: number): number {
  const say = (text: string) => {
    if (!flags.quiet) io.stderr(text);
  };
  const { warnings, problems } = totals;
  if (warnings.length) say(`${warnings.length} warning${warnings.length === 1 ? "" : "s"}:\n${warnings.map((w) => `  ${w}\n`).join("")}`);
  if (flags.names) return 0;
  const elapsed = ms.toFixed(0);
  const plural = clients === 1 ? "" : "s";
  if (flags.check) {
    if (problems.length) {
      io.stderr(
        `alter-gen --check: ${problems.length} file${problems.length === 1 ? " differs" : "s differ"} from what the documents generate:\n${problems.map((p) => `  ${p}\n`).join("")}Run the same command without --check to regenerate, or \`alter-gen diff\` with the same flags to see what that changes in the API.\n`,
      );
      return 1;
    }
    say(`Up to date: ${clients} client${plural}, ${totals.operations} operations, ${totals.files} files, ${elapsed} ms.\n`);
    return 0;
  }
  say(`Done: ${clients} client${plural}, ${totals.operations} operations, ${totals.files} files (${totals.written} written), ${elapsed} ms.\n`);
  return 0;
}

function namesListing(client: GeneratedClient): string {
  const rows: [string, string][] = [];
  for (const ns of client.model.namespaces) {
    for (const op of ns.operations) rows.push([op.derivedId ? `(${op.method} ${op.path})` : op.id, `${ns.name}.${op.name}`]);
  }
  rows.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const width = Math.max(0, ...rows.map((r) => r[0].length));
  return rows.map(([id, name]) => `${id.padEnd(width)}  ${name}\n`).join("");
}

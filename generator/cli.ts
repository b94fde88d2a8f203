// The alter-gen command line: generate (the default command), `list`, and the vault's commands.
// Every expected failure is a GeneratorError printed as one paragraph with exit code 2.
import { existsSync } from "node:fs";
import path from "node:path";
import { Command, CommanderError, Option } from "commander";
import type { Catalog, CatalogProvider } from "./catalog-types.js";
import { catalogPath, closest, findProvider, loadCatalog } from "./catalog.js";
import { defaults, ID_PATTERN, listOption, loadConfigFile, type MethodNames, type Target } from "./config.js";
import { GeneratorError, SpecError, UsageError } from "./errors.js";
import { generateClient, syncFiles, withModuleScope, type ClientJob, type GeneratedClient } from "./generate.js";
import { applyFixes, loadFixes, loadOverrides } from "./spec-fixes.js";
import { GENERATOR_VERSION, WORKSPACE_GENERATED } from "./version.js";

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

const defaultIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
};

interface GenerateFlags {
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
  format?: "js" | "ts";
  methodNames?: MethodNames;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  let exitCode = 0;
  const program = new Command("alter-gen");
  program
    .description(
      "Generate typed API clients from OpenAPI documents. Clients call providers through the alter-gen vault, so application code never holds a token.",
    )
    .version(GENERATOR_VERSION, "-v, --version", "print the alter-gen version")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    .exitOverride()
    .addOption(new Option("-p, --provider <id>", "generate the client of a catalog provider (see `alter-gen list`); repeatable").argParser(collect))
    .option("--all", "generate every catalog provider (into --out, by default the workspace's generated/ folder in the alter-gen repository, else ./clients)")
    .option("-s, --spec <file|url>", "generate from any OpenAPI 3.0/3.1 or Swagger 2.0 document (YAML or JSON, a path or an http(s) URL); needs --name")
    .option("-n, --name <id>", "client id for --spec: names the folder and the factory (`petstore` -> createPetstoreClient)")
    .option("-o, --out <dir>", `parent folder; each client goes into <dir>/<id>/ (default: ./${defaults.out}, or generated/ with --all)`)
    .addOption(new Option("-i, --include <list>", "keep only operations with these tags, operation ids, namespaces or namespace.method names; comma list, repeatable").argParser(collect))
    .addOption(new Option("-x, --exclude <list>", "drop operations with these tags, operation ids, namespaces or namespace.method names; comma list, repeatable").argParser(collect))
    .option("--check", "write nothing; exit 1 and list the files that are stale, missing or extra")
    .option("-c, --config <file>", `a config file listing several clients (default: ./${defaults.configFile} when no target flag is given)`)
    .addOption(new Option("--format <format>", "js: .js data + .d.ts types (cheap for consumers' type-checks); ts: single .ts modules").choices(["js", "ts"]).default("js"))
    .addOption(
      new Option("--method-names <source>", "for --spec: method names from the operationId (default) or, with `resource`, from HTTP method and path (customers.list, charges.capture)").choices([
        "operationId",
        "resource",
      ]),
    )
    .option("--names", "print every derived name (operationId -> namespace.method) instead of writing files")
    .option("-q, --quiet", "print only errors and --check findings (for CI)")
    .addOption(new Option("--catalog <dir>", "use another specs/ folder as the catalog").hideHelp())
    .addHelpText(
      "after",
      `
Examples:
  alter-gen --provider slack --out ./clients      writes ./clients/slack/
  alter-gen --spec ./petstore.yaml --name petstore
  alter-gen --all --check                         verifies the checked-in generated/ clients
  alter-gen list                                  prints the catalog

Exit codes: 0 done, 1 --check found differences, 2 bad input (one paragraph says what and where),
70 internal error (set ALTER_GEN_DEBUG=1 for the stack).`,
    )
    .action(async (flags: GenerateFlags) => {
      exitCode = await runGenerate(flags, io);
    });

  program
    .command("list")
    .description("print the provider catalog: id, name, how operations are grouped into namespaces, base URL and the pinned document")
    .addOption(new Option("--catalog <dir>", "use another specs/ folder as the catalog").hideHelp())
    .action(async (flags: { catalog?: string }) => {
      exitCode = await runList(flags.catalog ?? program.opts<GenerateFlags>().catalog, io);
    });

  registerVault(program);

  try {
    if (argv[0] === "vault") return await runVault(argv, io);
    checkCommand(argv[0], program);
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (err) {
    return reportError(err, io, argv[0] === "vault" ? "alter-gen vault" : "alter-gen");
  }
}

/**
 * The default command takes no arguments, so without this a mistyped command (`alter-gen lst`)
 * would be reported by commander as "too many arguments".
 */
function checkCommand(word: string | undefined, program: Command): void {
  if (word === undefined || word.startsWith("-")) return;
  const names = program.commands.map((c) => c.name()).concat("help");
  if (names.includes(word)) return;
  const [hint] = closest(word, names, 1);
  throw new CommanderError(2, "commander.unknownCommand", `unknown command '${word}'${hint ? ` (did you mean ${hint}?)` : ""}`);
}

/** Commander's message as one line: no "error: " prefix, its "(Did you mean …?)" kept inline. */
export function commanderMessage(message: string): string {
  return message
    .replace(/^error: /, "")
    .replace(/\s*\n\s*\(Did you mean (.+?)\?\)/, " (did you mean $1?)")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\.$/, "");
}

/** Listed in --help here; the real commands are registered only when `vault` is run. */
function registerVault(program: Command): void {
  program.command("vault").description("run and administer the local alter-gen vault (alter-gen vault --help)");
}

async function runVault(argv: string[], io: CliIO): Promise<number> {
  // Imported on demand so generator runs never load the vault's dependencies (SQLite, OAuth).
  const { registerVaultCommands } = await import("../vault/cli/index.js");
  const program = new Command("alter-gen").exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} });
  registerVaultCommands(program);
  await program.parseAsync(argv, { from: "user" });
  return typeof process.exitCode === "number" ? process.exitCode : 0;
}

function reportError(err: unknown, io: CliIO, helpFor: string): number {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return 0;
    io.stderr(`alter-gen: ${commanderMessage(err.message)}. See ${helpFor} --help.\n`);
    return 2;
  }
  if (err instanceof GeneratorError) {
    io.stderr(`alter-gen: ${err.describe()}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`alter-gen: internal error: ${message.split("\n")[0]}. This is a bug in alter-gen; please report it with the command you ran.\n`);
  if (process.env.ALTER_GEN_DEBUG === "1" && err instanceof Error && err.stack) io.stderr(err.stack + "\n");
  return 70;
}

async function runList(catalogDir: string | undefined, io: CliIO): Promise<number> {
  const catalog = await loadCatalog(catalogDir ? path.resolve(io.cwd, catalogDir) : undefined);
  const rows = catalog.providers.map((p) => [p.id, p.name, p.namespaceBy, p.baseUrl, `${p.source.package}@${p.source.version}`]);
  const head = ["ID", "NAME", "NAMESPACES BY", "BASE URL", "DOCUMENT"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ") + "\n";
  io.stdout(fmt(head) + rows.map(fmt).join(""));
  return 0;
}

interface ResolvedTargets {
  targets: Target[];
  out: string;
  outFlag: string;
}

async function resolveTargets(flags: GenerateFlags, io: CliIO): Promise<ResolvedTargets> {
  const include = listOption(flags.include);
  const exclude = listOption(flags.exclude);
  const chosen = [flags.all && "--all", flags.provider?.length && "--provider", flags.spec && "--spec", flags.config && "--config"].filter(Boolean) as string[];
  if (chosen.length > 1) throw new UsageError(`Use one of --all, --provider, --spec and --config at a time (got ${chosen.join(" and ")}).`, { flag: chosen[1]! });
  if (flags.name && !flags.spec) throw new UsageError("--name names the client of a --spec document; catalog providers use their catalog id.", { flag: "--name" });
  if (flags.methodNames && !flags.spec) {
    throw new UsageError("--method-names applies to a --spec document; catalog providers set methodNames in specs/providers.yaml, config entries in alter-gen.config.yaml.", { flag: "--method-names" });
  }
  const outFlag = "--out";
  const resolveOut = (fallback: string) => path.resolve(io.cwd, flags.out ?? fallback);
  if (flags.all) return { targets: "all" as never, out: resolveOut(defaults.allOut), outFlag };
  if (flags.provider?.length) {
    return { targets: flags.provider.map((id) => ({ kind: "catalog", id, include, exclude })), out: resolveOut(defaults.out), outFlag };
  }
  if (flags.spec) {
    if (!flags.name) throw new UsageError("--spec needs --name <id> to name the client (for example --name petstore).", { flag: "--name" });
    if (!ID_PATTERN.test(flags.name)) throw new UsageError(`"${flags.name}" is not a valid client id: use lower-case letters, digits and dashes.`, { flag: "--name" });
    const spec = /^https?:\/\//i.test(flags.spec) ? flags.spec : path.resolve(io.cwd, flags.spec);
    return {
      targets: [
        { kind: "spec", id: flags.name, name: flags.name, spec, namespaceBy: defaults.namespaceBy, include, exclude, flag: "--spec", ...(flags.methodNames ? { methodNames: flags.methodNames } : {}) },
      ],
      out: resolveOut(defaults.out),
      outFlag,
    };
  }
  const configFile = flags.config ? path.resolve(io.cwd, flags.config) : path.join(io.cwd, defaults.configFile);
  if (!flags.config && !existsSync(configFile)) {
    throw new UsageError(`Nothing to generate: give --provider <id>, --spec <file> --name <id>, --all, or a config file (${defaults.configFile} in the current folder). See alter-gen --help.`);
  }
  const config = await loadConfigFile(configFile, flags.config ? "--config" : undefined);
  for (const t of config.targets) {
    t.include = [...t.include, ...include];
    t.exclude = [...t.exclude, ...exclude];
  }
  return { targets: config.targets, out: flags.out ? path.resolve(io.cwd, flags.out) : (config.out ?? path.resolve(io.cwd, defaults.out)), outFlag: flags.out ? "--out" : `${path.basename(configFile)} /out` };
}

async function catalogJob(catalog: Catalog, entry: CatalogProvider, target: { include: string[]; exclude: string[] }): Promise<ClientJob> {
  const spec = catalogPath(catalog, entry.specFile);
  if (!existsSync(spec)) {
    throw new UsageError(`The pinned document of "${entry.id}" is missing; run npm run specs:update to fetch it.`, { file: spec, flag: "--provider" });
  }
  const job: ClientJob = {
    id: entry.id,
    name: entry.name,
    spec,
    baseUrl: entry.baseUrl,
    namespaceBy: entry.namespaceBy,
    injection: entry.injection,
    include: target.include,
    exclude: target.exclude,
  };
  if (entry.pagination) job.pagination = entry.pagination;
  if (entry.rateLimit) job.rateLimit = entry.rateLimit;
  if (entry.requestIdHeaders) job.requestIdHeaders = entry.requestIdHeaders;
  if (entry.defaultHeaders) job.defaultHeaders = entry.defaultHeaders;
  if (entry.okField) job.okField = entry.okField;
  if (entry.methodNames) job.methodNames = entry.methodNames;
  if (entry.credentialParams) job.credentialParams = entry.credentialParams;
  if (entry.fixesFile) {
    const fixesPath = catalogPath(catalog, entry.fixesFile);
    const fixes = await loadFixes(fixesPath);
    job.fix = (doc) => applyFixes(doc, fixes, fixesPath);
  }
  if (entry.overridesFile) job.overrides = await loadOverrides(catalogPath(catalog, entry.overridesFile));
  return job;
}

async function runGenerate(flags: GenerateFlags, io: CliIO): Promise<number> {
  const started = performance.now();
  const say = (text: string) => {
    if (!flags.quiet) io.stderr(text);
  };
  const resolved = await resolveTargets(flags, io);
  let catalog: Catalog | undefined;
  const getCatalog = async () => (catalog ??= await loadCatalog(flags.catalog ? path.resolve(io.cwd, flags.catalog) : undefined));
  let targets = resolved.targets;
  if ((targets as unknown) === "all") {
    const include = listOption(flags.include);
    const exclude = listOption(flags.exclude);
    targets = (await getCatalog()).providers.map((p) => ({ kind: "catalog", id: p.id, include, exclude }));
  }
  const ids = new Set<string>();
  for (const t of targets) {
    if (ids.has(t.id)) throw new UsageError(`The client id "${t.id}" is listed twice.`, { flag: resolved.outFlag });
    ids.add(t.id);
  }
  let totalOps = 0;
  let totalFiles = 0;
  let written = 0;
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const [index, target] of targets.entries()) {
    const progress = targets.length > 1 ? `[${index + 1}/${targets.length}] ` : "";
    let job: ClientJob;
    if (target.kind === "catalog") {
      const cat = await getCatalog();
      job = await catalogJob(cat, findProvider(cat, target.id), target);
    } else {
      job = { id: target.id, name: target.name, spec: target.spec, specFlag: target.flag, namespaceBy: target.namespaceBy, include: target.include, exclude: target.exclude };
      if (target.baseUrl) job.baseUrl = target.baseUrl;
      if (target.methodNames) job.methodNames = target.methodNames;
    }
    if (flags.format === "ts") job.format = "ts";
    say(`${progress}${target.id}: reading ${/^https?:/.test(job.spec) ? job.spec : path.relative(io.cwd, job.spec) || job.spec}\n`);
    const client: GeneratedClient = await generateClient(job, (m) => say(`${progress}${target.id}: ${m}\n`));
    if (target.kind === "catalog") {
      const entry = findProvider((await getCatalog()), target.id);
      const actual = client.model.sha256;
      if (actual !== entry.sha256) {
        throw new SpecError(`The pinned document of "${entry.id}" has sha256 ${actual}, but the catalog pins ${entry.sha256}; run npm run specs:update or restore the file.`, { file: job.spec });
      }
    }
    if (client.operations === 0 && (target.include.length || target.exclude.length)) {
      throw new UsageError(`--include/--exclude left no operations of "${target.id}" to generate.`, { flag: target.include.length ? "--include" : "--exclude" });
    }
    warnings.push(...client.warnings.map((w) => `${target.id}: ${w}`));
    if (flags.names) {
      io.stdout(namesListing(client));
      continue;
    }
    const dir = path.join(resolved.out, target.id);
    // generated/ inside the alter-gen package is covered by the package's own "type": "module".
    const files = flags.format === "ts" || (WORKSPACE_GENERATED !== undefined && resolved.out === WORKSPACE_GENERATED) ? client.files : withModuleScope(client.files);
    const result = await syncFiles(dir, files, { check: flags.check === true, flag: resolved.outFlag });
    totalOps += client.operations;
    totalFiles += files.size;
    const rel = path.relative(io.cwd, dir) || ".";
    if (flags.check) {
      for (const f of result.stale) problems.push(`stale   ${path.join(rel, f)}`);
      for (const f of result.missing) problems.push(`missing ${path.join(rel, f)}`);
      for (const f of result.extra) problems.push(`extra   ${path.join(rel, f)}`);
    } else written += result.written.length;
    const ms = client.ms;
    say(
      `${progress}${target.id}: ${client.operations} operations in ${client.model.namespaces.length} namespaces, ${files.size} files ` +
        `${flags.check ? "checked" : `(${result.written.length} written)`} -> ${rel} ` +
        `[load ${ms.load.toFixed(0)} ms, model ${ms.model.toFixed(0)} ms, emit ${ms.emit.toFixed(0)} ms]\n`,
    );
  }
  if (warnings.length && !flags.quiet) {
    io.stderr(`${warnings.length} naming warning${warnings.length === 1 ? "" : "s"}:\n${warnings.map((w) => `  ${w}\n`).join("")}`);
  }
  if (flags.names) return 0;
  const elapsed = (performance.now() - started).toFixed(0);
  if (flags.check) {
    if (problems.length) {
      io.stderr(`alter-gen --check: ${problems.length} file${problems.length === 1 ? " differs" : "s differ"} from what the documents generate:\n${problems.map((p) => `  ${p}\n`).join("")}Run the same command without --check to regenerate.\n`);
      return 1;
    }
    say(`Up to date: ${targets.length} client${targets.length === 1 ? "" : "s"}, ${totalOps} operations, ${totalFiles} files, ${elapsed} ms.\n`);
    return 0;
  }
  say(`Done: ${targets.length} client${targets.length === 1 ? "" : "s"}, ${totalOps} operations, ${totalFiles} files (${written} written), ${elapsed} ms.\n`);
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

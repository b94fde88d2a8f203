// `alter-gen diff`: what regenerating the clients would change in their public API, with the same
// target flags as generating. Prints a report (text, `--markdown` for a pull request, `--json` for
// machines); exit code 1 when a change is breaking. The comparison (generator/diff/) loads the
// TypeScript compiler, so it is imported here, on demand.
import path from "node:path";
import type { ClientDiff } from "../diff/changes.js";
import { UsageError } from "../errors.js";
import { generateTarget, runTargets } from "./generate.js";
import type { CommandIO } from "./io.js";
import type { GenerateFlags } from "./targets.js";

export interface DiffFlags extends GenerateFlags {
  json?: boolean;
  markdown?: boolean;
  /** The consumer's tsconfig.json: find its call sites of what changed. */
  project?: string;
}

/**
 * The comparison module, or the fix when ts-morph (an optional peer of @alter-gen/cli, so a project
 * that only generates clients never installs the TypeScript compiler) is missing.
 */
async function loadDiff(): Promise<typeof import("../diff/index.js")> {
  try {
    return await import("../diff/index.js");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && /ts-morph/.test((error as Error).message)) {
      throw new UsageError("alter-gen diff compares clients with the TypeScript checker through ts-morph, which is not installed. Install it: npm install --save-dev ts-morph.");
    }
    throw error;
  }
}

export async function runDiff(flags: DiffFlags, io: CommandIO): Promise<number> {
  if (flags.json && flags.markdown) throw new UsageError("Use one of --json and --markdown at a time.", { flag: "--markdown" });
  const say = (text: string) => {
    if (!flags.quiet) io.stderr(text);
  };
  const { targets, out, catalog } = await runTargets(flags, io);
  const diff = await loadDiff();
  const consumer = flags.project ? diff.ConsumerProject.open(path.resolve(io.cwd, flags.project)) : undefined;
  const clients: ClientDiff[] = [];
  for (const target of targets) {
    const dir = path.join(out, target.id);
    const client = await generateTarget(target, dir, flags, catalog, io, (m) => say(`${target.id}: ${m}\n`));
    for (const missing of consumer?.unresolvedImports(dir) ?? []) {
      // A warning, not a failure: the method-level report is still right, only property uses are missed.
      say(`${target.id}: warning: the project ${flags.project} cannot resolve "${missing}" from ${path.relative(io.cwd, dir) || "."}, so uses of changed parameters and response properties cannot be found (install alter-gen where the project compiles).\n`);
    }
    clients.push(diff.diffClient(target.id, dir, await diff.readClientFiles(dir), client.files, { cwd: io.cwd, ...(consumer ? { consumer } : {}) }));
  }
  const report = diff.diffReport(clients, flags.project && path.relative(io.cwd, path.resolve(io.cwd, flags.project)).split(path.sep).join("/"));
  io.stdout(flags.json ? JSON.stringify(report, null, 2) + "\n" : flags.markdown ? diff.markdownReport(report) : diff.textReport(report));
  return report.summary.breaking > 0 ? 1 : 0;
}

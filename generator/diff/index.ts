// `alter-gen diff`: what regenerating a client would change in its public API. The client folder
// on disk (what the consumer compiles against today) and the client generated in memory (what a
// regeneration would write) are loaded into one TypeScript program and compared (compare.ts);
// with a consumer's tsconfig, each breaking or deprecated change lists the consumer's call sites.
// This module loads the TypeScript compiler (through ts-morph): the CLI imports it only for
// `diff`, so generating never pays for it.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Project, ts } from "ts-morph";
import { ConsumerProject } from "./call-sites.js";
import type { ApiChange, ClientDiff, DiffReport, Impact } from "./changes.js";
import { compareSurfaces } from "./compare.js";
import { addClientFiles, readSurface } from "./surface.js";

export type { ApiChange, ClientDiff, DiffReport } from "./changes.js";
export { markdownReport, textReport } from "./report.js";
export { ConsumerProject } from "./call-sites.js";

/** The files of the client in `dir` (none when there is no such folder). */
export async function readClientFiles(dir: string): Promise<Map<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw err;
  }
  const files = new Map<string, string>();
  for (const name of names.filter((n) => /\.(d\.ts|ts|js)$/.test(n)).sort()) files.set(name, await readFile(path.join(dir, name), "utf8"));
  return files;
}

function summarize(changes: readonly ApiChange[]): Record<Impact, number> {
  const summary: Record<Impact, number> = { breaking: 0, deprecated: 0, additive: 0 };
  for (const c of changes) summary[c.impact]++;
  return summary;
}

export interface DiffOptions {
  consumer?: ConsumerProject;
  /** File names in the report are relative to it. */
  cwd: string;
}

/** The API changes between the client in `dir` (`before`, its files) and `after` (a regeneration's files). */
export function diffClient(id: string, dir: string, before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, options: DiffOptions): ClientDiff {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true },
  });
  addClientFiles(project, "/before", before);
  addClientFiles(project, "/after", after);
  const checker = project.getTypeChecker().compilerObject;
  const changes = compareSurfaces(readSurface(project, "/before", checker), readSurface(project, "/after", checker), checker);
  if (options.consumer) {
    const found = new Map<string, ReturnType<ConsumerProject["callSites"]>>();
    for (const change of changes) {
      if (change.impact === "additive") continue;
      const key = `${change.method} ${change.side ?? ""} ${change.path ?? ""}`;
      let sites = found.get(key);
      if (!sites) found.set(key, (sites = options.consumer.callSites(dir, change, options.cwd)));
      if (sites.length) change.callSites = sites;
    }
  }
  const rel = path.relative(options.cwd, dir).split(path.sep).join("/") || ".";
  return { id, dir: rel, existed: before.size > 0, changes, summary: summarize(changes) };
}

export function diffReport(clients: ClientDiff[], project?: string): DiffReport {
  return { clients, ...(project !== undefined ? { project } : {}), summary: summarize(clients.flatMap((c) => c.changes)) };
}

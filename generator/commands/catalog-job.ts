// A catalog provider as a ClientJob, and the check that the document it generated from is the
// one the catalog pins (catalog/lock.ts, the same check the catalog's own tests run).
import { existsSync } from "node:fs";
import { catalogPath, checkPinnedSha256, loadLock, mergeToolsConfig, type Catalog, type CatalogProvider, type LockEntry, type ToolsConfig } from "../../catalog/index.js";
import { UsageError } from "../errors.js";
import { options } from "../options.js";
import type { ClientJob } from "../generate.js";
import { applyFixes, loadFixes, loadOverrides } from "../spec-fixes.js";

export async function catalogJob(catalog: Catalog, entry: CatalogProvider, target: { include: string[]; exclude: string[]; tools?: ToolsConfig }): Promise<ClientJob> {
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
  // The entry's own filter (Microsoft Graph); a --include on the command line narrows it further.
  if (entry.include) job.catalogInclude = entry.include;
  if (entry.pagination) job.pagination = entry.pagination;
  if (entry.rateLimit) job.rateLimit = entry.rateLimit;
  if (entry.requestIdHeaders) job.requestIdHeaders = entry.requestIdHeaders;
  if (entry.defaultHeaders) job.defaultHeaders = entry.defaultHeaders;
  if (entry.okField) job.okField = entry.okField;
  if (entry.tools || target.tools) job.tools = mergeToolsConfig(entry.tools, target.tools);
  if (entry.docsLinkBase) job.docsLinkBase = entry.docsLinkBase;
  job.methodNames = entry.methodNames ?? options.methodNames.catalogDefault;
  if (entry.credentialParams) job.credentialParams = entry.credentialParams;
  if (entry.fixesFile) {
    const fixesPath = catalogPath(catalog, entry.fixesFile);
    const fixes = await loadFixes(fixesPath);
    job.fix = (doc) => applyFixes(doc, fixes, fixesPath);
  }
  if (entry.overridesFile) job.overrides = await loadOverrides(catalogPath(catalog, entry.overridesFile));
  return job;
}

/** The catalog of one run with its lock, each read once and only when a catalog target needs it. */
export class RunCatalog {
  #catalog: Promise<Catalog> | undefined;
  #lock: Promise<LockEntry[]> | undefined;

  constructor(private readonly load: () => Promise<Catalog>) {}

  get(): Promise<Catalog> {
    return (this.#catalog ??= this.load());
  }

  /**
   * Checks the sha256 of the document a catalog client was generated from (as the generator read
   * it, so the 13 MB documents are not read twice) against the catalog entry and the lock.
   */
  async checkPinned(entry: CatalogProvider, sha256: string): Promise<void> {
    const catalog = await this.get();
    checkPinnedSha256(catalog, entry, sha256, await (this.#lock ??= loadLock(catalog)));
  }
}

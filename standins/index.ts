// Provider stand-ins for tests and examples (README.md): `startProviderStandin("github")` is the usual
// entry point; `startStandin` takes any entry and document.
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { catalogPath, findProvider, loadCatalog, type Catalog, type CatalogProvider } from "../catalog/index.js";
import { applyFixes, loadFixes } from "../generator/spec-fixes.js";
import { startStandin, type Standin, type StartStandinOptions } from "./server.js";
import { Validator } from "./validate.js";

export { startStandin, tooManyRequests, serverError, expiredToken } from "./server.js";
export type { Standin, StartStandinOptions, ScriptedResponse, RecordedRequest } from "./server.js";
export type { StandinCredential } from "./credential.js";
export type { SeriesOptions } from "./paginate.js";
export { PageSeries } from "./paginate.js";
export { Validator } from "./validate.js";

const documents = new Map<string, Promise<object>>();
const validators = new Map<string, Validator>();

function keyOf(catalog: Catalog, provider: CatalogProvider): string {
  return `${catalog.dir}:${provider.id}:${provider.sha256}:${JSON.stringify(provider.credentialParams ?? [])}`;
}

/**
 * The provider's pinned document with its catalog fixes applied; parsed once per process and
 * shared, so treat it as read-only (structuredClone it before editing).
 */
export function loadStandinDocument(catalog: Catalog, provider: CatalogProvider): Promise<object> {
  const key = keyOf(catalog, provider);
  let doc = documents.get(key);
  if (!doc) {
    doc = (async () => {
      const file = catalogPath(catalog, provider.specFile);
      const text = await readFile(file, "utf8");
      const parsed = (file.endsWith(".json") ? JSON.parse(text) : parse(text)) as object;
      if (provider.fixesFile) {
        const fixes = catalogPath(catalog, provider.fixesFile);
        applyFixes(parsed, await loadFixes(fixes), fixes);
      }
      return parsed;
    })();
    documents.set(key, doc);
  }
  return doc;
}

/** Starts a stand-in for a catalog provider by id. */
export async function startProviderStandin(id: string, options: Omit<StartStandinOptions, "provider" | "document"> = {}): Promise<Standin> {
  const catalog = await loadCatalog();
  const provider = findProvider(catalog, id);
  const document = await loadStandinDocument(catalog, provider);
  // One validator per document and process: compiled schemas are reused by every stand-in.
  const key = keyOf(catalog, provider);
  let validator = validators.get(key);
  if (!validator) {
    validator = new Validator(document as never, provider.credentialParams ?? []);
    validators.set(key, validator);
  }
  return startStandin({ ...options, provider, document, validator });
}

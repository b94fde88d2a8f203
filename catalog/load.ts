// Reads specs/providers.yaml (the catalog) and finds entries and the files they name.
import { readFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { closest } from "./did-you-mean.js";
import { CatalogError } from "./errors.js";
import { findAlterGenPackage } from "./package.js";
import type { Catalog, CatalogProvider } from "./types.js";
import { validateCatalogData } from "./validate.js";
import { loadYaml } from "./yaml.js";

/** The package's own specs/ folder (catalog/package.ts finds the package). */
export function defaultSpecsDir(): string {
  const pkg = findAlterGenPackage(import.meta.url);
  if (!pkg) throw new CatalogError("cannot find the alter-gen package folder (and its specs/) above " + fileURLToPath(import.meta.url));
  return join(pkg.root, "specs");
}

/** Reads, parses and validates `<specsDir>/providers.yaml`. */
export async function loadCatalog(specsDir: string = defaultSpecsDir()): Promise<Catalog> {
  const dir = resolve(specsDir);
  const file = join(dir, "providers.yaml");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CatalogError(`cannot read the provider catalog: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
  let data: unknown;
  try {
    data = (await loadYaml()).parse(text);
  } catch (error) {
    throw new CatalogError(`the provider catalog is not valid YAML: ${(error as Error).message.split("\n")[0]}`, { file });
  }
  return { dir, providers: validateCatalogData(data, file) };
}

/** The entry for `id`, or a CatalogError that suggests the closest ids. */
export function findProvider(catalog: Catalog, id: string): CatalogProvider {
  const found = catalog.providers.find((p) => p.id === id);
  if (found) return found;
  const ids = catalog.providers.map((p) => p.id);
  const near = closest(id, ids);
  const hint = near.length ? `Did you mean ${near.map((n) => `"${n}"`).join(" or ")}? ` : "";
  throw new CatalogError(`unknown provider "${id}". ${hint}Known providers: ${ids.join(", ")}.`, { flag: "--provider" });
}

/** Absolute path of a file named relative to specs/ in the catalog (specFile, fixesFile, ...). */
export function catalogPath(catalog: Catalog, relativePath: string): string {
  const full = resolve(catalog.dir, relativePath);
  if (relative(catalog.dir, full).startsWith(".." + sep)) throw new CatalogError(`"${relativePath}" points outside specs/`, { file: join(catalog.dir, "providers.yaml") });
  return full;
}


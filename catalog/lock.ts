// specs/specs.lock.json and the sha256 check of pinned documents: a document is used only when
// its hash matches both the catalog entry and the lock that specs:update wrote.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CatalogError, joinPointer } from "./errors.js";
import { catalogPath } from "./load.js";
import type { Catalog, CatalogProvider } from "./types.js";

export interface LockEntry {
  id: string;
  package: string;
  version: string;
  path: string;
  file: string;
  sha256: string;
  bytes: number;
}

/** Reads specs/specs.lock.json. */
export async function loadLock(catalog: Catalog): Promise<LockEntry[]> {
  const file = join(catalog.dir, "specs.lock.json");
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CatalogError(code ? `cannot read the specs lock: ${code}` : `the specs lock is not valid JSON: ${(error as Error).message}`, { file });
  }
  const docs = (data as { documents?: unknown }).documents;
  if (!Array.isArray(docs)) throw new CatalogError("the specs lock has no documents list", { file, pointer: "/documents" });
  return docs as LockEntry[];
}

/**
 * Reads the pinned document of `provider` and checks it (checkPinnedSha256). Returns the
 * document's bytes so callers need not read a 13 MB file twice.
 */
export async function verifySha256(catalog: Catalog, provider: CatalogProvider, lock?: LockEntry[]): Promise<Buffer> {
  const file = catalogPath(catalog, provider.specFile);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new CatalogError(
      `the pinned document of "${provider.id}" cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); run npm run specs:update`,
      { file },
    );
  }
  checkPinnedSha256(catalog, provider, createHash("sha256").update(bytes).digest("hex"), lock ?? (await loadLock(catalog)));
  return bytes;
}

/**
 * Checks `actual`, the sha256 of the pinned document of `provider` as its caller read it,
 * against the catalog entry and the lock: a document edited by hand, or a catalog and lock out
 * of step, is a CatalogError naming the file and pointer to fix.
 */
export function checkPinnedSha256(catalog: Catalog, provider: CatalogProvider, actual: string, lock: readonly LockEntry[]): void {
  if (actual !== provider.sha256) {
    const index = catalog.providers.indexOf(provider);
    throw new CatalogError(
      `the pinned document of "${provider.id}" has sha256 ${actual}, but the catalog pins ${provider.sha256}; run npm run specs:update or restore the file`,
      { file: join(catalog.dir, "providers.yaml"), pointer: joinPointer("/providers", index < 0 ? provider.id : index, "sha256") },
    );
  }
  const locked = lock.find((e) => e.id === provider.id);
  const lockFile = join(catalog.dir, "specs.lock.json");
  if (!locked) throw new CatalogError(`"${provider.id}" is not in the specs lock; run npm run specs:update`, { file: lockFile });
  if (locked.sha256 !== actual || locked.file !== provider.specFile) {
    throw new CatalogError(
      `the specs lock disagrees with the catalog for "${provider.id}" (lock: ${locked.file} ${locked.sha256}); run npm run specs:update`,
      { file: lockFile, pointer: joinPointer("/documents", lock.indexOf(locked)) },
    );
  }
}

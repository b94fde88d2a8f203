// Opens a data folder: master key, database, catalog. Shared by the server and admin functions.
import { existsSync, readFileSync, renameSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadCatalog } from "../generator/catalog.js";
import type { CatalogProvider } from "../generator/catalog-types.js";
import { AtRest } from "./crypto/at-rest.js";
import { decodeMasterKey, loadMasterKey, masterKeyPath } from "./crypto/master-key.js";
import { checkMasterKey } from "./crypto/key-check.js";
import { openDatabase, type Db } from "./storage/db.js";
import { AuditWriter } from "./audit/writer.js";
import { VaultUsageError } from "./errors.js";
import type { VaultState } from "./http/context.js";
import { defaultApp, type AppRecord } from "./storage/apps.js";

export const DB_FILE = "vault.db";

export interface OpenOptions {
  now?: () => number;
  baseUrl?: string;
  /** Folder holding providers.yaml; defaults to the package's specs/. */
  specsDir?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The AtRest for this folder's key. A rotation interrupted after its commit leaves the new key
 * in master.key.new: when the current file does not open the data and that one does, it is
 * moved into place.
 */
export function openWithMasterKey(dir: string, db: Db, env?: NodeJS.ProcessEnv): AtRest {
  const loaded = loadMasterKey(dir, env);
  const crypto = new AtRest(loaded.key);
  loaded.key.fill(0);
  try {
    checkMasterKey(db, crypto);
    return crypto;
  } catch (e) {
    const pending = masterKeyPath(dir) + ".new";
    if (loaded.source !== "file" || !existsSync(pending)) throw e;
    const next = new AtRest(decodeMasterKey(readFileSync(pending, "utf8"), pending));
    checkMasterKey(db, next);
    renameSync(pending, masterKeyPath(dir));
    return next;
  }
}

/** Throws VaultUsageError unless `dataDir` holds a vault database; returns the absolute folder. */
export function assertVaultFolder(dataDir: string): string {
  const dir = resolve(dataDir);
  if (!existsSync(join(dir, DB_FILE))) {
    throw new VaultUsageError(`${dir} is not a vault data folder (no ${DB_FILE}). Run \`alter-gen vault init --data ${dataDir}\` first.`);
  }
  return dir;
}

export async function openVaultState(dataDir: string, opts: OpenOptions = {}): Promise<VaultState & { app: AppRecord }> {
  const dir = assertVaultFolder(dataDir);
  const db = openDatabase(join(dir, DB_FILE));
  let crypto: AtRest;
  try {
    crypto = openWithMasterKey(dir, db, opts.env);
  } catch (e) {
    db.close();
    throw e;
  }
  const app = defaultApp(db);
  if (!app) {
    db.close();
    throw new VaultUsageError(`${dir} holds no app; run \`alter-gen vault init --data ${dataDir}\` again in an empty folder.`);
  }
  const now = opts.now ?? Date.now;
  const catalog = await loadCatalog(opts.specsDir);
  const byId = new Map<string, CatalogProvider>(catalog.providers.map((p) => [p.id, p]));
  return {
    dataDir: dir,
    db,
    crypto,
    now,
    startedAt: now(),
    audit: new AuditWriter(db, now),
    catalogProvider: (id) => byId.get(id),
    baseUrl: opts.baseUrl ?? "",
    app,
  };
}

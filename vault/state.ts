// Opens a data folder: master key, database, catalog. Shared by the server and admin functions.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadCatalog, type CatalogProvider } from "../catalog/index.js";
import type { AtRest } from "./crypto/at-rest.js";
import { loadMasterKey } from "./crypto/master-key.js";
import { settleMasterKey } from "./crypto/rotation-files.js";
import { adoptKeyState } from "./crypto/kek-state.js";
import { SqliteDriver } from "./storage/sql/sqlite-driver.js";
import { openDatabase, type Db } from "./storage/db.js";
import { openAuditWriter } from "./audit/open.js";
import { sqliteStore } from "./storage/store/index.js";
import { VaultUsageError } from "./errors.js";
import type { OpenedVault } from "./context.js";
import { maskSecrets } from "./quote.js";

export const DB_FILE = "vault.db";

export interface OpenOptions {
  now?: () => number;
  baseUrl?: string;
  /** Folder holding providers.yaml; defaults to the package's specs/. */
  specsDir?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The AtRest for this folder's keyring, after settling what an interrupted rotation left behind
 * (crypto/rotation-files.ts: a pending key is moved into place or removed, whichever the data says),
 * with the database's key state adopted and followed (crypto/kek-state.ts).
 */
export async function openWithMasterKey(dir: string, db: Db, env?: NodeJS.ProcessEnv): Promise<AtRest> {
  const crypto = settleMasterKey(dir, db, loadMasterKey(dir, env), { env });
  // The database's current KEK and MAC root, followed while the vault runs (crypto/kek-state.ts).
  await adoptKeyState(new SqliteDriver(db), crypto, { follow: true });
  return crypto;
}

/** Throws VaultUsageError unless `dataDir` holds a vault database; returns the absolute folder. */
export function assertVaultFolder(dataDir: string): string {
  const dir = resolve(dataDir);
  if (!existsSync(join(dir, DB_FILE))) {
    throw new VaultUsageError(`${maskSecrets(dir)} is not a vault data folder (no ${DB_FILE}). Run \`alter-gen vault init --data ${maskSecrets(dataDir)}\` first.`);
  }
  return dir;
}

export async function openVaultState(dataDir: string, opts: OpenOptions = {}): Promise<OpenedVault> {
  const dir = assertVaultFolder(dataDir);
  const db = openDatabase(join(dir, DB_FILE));
  let crypto: AtRest;
  try {
    crypto = await openWithMasterKey(dir, db, opts.env);
  } catch (e) {
    db.close();
    throw e;
  }
  const store = sqliteStore(db, crypto);
  const app = await store.apps.first();
  if (!app) {
    db.close();
    throw new VaultUsageError(`${maskSecrets(dir)} holds no app; run \`alter-gen vault init --data ${maskSecrets(dataDir)}\` again in an empty folder.`);
  }
  const now = opts.now ?? Date.now;
  const catalog = await loadCatalog(opts.specsDir);
  const byId = new Map<string, CatalogProvider>(catalog.providers.map((p) => [p.id, p]));
  return {
    dataDir: dir,
    db,
    store,
    crypto,
    now,
    startedAt: now(),
    audit: openAuditWriter(dir, db, crypto, now),
    catalogProvider: (id) => byId.get(id),
    baseUrl: opts.baseUrl ?? "",
    app,
  };
}

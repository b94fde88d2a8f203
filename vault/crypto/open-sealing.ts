// The sealing object of an instance over any store (PostgreSQL included): the data folder's
// keyring, checked against the database's master-key check value through the store, with the
// database's key state adopted and followed. (A SQLite folder is opened by state.ts
// openWithMasterKey, which also settles key files an older rotation left behind.)
import type { SqlRunner } from "../storage/sql/driver.js";
import { AtRest } from "./at-rest.js";
import { FolderKeyring } from "./folder-keyring.js";
import { adoptKeyState } from "./kek-state.js";
import { checkMasterKeyIn } from "./key-check.js";
import { loadMasterKey } from "./master-key.js";

export async function openSealingOn(r: SqlRunner, dataDir: string, env?: NodeJS.ProcessEnv, opts: { follow?: boolean } = {}): Promise<AtRest> {
  const loaded = loadMasterKey(dataDir, env);
  const crypto = new AtRest(FolderKeyring.fromFolder(dataDir, loaded, env));
  loaded.key.fill(0);
  await checkMasterKeyIn(r, crypto);
  await adoptKeyState(r, crypto, { follow: opts.follow ?? true });
  return crypto;
}

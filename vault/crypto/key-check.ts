// A sealed known value in the meta table tells a wrong master key apart from a damaged row.
import { VaultUsageError } from "../errors.js";
import type { Db } from "../storage/db.js";
import type { SqlRunner } from "../storage/sql/driver.js";
import type { AtRest } from "./at-rest.js";

const CHECK_KEY = "sealed:master-key-check";
const CHECK_VALUE = "alter-vault master key check";

/** Stores the check value sealed under `crypto`, through the store's driver or a transaction of it. */
export async function writeMasterKeyCheck(r: SqlRunner, crypto: AtRest): Promise<void> {
  await r.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [CHECK_KEY, crypto.seal("meta", CHECK_KEY, CHECK_VALUE)]);
}

/** Throws the clear "does not open this vault" error unless `crypto` opens the stored check. */
export async function checkMasterKeyIn(r: SqlRunner, crypto: AtRest): Promise<void> {
  judge((await r.get<{ value: string }>("SELECT value FROM meta WHERE key = ?", [CHECK_KEY]))?.value, crypto);
}

/** The same check, synchronously, for opening a SQLite folder (the key files are settled before
 *  any store exists: crypto/rotation-files.ts). */
export function checkMasterKey(db: Db, crypto: AtRest): void {
  judge((db.prepare("SELECT value FROM meta WHERE key = ?").get(CHECK_KEY) as { value: string } | undefined)?.value, crypto);
}

function judge(value: string | undefined, crypto: AtRest): void {
  if (value === undefined) throw new VaultUsageError("The vault database has no master key check; it was not created by `alter-gen vault init`.");
  let ok = false;
  try {
    ok = crypto.open("meta", CHECK_KEY, value).toString("utf8") === CHECK_VALUE;
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new VaultUsageError(
      "The master key does not open this vault's data (ALTER_VAULT_MASTER_KEY or master.key belongs to another vault, or the key was rotated).",
    );
  }
}

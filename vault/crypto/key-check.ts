// A sealed known value in the meta table tells a wrong master key apart from a damaged row.
import { VaultUsageError } from "../errors.js";
import type { Db } from "../storage/db.js";
import type { AtRest } from "./at-rest.js";

const CHECK_KEY = "sealed:master-key-check";
const CHECK_VALUE = "alter-vault master key check";

export function writeMasterKeyCheck(db: Db, crypto: AtRest): void {
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)").run(CHECK_KEY, crypto.seal("meta", CHECK_KEY, CHECK_VALUE));
}

export function checkMasterKey(db: Db, crypto: AtRest): void {
  const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(CHECK_KEY) as { value: string } | undefined;
  if (!row) throw new VaultUsageError("The vault database has no master key check; it was not created by `alter-gen vault init`.");
  let ok = false;
  try {
    ok = crypto.open("meta", CHECK_KEY, row.value).toString("utf8") === CHECK_VALUE;
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new VaultUsageError(
      "The master key does not open this vault's data (ALTER_VAULT_MASTER_KEY or master.key belongs to another vault, or the key was rotated).",
    );
  }
}

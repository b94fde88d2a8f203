import type { Database } from "better-sqlite3";
import type { Migration } from "./types.js";

// Managed secrets of type `fields`: a JSON object of named strings, for providers whose document
// requires several credentials at once (Trello's `key` and `token`), each injected in its own
// place (`multi` injection). SQLite cannot change a CHECK constraint, so the table is rebuilt
// from its own current definition with the constraint widened: the columns are whatever the
// folder has (a folder may meet this step before an older-numbered one that adds a column,
// e.g. 006's policy_floor; test/vault/migration-authz.test.ts), so nothing is added or lost.
function widenSecretTypes(db: Database): void {
  const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'managed_secrets'").get() as { sql: string } | undefined;
  if (!table) throw new Error("migration 60: the managed_secrets table is missing");
  const check = /CHECK\s*\(\s*type\s+IN\s*\(([^)]*)\)\s*\)/i;
  const found = check.exec(table.sql);
  if (!found) throw new Error("migration 60: managed_secrets.type has no CHECK (type IN (…)) to widen");
  if (found[1]!.includes("'fields'")) return;
  const next = table.sql
    .replace(check, `CHECK (type IN (${found[1]}, 'fields'))`)
    .replace(/^CREATE TABLE\s+"?managed_secrets"?/i, "CREATE TABLE managed_secrets_next");
  const columns = (db.prepare("PRAGMA table_info(managed_secrets)").all() as { name: string }[]).map((c) => `"${c.name}"`).join(", ");
  db.exec(next);
  db.exec(`INSERT INTO managed_secrets_next (${columns}) SELECT ${columns} FROM managed_secrets;
DROP TABLE managed_secrets;
ALTER TABLE managed_secrets_next RENAME TO managed_secrets;`);
}

export const m060SecretFields: Migration = {
  version: 60,
  name: "secret-fields",
  rebuildsTables: true,
  up: widenSecretTypes,
};

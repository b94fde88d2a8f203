import type { Migration } from "./types.js";

// Managed secrets of type `fields`: a JSON object of named strings, for providers whose document
// requires several credentials at once (Trello's `key` and `token`), each injected in its own
// place (`multi` injection). SQLite cannot change a CHECK constraint, so the table is rebuilt.
export const m060SecretFields: Migration = {
  version: 60,
  name: "secret-fields",
  rebuildsTables: true,
  sql: `
CREATE TABLE managed_secrets_next (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  provider TEXT NOT NULL,
  label TEXT,
  type TEXT NOT NULL CHECK (type IN ('token', 'basic', 'aws', 'fields')),
  sealed TEXT NOT NULL,
  created_at TEXT NOT NULL,
  policy_floor TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO managed_secrets_next (id, app_id, provider, label, type, sealed, created_at, policy_floor)
  SELECT id, app_id, provider, label, type, sealed, created_at, policy_floor FROM managed_secrets;
DROP TABLE managed_secrets;
ALTER TABLE managed_secrets_next RENAME TO managed_secrets;
`,
};

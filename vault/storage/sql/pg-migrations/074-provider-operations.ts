import type { PgMigration } from "./types.js";

// Twin of SQLite's 074: the operations of a provider outside the catalog (JSON), which approval
// by operation checks a call's named operation against.
export const pg074ProviderOperations: PgMigration = {
  version: 74,
  name: "provider-operations",
  sql: `
CREATE TABLE IF NOT EXISTS provider_operations (
  app_id TEXT NOT NULL REFERENCES apps(id),
  provider TEXT NOT NULL,
  operations TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (app_id, provider)
);
`,
};

import type { Migration } from "./types.js";

// The operations of a provider outside the catalog, read from the document given to
// `vault providers set <id> --from-spec` (id, method, path template each, as JSON), so that a
// grant whose policy approves by operation can check the operation a call names (issue 12).
// Catalog providers are checked against their pinned document instead.
export const m074ProviderOperations: Migration = {
  version: 74,
  name: "provider-operations",
  sql: `
CREATE TABLE provider_operations (
  app_id TEXT NOT NULL REFERENCES apps(id),
  provider TEXT NOT NULL,
  operations TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (app_id, provider)
);
`,
};

import type { Migration } from "./types.js";

// One version counter per table whose records a signed request reads (apps, API keys, provider
// settings, managed secrets, grants), bumped by triggers in the same transaction as every
// insert, delete and update of the table, whoever writes it (this process, an admin command in
// another process). The vault caches those records in memory (storage/store/record-cache.ts)
// and checks one small read of these counters per request instead of reading each record.
// A last-use write (`last_used_at` of keys and grants) is no change of the record as far as a
// request is concerned and would bump the counter every second under load: the UPDATE OF lists
// name every other column (test/vault/storage/record-versions.test.ts keeps them complete).
// Twin of PostgreSQL's 095.
const counted: Record<string, string[] | null> = {
  apps: null,
  api_keys: ["id", "app_id", "label", "state", "derived_keys_sealed", "ed25519_public_key", "created_at", "deprecated_at", "sunset_at", "revoked_at", "kind", "scopes"],
  providers: null,
  managed_secrets: null,
  grants: [
    "id", "app_id", "provider", "account", "principal_type", "principal_id", "principal_label", "scopes", "status", "source", "managed_secret_id",
    "credential_sealed", "credential_expires_at", "policy", "created_at", "expires_at", "revoked_at", "revoke_reason", "principal_issuer",
  ],
};

const bump = (table: string) => `BEGIN UPDATE record_versions SET version = version + 1 WHERE kind = '${table}'; END;`;

export const m095RecordVersions: Migration = {
  version: 95,
  name: "record-versions",
  sql: [
    "CREATE TABLE record_versions (kind TEXT PRIMARY KEY, version INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;",
    ...Object.entries(counted).flatMap(([table, columns]) => [
      `INSERT INTO record_versions (kind) VALUES ('${table}');`,
      `CREATE TRIGGER ${table}_version_insert AFTER INSERT ON ${table} ${bump(table)}`,
      `CREATE TRIGGER ${table}_version_delete AFTER DELETE ON ${table} ${bump(table)}`,
      `CREATE TRIGGER ${table}_version_update AFTER UPDATE${columns ? ` OF ${columns.join(", ")}` : ""} ON ${table} ${bump(table)}`,
    ]),
  ].join("\n"),
};

import type { PgMigration } from "./types.js";

// Twin of SQLite's 095: a version counter per table whose records the vault caches in memory,
// bumped in the writing transaction by a statement-level trigger (one bump per statement, not
// per row), so every instance sees a change at its next request's version read. Last-use
// writes are left out by the UPDATE OF lists, as on SQLite (see there why).
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

export const pg095RecordVersions: PgMigration = {
  version: 95,
  name: "record-versions",
  sql: [
    "CREATE TABLE IF NOT EXISTS record_versions (kind TEXT PRIMARY KEY, version BIGINT NOT NULL DEFAULT 0);",
    // The writer's search path is pinned to the schema the migration ran in, so a bump finds
    // the table whatever the session's own search path is.
    `CREATE OR REPLACE FUNCTION record_version_bump() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  UPDATE record_versions SET version = version + 1 WHERE kind = TG_TABLE_NAME;
  RETURN NULL;
END
$fn$;`,
    ...Object.entries(counted).flatMap(([table, columns]) => [
      `INSERT INTO record_versions (kind) VALUES ('${table}') ON CONFLICT (kind) DO NOTHING;`,
      `CREATE OR REPLACE TRIGGER ${table}_version AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE${columns ? ` OF ${columns.join(", ")}` : ""} ON ${table}
  FOR EACH STATEMENT EXECUTE FUNCTION record_version_bump();`,
    ]),
  ].join("\n"),
};

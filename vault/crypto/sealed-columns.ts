// Every column holding a value sealed by AtRest, so rotate-master-key can rewrap all of them (rewrap.ts).
// A migration adding a sealed column adds a line here; test/vault/sealed-columns.test.ts fails
// for any column of the migrated schema named `sealed` or `*_sealed` missing from this list.

export interface SealedColumn {
  table: string;
  /** The column whose value is the record id in the associated data. */
  idColumn: string;
  column: string;
  /** The purpose string passed to AtRest.seal/open for this column. */
  purpose: string;
  /** Restricts the rows (SQL condition) when only some rows of the column are sealed. */
  where?: string;
}

export const sealedColumns: SealedColumn[] = [
  { table: "meta", idColumn: "key", column: "value", purpose: "meta", where: "key LIKE 'sealed:%'" },
  { table: "api_keys", idColumn: "id", column: "derived_keys_sealed", purpose: "api-key" },
  { table: "providers", idColumn: "provider", column: "client_secret_sealed", purpose: "provider-client-secret" },
  { table: "managed_secrets", idColumn: "id", column: "sealed", purpose: "managed-secret" },
  { table: "grants", idColumn: "id", column: "credential_sealed", purpose: "grant-credential" },
  { table: "approvals", idColumn: "id", column: "request_sealed", purpose: "approval-request" },
  { table: "approvals", idColumn: "id", column: "result_sealed", purpose: "approval-result" },
  { table: "approvals", idColumn: "id", column: "page_token_sealed", purpose: "approval-page-token" },
  { table: "idp_configs", idColumn: "app_id", column: "client_secret_sealed", purpose: "idp-client-secret" },
  { table: "oauth_states", idColumn: "id", column: "verifier_sealed", purpose: "oauth-pkce-verifier" },
  { table: "auth_sessions", idColumn: "id", column: "id_token_sealed", purpose: "auth-session-token" },
  { table: "approval_webhooks", idColumn: "app_id", column: "secret_sealed", purpose: "approval-webhook-secret" },
  { table: "approval_webhooks", idColumn: "app_id", column: "url_sealed", purpose: "approval-webhook-url" },
  { table: "device_authorizations", idColumn: "id", column: "device_code_sealed", purpose: "device-code" },
];

// Every column holding a value sealed by AtRest, so rotate-master-key can re-seal all of them.
// A module adding a sealed column adds a line here (identity/OAuth included).
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
  { table: "idp_configs", idColumn: "app_id", column: "client_secret_sealed", purpose: "idp-client-secret" },
  { table: "oauth_states", idColumn: "id", column: "verifier_sealed", purpose: "oauth-pkce-verifier" },
  { table: "auth_sessions", idColumn: "id", column: "id_token_sealed", purpose: "auth-session-token" },
];

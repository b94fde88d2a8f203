// Every column holding a value sealed by AtRest, so rotate-master-key can re-seal all of them.
// A migration adding a sealed column adds a line here; test/vault/sealed-columns.test.ts fails
// for any column of the migrated schema named `sealed` or `*_sealed` missing from this list.
import type { SqlRunner } from "../storage/sql/driver.js";
import type { AtRest } from "./at-rest.js";

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

/**
 * Re-seals every listed column from `from` to `to`, through `tx` (the caller's transaction, on
 * either engine: the whole rotation commits or none of it); returns how many values were
 * re-sealed. A value that does not open with `from` aborts the rotation. Each row is matched by its
 * record id and its old sealed value (unique: every seal has a fresh nonce), so no engine's row
 * address is needed.
 */
export async function resealAll(tx: SqlRunner, from: AtRest, to: AtRest, columns: readonly SealedColumn[] = sealedColumns): Promise<number> {
  let resealed = 0;
  const tableExists =
    tx.dialect === "postgres"
      ? "SELECT 1 AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
      : "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?";
  for (const c of columns) {
    if (!(await tx.get(tableExists, [c.table]))) continue;
    const rows = await tx.all<{ rec: string; val: string }>(
      `SELECT ${c.idColumn} AS rec, ${c.column} AS val FROM ${c.table} WHERE ${c.column} IS NOT NULL${c.where ? ` AND (${c.where})` : ""}`,
    );
    for (const r of rows) {
      const plain = from.open(c.purpose, String(r.rec), r.val);
      await tx.run(`UPDATE ${c.table} SET ${c.column} = ? WHERE ${c.idColumn} = ? AND ${c.column} = ?`, [to.seal(c.purpose, String(r.rec), plain), r.rec, r.val]);
      plain.fill(0);
      resealed++;
    }
  }
  return resealed;
}

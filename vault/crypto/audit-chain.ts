// The audit hash chain (written by vault/audit/writer.ts): every row commits to the row before it, so a row that is changed,
// removed or moved breaks a link that `vault audit verify` and start-up find. The canonical
// encoding below is the one docs/architecture.md ("Audit log") describes; change both together.
import { createHash } from "node:crypto";

export const CHAIN_VERSION = "alter-audit/v1";

/**
 * The chain this process writes. One chain per vault today; when several vault instances share
 * one database (PostgreSQL), each instance gets its own chain id, its own genesis and its own
 * sequence, and rows gain a chain column. Nothing else in the encoding changes.
 */
export const MAIN_CHAIN = "main";

/** The audit columns a row hash covers, in the order they are encoded (seq first). */
export const HASHED_COLUMNS = [
  "seq", "id", "time", "app_id", "key_id", "action", "caller", "caller_type", "principal_type", "principal_id",
  "grant_id", "provider", "operation_id", "method", "url", "reason", "run_id", "thread_id", "tool_call_id",
  "tool_name", "sdk_version", "remote_address", "outcome", "status", "latency_ms", "error_code", "details",
] as const;

export type HashedColumn = (typeof HASHED_COLUMNS)[number];
export type ChainRow = { [K in HashedColumn]: string | number | null };

/** The hash the first row of a chain links to. */
export function genesisHash(chain: string = MAIN_CHAIN): string {
  return createHash("sha256").update(`${CHAIN_VERSION} genesis:${chain}`, "utf8").digest("hex");
}

/**
 * The canonical encoding of a row: a JSON array (no whitespace, ECMAScript JSON.stringify) of
 * the version tag followed by the stored values of HASHED_COLUMNS in order; SQL NULL is null,
 * TEXT a JSON string, INTEGER and REAL JSON numbers (`details` is the stored JSON text, as a
 * string, so it is never re-serialised).
 */
export function canonicalRow(row: ChainRow): string {
  const values: (string | number | null)[] = [CHAIN_VERSION];
  for (const c of HASHED_COLUMNS) values.push(row[c] ?? null);
  return JSON.stringify(values);
}

/**
 * hash = lowercase hex of SHA-256 over the UTF-8 bytes of: the previous row's hash (64 hex
 * characters) followed by the canonical row.
 */
export function rowHash(prevHash: string, row: ChainRow): string {
  return createHash("sha256").update(prevHash, "utf8").update(canonicalRow(row), "utf8").digest("hex");
}

/** rowHash() over the values of HASHED_COLUMNS as an array in that order (a raw SELECT row). */
export function valuesHash(prevHash: string, values: readonly unknown[]): string {
  const canonical = JSON.stringify([CHAIN_VERSION, ...values.slice(0, HASHED_COLUMNS.length)]);
  return createHash("sha256").update(prevHash, "utf8").update(canonical, "utf8").digest("hex");
}

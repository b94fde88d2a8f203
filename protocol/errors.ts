// The protocol's error codes (docs/protocol.md, "Error codes"): ONE table of code → HTTP status,
// retryable, and the SDK class a caller catches. The vault's statuses (vault/errors.ts) and the
// runtime's classes (runtime/errors.ts, `errorFromEnvelope`) are both derived from it, each
// through a `Record<ErrorCode, …>`, so a code added here and forgotten on either side does not
// compile; test/protocol/doc-tables.test.ts checks the document's table row by row against it.
//
// Also `ProtocolError`, what the shared protocol code (signing, digest, sealing, keys, injection)
// throws: a stable code and a message that never holds a secret. The vault turns it into a
// refusal, the runtime into its public classes (`SignatureError`, `AlterValueError`, …).

/** The runtime error classes the table names (runtime/errors.ts exports each). */
export type SdkErrorClassName =
  | "AlterValueError"
  | "SignatureError"
  | "IdentityError"
  | "InsufficientScopeError"
  | "PolicyViolationError"
  | "ApprovalRequiredError"
  | "ApprovalDeniedError"
  | "ApprovalExpiredError"
  | "GrantNotFoundError"
  | "AmbiguousGrantError"
  | "GrantExpiredError"
  | "GrantRevokedError"
  | "CredentialRevokedError"
  | "ConnectConfigError"
  | "TokenRefreshInProgressError"
  | "NetworkError"
  | "BackendError";

/** One row of the table: what a vault answer with this code means to both sides. */
export interface ErrorRow {
  /** The HTTP status the vault answers with. */
  readonly status: number;
  /** Whether the runtime's retry rules may try again (`AlterSDKError.retryable`). */
  readonly retryable: boolean;
  /** The runtime class `errorFromEnvelope` builds for it. */
  readonly sdkClass: SdkErrorClassName;
  /**
   * The `code` the runtime's error carries when it differs from the wire code (the unsigned
   * `too_many_connections` surfaces as `NetworkError` with code `vault_unavailable`).
   */
  readonly sdkCode?: string;
  /** True for answers the vault sends before it knows the key, so they are never signed. */
  readonly unsigned?: true;
}

/** Every error code a vault answers with. */
export type ErrorCode =
  | "invalid_request"
  | "provider_host_not_allowed"
  | "connect_config"
  | "signature_missing"
  | "signature_invalid"
  | "signature_expired"
  | "signature_future"
  | "signature_replayed"
  | "digest_mismatch"
  | "unknown_key"
  | "key_revoked"
  | "user_token_invalid"
  | "insufficient_scope"
  | "policy_violation"
  | "approval_required"
  | "operation_mismatch"
  | "approval_denied"
  | "approval_expired"
  | "not_found"
  | "grant_not_found"
  | "method_not_allowed"
  | "ambiguous_grant"
  | "grant_expired"
  | "grant_revoked"
  | "credential_revoked"
  | "reauth_required"
  | "payload_too_large"
  | "unsupported_media_type"
  | "internal_error"
  | "storage_unavailable"
  | "provider_unreachable"
  | "token_refresh_in_progress"
  | "too_many_connections";

const no = <C extends SdkErrorClassName>(status: number, sdkClass: C) => ({ status, retryable: false, sdkClass }) as const;
const yes = <C extends SdkErrorClassName>(status: number, sdkClass: C) => ({ status, retryable: true, sdkClass }) as const;

/** The table, in docs/protocol.md's order. */
export const ERROR_TABLE = {
  invalid_request: no(400, "AlterValueError"),
  signature_missing: no(401, "SignatureError"),
  signature_invalid: no(401, "SignatureError"),
  signature_expired: no(401, "SignatureError"),
  signature_future: no(401, "SignatureError"),
  signature_replayed: no(401, "SignatureError"),
  digest_mismatch: no(401, "SignatureError"),
  unknown_key: no(401, "SignatureError"),
  key_revoked: no(401, "SignatureError"),
  user_token_invalid: no(401, "IdentityError"),
  insufficient_scope: no(403, "InsufficientScopeError"),
  policy_violation: no(403, "PolicyViolationError"),
  approval_required: no(403, "ApprovalRequiredError"),
  operation_mismatch: no(403, "PolicyViolationError"),
  approval_denied: no(403, "ApprovalDeniedError"),
  approval_expired: no(410, "ApprovalExpiredError"),
  grant_not_found: no(404, "GrantNotFoundError"),
  ambiguous_grant: no(409, "AmbiguousGrantError"),
  grant_expired: no(410, "GrantExpiredError"),
  grant_revoked: no(410, "GrantRevokedError"),
  credential_revoked: no(410, "CredentialRevokedError"),
  reauth_required: no(410, "CredentialRevokedError"),
  provider_host_not_allowed: no(400, "AlterValueError"),
  connect_config: no(400, "ConnectConfigError"),
  token_refresh_in_progress: yes(503, "TokenRefreshInProgressError"),
  provider_unreachable: yes(502, "NetworkError"),
  internal_error: yes(500, "BackendError"),
  storage_unavailable: yes(503, "NetworkError"),
  not_found: no(404, "BackendError"),
  method_not_allowed: no(405, "BackendError"),
  payload_too_large: no(413, "AlterValueError"),
  unsupported_media_type: no(415, "AlterValueError"),
  too_many_connections: { ...yes(503, "NetworkError"), sdkCode: "vault_unavailable", unsigned: true },
} as const satisfies Record<ErrorCode, ErrorRow>;

/** Whether a string is one of the table's codes. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_TABLE, code);
}

/** The codes a signature, digest or key check refuses a message with (the `SignatureError` rows). */
export type SignatureCode = {
  [C in ErrorCode]: (typeof ERROR_TABLE)[C]["sdkClass"] extends "SignatureError" ? C : never;
}[ErrorCode];

/** The signature codes, as a set. */
export const SIGNATURE_CODES: ReadonlySet<string> = new Set(
  (Object.keys(ERROR_TABLE) as ErrorCode[]).filter((code) => ERROR_TABLE[code].sdkClass === "SignatureError"),
);

/** What the shared protocol code throws, beyond the signature codes of the table. */
export type ProtocolErrorCode =
  | SignatureCode
  /** A sealed value (credential, user token) failed AES-GCM authentication or is malformed. */
  | "seal_invalid"
  /** A credential the vault handed out lacks a field its injection needs. */
  | "invalid_credential"
  /** A value is not an API key (`alter_sk_<keyId>_<secret>`), or a secret has the wrong length. */
  | "invalid_api_key";

/**
 * An error of the shared protocol code. The message names what failed and never holds a secret,
 * so either side may show it; each side maps the code to its own error type.
 */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  readonly code: ProtocolErrorCode;
  constructor(code: ProtocolErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

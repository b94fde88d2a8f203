// Errors the vault answers with. Codes and statuses are the stable table of docs/protocol.md;
// the SDK maps each code to its error class, so a code never changes meaning.

export const ERROR_STATUS = {
  invalid_request: 400,
  provider_host_not_allowed: 400,
  connect_config: 400,
  signature_missing: 401,
  unknown_key: 401,
  key_revoked: 401,
  signature_expired: 401,
  signature_future: 401,
  signature_replayed: 401,
  digest_mismatch: 401,
  signature_invalid: 401,
  user_token_invalid: 401,
  insufficient_scope: 403,
  policy_violation: 403,
  approval_required: 403,
  approval_denied: 403,
  not_found: 404,
  grant_not_found: 404,
  method_not_allowed: 405,
  ambiguous_grant: 409,
  conflict: 409,
  approval_expired: 410,
  grant_expired: 410,
  grant_revoked: 410,
  credential_revoked: 410,
  reauth_required: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal_error: 500,
  provider_unreachable: 502,
  token_refresh_in_progress: 503,
} as const;

export type VaultErrorCode = keyof typeof ERROR_STATUS;

export interface VaultErrorOptions {
  /** Overrides the status of the code table (rarely needed). */
  status?: number;
  /** Machine-readable data for the caller; never a secret. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class VaultError extends Error {
  readonly code: VaultErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: VaultErrorCode, message: string, options: VaultErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "VaultError";
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code];
    this.details = options.details ?? {};
  }

  /** The wire envelope of protocol.md. */
  toJSON(): { error: { code: string; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** Bad input to an admin function or CLI command: one paragraph naming the flag or field. */
export class VaultUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VaultUsageError";
  }
}

export function isVaultError(e: unknown): e is VaultError {
  return e instanceof VaultError;
}

// The error hierarchy of alter-gen/runtime. Every error has a stable `code` and a `retryable`
// flag; none ever carries a secret (messages are built from codes, ids and field names only).

export interface AlterErrorOptions {
  cause?: unknown;
}

/** Root of every error the runtime throws. */
export class AlterSDKError extends Error {
  override name = "AlterSDKError";
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, retryable = false, options?: AlterErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = retryable;
  }
}

/** Bad input caught before any network call (or rejected by the vault as `invalid_request`). */
export class AlterValueError extends AlterSDKError {
  override name = "AlterValueError";
  constructor(message: string, code = "invalid_value", options?: AlterErrorOptions) {
    super(code, message, false, options);
  }
}

/** The codes a signature or digest check can fail with; the same strings the vault answers. */
export type SignatureErrorCode =
  | "signature_missing"
  | "signature_invalid"
  | "signature_expired"
  | "signature_future"
  | "signature_replayed"
  | "digest_mismatch"
  | "unknown_key"
  | "key_revoked"
  /** A sealed value (credential, user token) failed AES-GCM authentication or is malformed. */
  | "seal_invalid";

/**
 * A request or response failed signature checks. Never retry blindly. `unverified` is true when
 * the error comes from an unsigned vault answer (e.g. `unknown_key`), whose code could not be
 * authenticated.
 */
export class SignatureError extends AlterSDKError {
  override name = "SignatureError";
  declare readonly code: SignatureErrorCode;
  readonly unverified: boolean;
  constructor(code: SignatureErrorCode, message: string, options?: AlterErrorOptions & { unverified?: boolean }) {
    super(code, message, false, options);
    this.unverified = options?.unverified ?? false;
  }
}

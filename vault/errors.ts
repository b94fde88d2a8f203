// Errors the vault answers with. Codes and statuses are the protocol's table (protocol/errors.ts,
// docs/protocol.md), from which the SDK's classes are derived too, so a code never changes meaning.
import { ERROR_TABLE, type ErrorCode } from "../protocol/errors.js";

/** The codes a vault answers with: the protocol's table (protocol/errors.ts), the one definition. */
export type VaultErrorCode = ErrorCode;

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
    this.status = options.status ?? ERROR_TABLE[code].status;
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

// A vault error answer (`{ error: { code, message, details } }`) → the runtime's error class.
// Which class, and whether it is retryable, is protocol/errors.ts's ERROR_TABLE; here is only how
// each class is built from an answer, one builder per class name, so a class the table names
// without a builder here does not compile.
import { ERROR_TABLE, isErrorCode, type ErrorRow, type SdkErrorClassName, type SignatureCode } from "../protocol/errors.js";
import {
  AlterValueError,
  AmbiguousGrantError,
  ApprovalDeniedError,
  ApprovalExpiredError,
  ApprovalRequiredError,
  BackendError,
  ConnectConfigError,
  CredentialRevokedError,
  GrantExpiredError,
  GrantNotFoundError,
  GrantRevokedError,
  IdentityError,
  InsufficientScopeError,
  NetworkError,
  PolicyViolationError,
  SignatureError,
  TokenRefreshInProgressError,
  type AlterSDKError,
} from "./errors.js";

/** The wire shape of a vault error answer (docs/protocol.md, "Error codes"). */
export interface ErrorEnvelope {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** One decoded answer, as a builder sees it. */
interface Answer {
  code: string;
  row: ErrorRow;
  message: string;
  details: Record<string, unknown>;
  status: number;
  unverified: boolean;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A retryAfter from the vault: seconds, finite and not negative (a day at most), else undefined. */
function seconds(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 86_400 ? value : undefined;
}

/** Vault messages are shown to people; keep them one printable line of sane length. */
function cleanMessage(value: unknown, fallback: string): string {
  if (typeof value !== "string" || value.trim() === "") return fallback;
  const text = value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}

/** How each class the table names is built from an answer (its code is one of that class's rows). */
const BUILD: Record<SdkErrorClassName, (a: Answer) => AlterSDKError> = {
  AlterValueError: (a) => new AlterValueError(a.message, a.code),
  SignatureError: (a) =>
    new SignatureError(a.code as SignatureCode, a.unverified ? `${a.message} (unverified: the answer was not signed)` : a.message, {
      unverified: a.unverified,
    }),
  IdentityError: (a) => new IdentityError(a.message, { status: a.status }),
  InsufficientScopeError: (a) => new InsufficientScopeError(a.message, { status: a.status }),
  PolicyViolationError: (a) =>
    new PolicyViolationError(a.message, {
      status: a.status,
      policy: str(a.details.policy),
      retryAfter: seconds(a.details.retryAfter),
      ...(a.code === "operation_mismatch" ? { code: a.code } : {}),
    }),
  ApprovalRequiredError: (a) => {
    const approvalId = str(a.details.approvalId);
    const approvalUrl = str(a.details.approvalUrl);
    if (approvalId === undefined || approvalUrl === undefined) {
      return new BackendError("invalid_response", "the vault asked for approval without an approval id and URL", { status: a.status });
    }
    return new ApprovalRequiredError({ approvalId, approvalUrl, expiresAt: str(a.details.expiresAt), message: a.message });
  },
  ApprovalDeniedError: (a) => new ApprovalDeniedError(str(a.details.approvalId), a.message),
  ApprovalExpiredError: (a) => new ApprovalExpiredError(str(a.details.approvalId), a.message),
  GrantNotFoundError: (a) => new GrantNotFoundError(a.message, { status: a.status }),
  AmbiguousGrantError: (a) => {
    const accounts = Array.isArray(a.details.accounts) ? a.details.accounts.filter((x): x is string => typeof x === "string") : [];
    return new AmbiguousGrantError(accounts, a.message, { status: a.status });
  },
  GrantExpiredError: (a) => new GrantExpiredError(a.message, { status: a.status }),
  GrantRevokedError: (a) => new GrantRevokedError(a.message, { status: a.status }),
  CredentialRevokedError: (a) => new CredentialRevokedError(a.message, { status: a.status, code: a.code as "credential_revoked" | "reauth_required" }),
  ConnectConfigError: (a) => new ConnectConfigError(a.message),
  TokenRefreshInProgressError: (a) => new TokenRefreshInProgressError(a.message, { status: a.status, retryAfter: seconds(a.details.retryAfter) }),
  NetworkError: (a) => new NetworkError(a.message, { code: a.row.sdkCode ?? a.code }),
  BackendError: (a) => new BackendError(a.code, a.message, { status: a.status, retryable: a.row.retryable }),
};

/**
 * The error class for a vault error answer (docs/protocol.md, "Error codes"). Unknown codes
 * become a BackendError, retryable for 5xx; a body that is not an envelope becomes
 * `BackendError("invalid_response")`.
 */
export function errorFromEnvelope(httpStatus: number, envelope: unknown, options?: { unverified?: boolean }): AlterSDKError {
  const error = (envelope as ErrorEnvelope | undefined)?.error;
  if (error === null || typeof error !== "object" || typeof error.code !== "string") {
    return new BackendError("invalid_response", `the vault answered ${httpStatus} without an error envelope`, {
      status: httpStatus,
      retryable: httpStatus >= 500,
    });
  }
  const code = error.code;
  const message = cleanMessage(error.message, `the vault answered ${httpStatus} ${code}`);
  if (!isErrorCode(code)) return new BackendError(code, message, { status: httpStatus, retryable: httpStatus >= 500 });
  const row: ErrorRow = ERROR_TABLE[code];
  const details = error.details !== null && typeof error.details === "object" ? error.details : {};
  return BUILD[row.sdkClass]({ code, row, message, details, status: httpStatus, unverified: options?.unverified ?? false });
}

// The error hierarchy of alter-gen/runtime. Every error has a stable `code` and a `retryable`
// flag; none ever carries a secret (messages are built from codes, ids and field names only).
// Which class a vault error code becomes is protocol/errors.ts's table (error-envelope.ts).
//
// Every class is branded (as undici's errors are): its prototype carries a `Symbol.for` key with
// the class's name, and `instanceof` looks for that brand along the value's prototype chain, so
// `e instanceof GrantNotFoundError` holds even when `e` comes from another installed copy of
// alter-gen (a generated client's own node_modules, say). Classes an application derives from
// them carry no brand of their own and are checked the ordinary way.
import type { ProviderErrorOf } from "./operation.js";
import type { GrantInfo } from "../protocol/wire.js";
import type { SignatureCode } from "../protocol/errors.js";
import { redactHeaders } from "../protocol/redact.js";

/** The registry key of the brands; the same symbol in every copy of the package. */
const BRAND: unique symbol = Symbol.for("alter-gen.error") as never;

/** Whether `value`'s prototype chain holds a prototype branded `brand`. */
function hasBrand(value: unknown, brand: string): boolean {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  for (let p: object | null = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) {
    if (Object.hasOwn(p, BRAND) && (p as Record<symbol, unknown>)[BRAND] === brand) return true;
  }
  return false;
}

export interface AlterErrorOptions {
  cause?: unknown;
}

/** Root of every error the runtime throws. */
export class AlterSDKError extends Error {
  /**
   * `instanceof` by brand, so it holds across two copies of alter-gen; a class without a brand
   * of its own (an application's subclass) is checked the ordinary way.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const brand = Object.hasOwn(this, BRAND) ? (this as unknown as Record<symbol, unknown>)[BRAND] : undefined;
    return typeof brand === "string" ? hasBrand(value, brand) : Function.prototype[Symbol.hasInstance].call(this, value);
  }

  override name = "AlterSDKError";
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, retryable = false, options?: AlterErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = retryable;
  }

  /** What JSON.stringify shows: the name, code and message, never a cause or body. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable };
  }
}

/** Bad input caught before any network call (or rejected by the vault as `invalid_request`). */
export class AlterValueError extends AlterSDKError {
  override name = "AlterValueError";
  constructor(message: string, code = "invalid_value", options?: AlterErrorOptions) {
    super(code, message, false, options);
  }
}

/**
 * The codes a signature or digest check can fail with (the same strings the vault answers), and
 * `seal_invalid`: a sealed value (credential, user token) failed AES-GCM authentication or is
 * malformed.
 */
export type SignatureErrorCode = SignatureCode | "seal_invalid";

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

// ---------------------------------------------------------------------------------------------
// Vault (backend) errors

export interface BackendErrorOptions extends AlterErrorOptions {
  /** HTTP status of the vault's answer. */
  status?: number;
  retryable?: boolean;
}

/** The vault refused or failed a request. */
export class BackendError extends AlterSDKError {
  override name = "BackendError";
  readonly status: number | undefined;
  constructor(code: string, message: string, options?: BackendErrorOptions) {
    super(code, message, options?.retryable ?? false, options);
    this.status = options?.status;
  }
}

/** The grant cannot be used until the user connects again. */
export class ReAuthRequiredError extends BackendError {
  override name = "ReAuthRequiredError";
}
export class GrantExpiredError extends ReAuthRequiredError {
  override name = "GrantExpiredError";
  constructor(message = "the grant has expired; connect again", options?: BackendErrorOptions) {
    super("grant_expired", message, { status: 410, ...options });
  }
}
export class GrantRevokedError extends ReAuthRequiredError {
  override name = "GrantRevokedError";
  constructor(message = "the grant was revoked; connect again", options?: BackendErrorOptions) {
    super("grant_revoked", message, { status: 410, ...options });
  }
}
export class CredentialRevokedError extends ReAuthRequiredError {
  override name = "CredentialRevokedError";
  constructor(message = "the provider no longer accepts this grant's credential; connect again", options?: BackendErrorOptions & { code?: "credential_revoked" | "reauth_required" }) {
    super(options?.code ?? "credential_revoked", message, { status: 410, ...options });
  }
}

export class GrantNotFoundError extends BackendError {
  override name = "GrantNotFoundError";
  constructor(message = "no such grant for this caller", options?: BackendErrorOptions) {
    super("grant_not_found", message, { status: 404, ...options });
  }
}

/** Several grants match the user for this provider; pass `account` to choose. */
export class AmbiguousGrantError extends BackendError {
  override name = "AmbiguousGrantError";
  readonly accounts: readonly string[];
  constructor(accounts: readonly string[], message?: string, options?: BackendErrorOptions) {
    super("ambiguous_grant", message ?? `several grants match; pass account (one of: ${accounts.join(", ")})`, { status: 409, ...options });
    this.accounts = Object.freeze([...accounts]);
  }
}

/** A grant policy denied access; may pass later (e.g. outside a time window). */
export class PolicyViolationError extends BackendError {
  override name = "PolicyViolationError";
  /** Which policy denied it: `expiresAt`, `timeWindow`, `ipAllowlist`, ... */
  readonly policy: string | undefined;
  /** Seconds after which the call may pass, when the vault knows. */
  readonly retryAfter: number | undefined;
  /**
   * @param options.code `operation_mismatch` when the call named an operation its method or path is
   * not (approval by operation cannot be dodged by a label). @default "policy_violation"
   */
  constructor(message: string, options?: BackendErrorOptions & { policy?: string; retryAfter?: number; code?: "policy_violation" | "operation_mismatch" }) {
    super(options?.code ?? "policy_violation", message, { status: 403, ...options });
    this.policy = options?.policy;
    this.retryAfter = options?.retryAfter;
  }
}

/** The API key may not do this. */
export class InsufficientScopeError extends BackendError {
  override name = "InsufficientScopeError";
  constructor(message = "this API key may not do that", options?: BackendErrorOptions) {
    super("insufficient_scope", message, { status: 403, ...options });
  }
}

/**
 * Transient: the grant's token is being refreshed, or the last refresh failed and the vault waits
 * out a short cool-down before the next one. The runtime's retries wait `retryAfter` first.
 */
export class TokenRefreshInProgressError extends BackendError {
  override name = "TokenRefreshInProgressError";
  /** Seconds (may have a fraction) after which a retry can succeed, when the vault knows. */
  readonly retryAfter: number | undefined;
  constructor(message = "the grant's token is being refreshed; retry shortly", options?: BackendErrorOptions & { retryAfter?: number }) {
    super("token_refresh_in_progress", message, { status: 503, ...options, retryable: true });
    this.retryAfter = options?.retryAfter;
  }
}

/** The end user's token (Alter-User-Token) was rejected by the vault. */
export class IdentityError extends BackendError {
  override name = "IdentityError";
  constructor(message = "the user token is not valid", options?: BackendErrorOptions & { code?: string }) {
    super(options?.code ?? "user_token_invalid", message, { status: 401, ...options });
  }
}

// ---------------------------------------------------------------------------------------------
// Connect flow

/** Where one provider of a connect session stands (GET /v1/connect/sessions/{id}, `providers`). */
export interface ConnectProviderStatus {
  provider: string;
  status: "connected" | "pending" | "denied" | "failed" | "not_connected";
  grantId: string | null;
}

export class ConnectFlowError extends AlterSDKError {
  override name = "ConnectFlowError";
  /**
   * The grants the session created before it ended: a person may connect one provider and decline
   * the next, and the app then holds the first one (use it, or revoke it). Empty when none.
   */
  grants: GrantInfo[] = [];
  /** Each provider of the session and how it ended. Empty when the vault did not say. */
  providers: ConnectProviderStatus[] = [];
}
export class ConnectDeniedError extends ConnectFlowError {
  override name = "ConnectDeniedError";
  constructor(message = "the user denied the connection", options?: AlterErrorOptions) {
    super("connect_denied", message, false, options);
  }
}
export class ConnectTimeoutError extends ConnectFlowError {
  override name = "ConnectTimeoutError";
  constructor(message = "the connect flow did not finish in time", options?: AlterErrorOptions) {
    super("connect_timeout", message, true, options);
  }
}
/**
 * The device code (RFC 8628) expired before the person entered it at the verification URI: run
 * authenticate() or connect() again for a fresh code.
 */
export class DeviceCodeExpiredError extends ConnectFlowError {
  override name = "DeviceCodeExpiredError";
  constructor(message = "the device code expired before the person entered it", options?: AlterErrorOptions) {
    super("device_code_expired", message, true, options);
  }
}
export class ConnectConfigError extends ConnectFlowError {
  override name = "ConnectConfigError";
  constructor(message: string, options?: AlterErrorOptions) {
    super("connect_config", message, false, options);
  }
}

// ---------------------------------------------------------------------------------------------
// Provider errors

export interface ProviderAPIErrorInit<E> {
  status: number;
  /** Response headers; credential-carrying ones are redacted on construction. */
  headers: Readonly<Record<string, string | readonly string[] | number | undefined>>;
  body: E;
  requestId: string | undefined;
  operationId: string;
  /** Defaults to a sentence naming the operation and status. */
  message?: string;
  cause?: unknown;
}

/** The provider answered with a non-2xx status. Implements `ProviderErrorOf<E>`. */
export class ProviderAPIError<E = unknown> extends AlterSDKError implements ProviderErrorOf<E> {
  override name = "ProviderAPIError";
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: E;
  readonly requestId: string | undefined;
  readonly operationId: string;
  constructor(init: ProviderAPIErrorInit<E>, code = "provider_error") {
    const retryable = init.status === 408 || init.status === 429 || init.status >= 500;
    super(code, init.message ?? `${init.operationId} failed: the provider answered ${init.status}`, retryable, { cause: init.cause });
    this.status = init.status;
    this.headers = redactHeaders(init.headers);
    this.body = init.body;
    this.requestId = init.requestId;
    this.operationId = init.operationId;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, operationId: this.operationId, requestId: this.requestId };
  }
}

/** 429 (or a provider's rate-limit signal). `resetAt` is when the limit resets, when known. */
export class RateLimitError<E = unknown> extends ProviderAPIError<E> {
  override name = "RateLimitError";
  readonly resetAt: Date | undefined;
  constructor(init: ProviderAPIErrorInit<E> & { resetAt?: Date }) {
    super({ message: `${init.operationId} was rate limited by the provider (${init.status})`, ...init }, "rate_limited");
    this.resetAt = init.resetAt;
  }
}

/** The provider says the grant lacks a scope; the user must connect again with more scopes. */
export class ScopeReauthRequiredError<E = unknown> extends ProviderAPIError<E> {
  override name = "ScopeReauthRequiredError";
  readonly requiredScopes: readonly string[];
  constructor(init: ProviderAPIErrorInit<E> & { requiredScopes?: readonly string[] }) {
    super({ message: `${init.operationId} needs scopes the grant does not have; connect again`, ...init }, "scope_reauth_required");
    this.requiredScopes = Object.freeze([...(init.requiredScopes ?? [])]);
  }
}

// ---------------------------------------------------------------------------------------------
// Approvals

export class ApprovalError extends AlterSDKError {
  override name = "ApprovalError";
  readonly approvalId: string | undefined;
  constructor(code: string, message: string, approvalId?: string, options?: AlterErrorOptions) {
    super(code, message, false, options);
    this.approvalId = approvalId;
  }
}

/** The grant requires a person's approval; wait with `vault.awaitApproval(approvalId)`. */
export class ApprovalRequiredError extends ApprovalError {
  override name = "ApprovalRequiredError";
  declare readonly approvalId: string;
  readonly approvalUrl: string;
  readonly expiresAt: string | undefined;
  constructor(init: { approvalId: string; approvalUrl: string; expiresAt?: string; message?: string }) {
    super("approval_required", init.message ?? `this call needs approval: ${init.approvalUrl}`, init.approvalId);
    this.approvalUrl = init.approvalUrl;
    this.expiresAt = init.expiresAt;
  }
}
export class ApprovalDeniedError extends ApprovalError {
  override name = "ApprovalDeniedError";
  constructor(approvalId?: string, message = "the approval was denied") {
    super("approval_denied", message, approvalId);
  }
}
export class ApprovalExpiredError extends ApprovalError {
  override name = "ApprovalExpiredError";
  constructor(approvalId?: string, message = "the approval expired before anyone decided") {
    super("approval_expired", message, approvalId);
  }
}
export class ApprovalTimeoutError extends ApprovalError {
  override name = "ApprovalTimeoutError";
  constructor(approvalId?: string, message = "gave up waiting for the approval") {
    super("approval_timeout", message, approvalId);
  }
}

// ---------------------------------------------------------------------------------------------
// Transport

/** The request did not complete (connection refused, reset, DNS, provider unreachable). */
export class NetworkError extends AlterSDKError {
  override name = "NetworkError";
  constructor(message: string, options?: AlterErrorOptions & { code?: string }) {
    super(options?.code ?? "network_error", message, true, options);
  }
}

export class TimeoutError extends NetworkError {
  override name = "TimeoutError";
  constructor(message: string, options?: AlterErrorOptions) {
    super(message, { ...options, code: "timeout" });
  }
}

// The brands: each class's prototype (and the class, for `instanceof`'s lookup) carries
// `alter-gen.error.<Name>` under the registry symbol. Names are written out, not read from
// `cls.name`, which a minifying bundler may change.
const BRANDED: [cls: abstract new (...args: never[]) => AlterSDKError, name: string][] = [
  [AlterSDKError, "AlterSDKError"],
  [AlterValueError, "AlterValueError"],
  [SignatureError, "SignatureError"],
  [BackendError, "BackendError"],
  [ReAuthRequiredError, "ReAuthRequiredError"],
  [GrantExpiredError, "GrantExpiredError"],
  [GrantRevokedError, "GrantRevokedError"],
  [CredentialRevokedError, "CredentialRevokedError"],
  [GrantNotFoundError, "GrantNotFoundError"],
  [AmbiguousGrantError, "AmbiguousGrantError"],
  [PolicyViolationError, "PolicyViolationError"],
  [InsufficientScopeError, "InsufficientScopeError"],
  [TokenRefreshInProgressError, "TokenRefreshInProgressError"],
  [IdentityError, "IdentityError"],
  [ConnectFlowError, "ConnectFlowError"],
  [ConnectDeniedError, "ConnectDeniedError"],
  [ConnectTimeoutError, "ConnectTimeoutError"],
  [DeviceCodeExpiredError, "DeviceCodeExpiredError"],
  [ConnectConfigError, "ConnectConfigError"],
  [ProviderAPIError, "ProviderAPIError"],
  [RateLimitError, "RateLimitError"],
  [ScopeReauthRequiredError, "ScopeReauthRequiredError"],
  [ApprovalError, "ApprovalError"],
  [ApprovalRequiredError, "ApprovalRequiredError"],
  [ApprovalDeniedError, "ApprovalDeniedError"],
  [ApprovalExpiredError, "ApprovalExpiredError"],
  [ApprovalTimeoutError, "ApprovalTimeoutError"],
  [NetworkError, "NetworkError"],
  [TimeoutError, "TimeoutError"],
];
for (const [cls, name] of BRANDED) {
  Object.defineProperty(cls, BRAND, { value: `alter-gen.error.${name}` });
  Object.defineProperty(cls.prototype, BRAND, { value: `alter-gen.error.${name}` });
}

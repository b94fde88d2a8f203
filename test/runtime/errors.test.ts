import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import * as E from "../../runtime/errors.js";
import { errorFromEnvelope } from "../../runtime/error-envelope.js";
import { ERROR_TABLE, type ErrorCode } from "../../protocol/errors.js";

const CANARY = "CANARY_s3cr3t_7f6e5d4c";

type Row = [code: string, status: number, cls: new (...args: never[]) => E.AlterSDKError, retryable: boolean, details?: Record<string, unknown>];
// The table of docs/protocol.md, "Error codes", written out again by hand (every row: the last
// test of this block checks none is missing against protocol/errors.ts's ERROR_TABLE).
const table: Row[] = [
  ["invalid_request", 400, E.AlterValueError, false],
  ["signature_missing", 401, E.SignatureError, false],
  ["signature_invalid", 401, E.SignatureError, false],
  ["signature_expired", 401, E.SignatureError, false],
  ["signature_future", 401, E.SignatureError, false],
  ["signature_replayed", 401, E.SignatureError, false],
  ["digest_mismatch", 401, E.SignatureError, false],
  ["unknown_key", 401, E.SignatureError, false],
  ["key_revoked", 401, E.SignatureError, false],
  ["user_token_invalid", 401, E.IdentityError, false],
  ["insufficient_scope", 403, E.InsufficientScopeError, false],
  ["policy_violation", 403, E.PolicyViolationError, false, { policy: "timeWindow", retryAfter: 120 }],
  ["operation_mismatch", 403, E.PolicyViolationError, false, { policy: "requireApprovalFor", reason: "method" }],
  ["approval_required", 403, E.ApprovalRequiredError, false, { approvalId: "apr_1", approvalUrl: "http://127.0.0.1:8787/approvals/apr_1", expiresAt: "2030-01-01T00:00:00Z" }],
  ["approval_denied", 403, E.ApprovalDeniedError, false, { approvalId: "apr_1" }],
  ["approval_expired", 410, E.ApprovalExpiredError, false],
  ["grant_not_found", 404, E.GrantNotFoundError, false],
  ["ambiguous_grant", 409, E.AmbiguousGrantError, false, { accounts: ["octocat", "hubot"] }],
  ["grant_expired", 410, E.GrantExpiredError, false],
  ["grant_revoked", 410, E.GrantRevokedError, false],
  ["credential_revoked", 410, E.CredentialRevokedError, false],
  ["reauth_required", 410, E.CredentialRevokedError, false],
  ["provider_host_not_allowed", 400, E.AlterValueError, false],
  ["connect_config", 400, E.ConnectConfigError, false],
  ["token_refresh_in_progress", 503, E.TokenRefreshInProgressError, true, { retryAfter: 1.5 }],
  ["provider_unreachable", 502, E.NetworkError, true],
  ["internal_error", 500, E.BackendError, true],
  ["storage_unavailable", 503, E.NetworkError, true],
  ["not_found", 404, E.BackendError, false],
  ["method_not_allowed", 405, E.BackendError, false],
  ["payload_too_large", 413, E.AlterValueError, false],
  ["unsupported_media_type", 415, E.AlterValueError, false],
  ["too_many_connections", 503, E.NetworkError, true],
];

describe("errorFromEnvelope", () => {
  it.each(table)("%s (%i) → %o", (code, status, cls, retryable, details) => {
    const error = errorFromEnvelope(status, { error: { code, message: `vault says ${code}`, details: { ...details, token: CANARY } } });
    expect(error).toBeInstanceOf(cls);
    expect(error).toBeInstanceOf(E.AlterSDKError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code === "too_many_connections" ? "vault_unavailable" : code);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toBe(`vault says ${code}`);
    // Unknown detail fields (here a canary "token") are never kept.
    expect(`${inspect(error, { depth: 10, showHidden: true })}${JSON.stringify(error)}${error.stack}`).not.toContain(CANARY);
  });

  it("has a row for every code of ERROR_TABLE, each building the class the table names", () => {
    expect(table.map(([code]) => code).sort()).toEqual(Object.keys(ERROR_TABLE).sort());
    for (const [code, status, cls] of table) {
      expect(cls.name, code).toBe(ERROR_TABLE[code as ErrorCode].sdkClass);
      expect(status, code).toBe(ERROR_TABLE[code as ErrorCode].status);
    }
  });

  it("carries the details the protocol names", () => {
    const policy = errorFromEnvelope(403, { error: { code: "policy_violation", message: "m", details: { policy: "timeWindow", retryAfter: 120 } } });
    expect(policy).toMatchObject({ policy: "timeWindow", retryAfter: 120, status: 403 });
    const refresh = errorFromEnvelope(503, { error: { code: "token_refresh_in_progress", message: "m", details: { retryAfter: 1.5 } } });
    expect(refresh).toMatchObject({ retryAfter: 1.5, retryable: true, status: 503 });
    for (const bad of [-1, "2", Number.NaN, 1e9]) {
      const e = errorFromEnvelope(503, { error: { code: "token_refresh_in_progress", message: "m", details: { retryAfter: bad } } });
      expect((e as E.TokenRefreshInProgressError).retryAfter).toBeUndefined();
    }
    const approval = errorFromEnvelope(403, { error: { code: "approval_required", message: "m", details: { approvalId: "apr_1", approvalUrl: "http://x/a", expiresAt: "t" } } });
    expect(approval).toMatchObject({ approvalId: "apr_1", approvalUrl: "http://x/a", expiresAt: "t" });
    const ambiguous = errorFromEnvelope(409, { error: { code: "ambiguous_grant", message: "m", details: { accounts: ["a", 3, "b"] } } });
    expect((ambiguous as E.AmbiguousGrantError).accounts).toEqual(["a", "b"]);
  });

  it("marks signature errors from unsigned answers as unverified", () => {
    const error = errorFromEnvelope(401, { error: { code: "unknown_key", message: "no such key" } }, { unverified: true }) as E.SignatureError;
    expect(error).toBeInstanceOf(E.SignatureError);
    expect(error.unverified).toBe(true);
    expect(error.message).toContain("unverified");
  });

  it.each([
    [500, null, true],
    [502, "<html>bad gateway</html>", true],
    [400, { error: "nope" }, false],
    [404, { error: { message: "no code" } }, false],
  ])("a %i answer without an envelope is invalid_response", (status, body, retryable) => {
    const error = errorFromEnvelope(status, body);
    expect(error).toBeInstanceOf(E.BackendError);
    expect(error.code).toBe("invalid_response");
    expect(error.retryable).toBe(retryable);
  });

  it("an unknown code keeps its code; 5xx is retryable", () => {
    expect(errorFromEnvelope(418, { error: { code: "teapot", message: "m" } })).toMatchObject({ code: "teapot", retryable: false });
    expect(errorFromEnvelope(503, { error: { code: "overloaded", message: "m" } })).toMatchObject({ code: "overloaded", retryable: true });
  });

  it("keeps vault messages to one printable line", () => {
    const error = errorFromEnvelope(400, { error: { code: "invalid_request", message: `line1\n\u001b[31mline2${"x".repeat(600)}` } });
    expect(error.message).not.toMatch(/[\n\u001b]/);
    expect(error.message.length).toBeLessThanOrEqual(500);
  });
});

describe("hierarchy", () => {
  it.each([
    [new E.GrantExpiredError(), [E.ReAuthRequiredError, E.BackendError]],
    [new E.GrantRevokedError(), [E.ReAuthRequiredError, E.BackendError]],
    [new E.CredentialRevokedError(), [E.ReAuthRequiredError, E.BackendError]],
    [new E.IdentityError(), [E.BackendError]],
    [new E.ConnectDeniedError(), [E.ConnectFlowError]],
    [new E.ConnectTimeoutError(), [E.ConnectFlowError]],
    [new E.DeviceCodeExpiredError(), [E.ConnectFlowError]],
    [new E.ConnectConfigError("bad redirect"), [E.ConnectFlowError]],
    [new E.ApprovalTimeoutError("apr_1"), [E.ApprovalError]],
    [new E.TimeoutError("slow"), [E.NetworkError]],
    [new E.RateLimitError({ status: 429, headers: {}, body: {}, requestId: "r", operationId: "o" }), [E.ProviderAPIError]],
    [new E.ScopeReauthRequiredError({ status: 403, headers: {}, body: {}, requestId: "r", operationId: "o" }), [E.ProviderAPIError]],
  ] as [E.AlterSDKError, (abstract new (...a: never[]) => unknown)[]][])("%s", (error, parents) => {
    for (const parent of parents) expect(error).toBeInstanceOf(parent);
    expect(error).toBeInstanceOf(E.AlterSDKError);
    expect(error.name).toBe(error.constructor.name);
    expect(error.code).toMatch(/^[a-z_]+$/);
  });
});

describe("provider errors", () => {
  const init = {
    status: 429,
    headers: {
      authorization: `Bearer ${CANARY}`,
      "set-cookie": [`s=${CANARY}`],
      "x-api-key": CANARY,
      "retry-after": "30",
      "x-github-request-id": "ABCD:1234",
    },
    body: { message: "API rate limit exceeded" },
    requestId: "ABCD:1234",
    operationId: "repos/get",
  };

  it("implements ProviderErrorOf and keeps useful headers", () => {
    const error = new E.RateLimitError({ ...init, resetAt: new Date(2_000_000_000_000) });
    expect(error).toMatchObject({ status: 429, requestId: "ABCD:1234", operationId: "repos/get", code: "rate_limited", retryable: true });
    expect(error.headers["retry-after"]).toBe("30");
    expect(error.resetAt?.getTime()).toBe(2_000_000_000_000);
    expect(error.body).toEqual({ message: "API rate limit exceeded" });
    expect(new E.ProviderAPIError({ ...init, status: 404 }).retryable).toBe(false);
  });

  it.each([
    ["ProviderAPIError", () => new E.ProviderAPIError(init)],
    ["RateLimitError", () => new E.RateLimitError(init)],
    ["ScopeReauthRequiredError", () => new E.ScopeReauthRequiredError({ ...init, status: 403, requiredScopes: ["repo"] })],
  ])("%s never shows credential headers", (_name, make) => {
    const error = make();
    const shown = [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), String(error.stack), JSON.stringify(error.headers)];
    for (const text of shown) expect(text).not.toContain(CANARY);
  });
});

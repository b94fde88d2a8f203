// The errors of a call's provider leg: a target the credential may not go to, a timeout, a
// network failure (message scrubbed), and the ProviderAPIError family for a provider's non-2xx
// answer (rate limit, missing scopes). Also the mark on errors raised after the provider may have
// received the request, which the retry rules read.
import type { OperationSpec, ProviderSpec } from "../operation.js";
import type { Scrubber } from "../../protocol/scrub.js";
import { AlterValueError, ApprovalRequiredError, NetworkError, ProviderAPIError, RateLimitError, ScopeReauthRequiredError, TimeoutError } from "../errors.js";
import { serverDelay } from "../retry.js";
import { requestIdOf } from "./response.js";

/** Marks errors raised after the provider may have received the request. */
export const SENT = Symbol("sent");
export function markSent<E>(error: E): E {
  if (error && typeof error === "object") (error as { [SENT]?: boolean })[SENT] = true;
  return error;
}

export function insecureTargetError(opId: string, redactedUrl: string): AlterValueError {
  return new AlterValueError(`${opId}: refusing to send a credential to ${redactedUrl}: only https, or http to this machine, is allowed`, "insecure_provider_url");
}

export function hostNotAllowedError(opId: string, host: string, providerId: string): AlterValueError {
  return new AlterValueError(
    `${opId}: the vault allows ${providerId}'s credential only for its own hosts, and ${host} is not one of them; nothing was sent`,
    "provider_host_not_allowed",
  );
}

export function timeoutError(opId: string, ms: number): TimeoutError {
  return new TimeoutError(`${opId}: the provider did not answer within ${ms} ms`);
}

export function networkError(opId: string, redactedUrl: string, cause: unknown, scrubber: Scrubber): NetworkError {
  const code = typeof (cause as { code?: unknown })?.code === "string" ? (cause as { code: string }).code : undefined;
  const detail = scrubber.text(cause instanceof Error ? cause.message : String(cause));
  // The original error is not attached: its fields could hold the request (and so the credential).
  return new NetworkError(`${opId}: could not reach ${redactedUrl}: ${code ? code + " " : ""}${detail}`);
}

export function approvalRequired(error: unknown): string | undefined {
  return error instanceof ApprovalRequiredError ? error.approvalId : undefined;
}

/** Scope hints: RFC 6750 `insufficient_scope`, GitHub's scope headers, common body codes. */
export function missingScopes(status: number, headers: Record<string, string>, body: unknown): string[] | undefined {
  if (status !== 401 && status !== 403) return undefined;
  const www = headers["www-authenticate"] ?? "";
  if (/error\s*=\s*"?insufficient_scope/i.test(www)) {
    const m = /scope\s*=\s*"([^"]*)"/i.exec(www);
    return m?.[1] ? m[1].split(/\s+/).filter(Boolean) : [];
  }
  const accepted = headers["x-accepted-oauth-scopes"];
  if (accepted !== undefined && status === 403) {
    const need = accepted.split(/,\s*/).filter(Boolean);
    const have = new Set((headers["x-oauth-scopes"] ?? "").split(/,\s*/).filter(Boolean));
    if (need.length > 0 && !need.some((s) => have.has(s))) return need;
  }
  const b = body as Record<string, unknown> | undefined;
  const code = typeof b?.error === "string" ? b.error : typeof b?.code === "string" ? b.code : undefined;
  if (code && /^(insufficient_scope|missing_scope|insufficient_scopes)$/i.test(code)) {
    const needed = typeof b?.needed === "string" ? b.needed.split(/[,\s]+/).filter(Boolean) : [];
    return needed;
  }
  return undefined;
}

/** A 2xx answer that the provider marks as failed in its body (ProviderSpec.okField). */
export function failedByFlag(provider: ProviderSpec, data: unknown): boolean {
  return provider.okField !== undefined && typeof data === "object" && data !== null && (data as Record<string, unknown>)[provider.okField] === false;
}

/** The error for a non-2xx provider answer (or a 2xx one its `okField` marks as failed). */
export function providerError(op: OperationSpec, provider: ProviderSpec, status: number, headers: Record<string, string>, body: unknown, nowMs: number): ProviderAPIError {
  const init = { status, headers, body, requestId: requestIdOf(headers, provider), operationId: op.id };
  if (status < 300 && provider.okField) {
    const reason = (body as Record<string, unknown>)["error"];
    const detail = typeof reason === "string" && /^[\w.:-]{1,80}$/.test(reason) ? ` (${reason})` : "";
    return new ProviderAPIError({ ...init, message: `${op.id} failed: the provider answered ${status} with "${provider.okField}": false${detail}` });
  }
  if (status === 429) {
    const delay = serverDelay(headers, provider.rateLimit, nowMs);
    return new RateLimitError({ ...init, resetAt: delay === undefined ? undefined : new Date(nowMs + delay) });
  }
  const scopes = missingScopes(status, headers, body);
  if (scopes) return new ScopeReauthRequiredError({ ...init, requiredScopes: scopes });
  return new ProviderAPIError(init);
}

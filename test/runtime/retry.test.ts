import { describe, expect, it } from "vitest";
import {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  decideRetry,
  parseRetryAfter,
  rateLimitResetDelay,
  resolveRetryPolicy,
  retryDelay,
  sleep,
  type AttemptContext,
  type AttemptOutcome,
} from "../../runtime/retry.js";
import { AlterSDKError, AlterValueError, TokenRefreshInProgressError } from "../../runtime/errors.js";
import { errorFromEnvelope } from "../../runtime/error-envelope.js";

const ctx = (over: Partial<AttemptContext> = {}): AttemptContext => ({
  method: "GET",
  replayable: true,
  retriesDone: 0,
  policy: { ...DEFAULT_RETRY_POLICY },
  aborted: false,
  ...over,
});
const status = (s: number, headers: Record<string, string> = {}): AttemptOutcome => ({ kind: "status", status: s, headers });
const netErr = (sent = true): AttemptOutcome => ({ kind: "error", error: new AlterSDKError("network_error", "reset", true), sent });

describe("decideRetry", () => {
  const table: [string, AttemptContext, AttemptOutcome, boolean, string][] = [
    ["GET 503", ctx(), status(503), true, "retryable-status"],
    ["GET 500", ctx(), status(500), true, "retryable-status"],
    ["GET 408", ctx(), status(408), true, "retryable-status"],
    ["GET 429", ctx(), status(429), true, "retryable-status"],
    ["GET 200", ctx(), status(200), false, "not-retryable-status"],
    ["GET 404", ctx(), status(404), false, "not-retryable-status"],
    ["GET 401", ctx(), status(401), false, "not-retryable-status"],
    ["PUT 503", ctx({ method: "PUT" }), status(503), true, "retryable-status"],
    ["DELETE network", ctx({ method: "DELETE" }), netErr(), true, "network-error"],
    ["POST 503", ctx({ method: "POST" }), status(503), false, "unsafe-method"],
    ["POST network error", ctx({ method: "POST" }), netErr(), false, "unsafe-method"],
    ["POST 503 with idempotency key", ctx({ method: "POST", idempotencyKey: "k1" }), status(503), true, "retryable-status"],
    ["PATCH 429 with key", ctx({ method: "PATCH", idempotencyKey: "k" }), status(429), true, "retryable-status"],
    ["PUT marked non-idempotent", ctx({ method: "PUT", idempotent: false }), status(502), false, "unsafe-method"],
    ["POST marked idempotent", ctx({ method: "POST", idempotent: true }), status(502), true, "retryable-status"],
    ["budget spent", ctx({ retriesDone: 2 }), status(503), false, "budget"],
    ["retries disabled", ctx({ policy: resolveRetryPolicy(false) }), status(503), false, "budget"],
    ["aborted", ctx({ aborted: true }), status(503), false, "aborted"],
    ["stream body", ctx({ method: "PUT", replayable: false }), status(503), false, "body-not-replayable"],
    ["POST vault-leg transient (not sent)", ctx({ method: "POST" }), netErr(false), true, "not-sent"],
    ["token refresh in progress, POST", ctx({ method: "POST" }), { kind: "error", error: new AlterSDKError("token_refresh_in_progress", "x", true), sent: false }, true, "token-refresh-in-progress"],
    ["permanent error", ctx(), { kind: "error", error: new AlterValueError("bad"), sent: false }, false, "permanent-error"],
    ["signature-like error", ctx(), { kind: "error", error: new AlterSDKError("signature_invalid", "x", false), sent: false }, false, "permanent-error"],
  ];
  it.each(table)("%s", (_n, c, o, retry, rule) => {
    expect(decideRetry(c, o)).toEqual({ retry, rule });
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2024, 0, 1, 0, 0, 0);
  it.each([
    ["120", 120_000],
    ["0", 0],
    ["1.5", 1500],
    ["Mon, 01 Jan 2024 00:00:30 GMT", 30_000],
    ["Sun, 31 Dec 2023 23:00:00 GMT", 0],
    ["", undefined],
    ["soon", undefined],
    ["-5", undefined],
    [undefined, undefined],
  ])("%s", (v, want) => expect(parseRetryAfter(v as string | undefined, now)).toBe(want));
});

describe("rateLimitResetDelay", () => {
  const now = 1_700_000_000_000;
  const gh = { limit: "x-ratelimit-limit", remaining: "x-ratelimit-remaining", reset: "x-ratelimit-reset", resetUnit: "epoch-seconds" as const };
  it("epoch seconds when exhausted", () => {
    expect(rateLimitResetDelay({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 42) }, gh, now)).toBe(42_000);
  });
  it("ignored while requests remain", () => {
    expect(rateLimitResetDelay({ "x-ratelimit-remaining": "10", "x-ratelimit-reset": String(now / 1000 + 42) }, gh, now)).toBeUndefined();
  });
  it("seconds unit", () => {
    expect(rateLimitResetDelay({ "ratelimit-reset": "7" }, { reset: "RateLimit-Reset", resetUnit: "seconds" }, now)).toBe(7000);
  });
  it("epoch-ms unit", () => {
    expect(rateLimitResetDelay({ r: String(now + 250) }, { reset: "r", resetUnit: "epoch-ms" }, now)).toBe(250);
  });
  it("no catalog entry", () => expect(rateLimitResetDelay({ "x-ratelimit-reset": "1" }, undefined, now)).toBeUndefined());
});

describe("delays", () => {
  const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
  it("full jitter below an exponential, capped ceiling", () => {
    expect(backoffDelay(p, 0, () => 0.999)).toBe(99);
    expect(backoffDelay(p, 2, () => 0.5)).toBe(200);
    expect(backoffDelay(p, 10, () => 0.999)).toBe(999);
    expect(backoffDelay(p, 3, () => 0)).toBe(0);
  });
  it("Retry-After wins over backoff", () => {
    expect(retryDelay(p, 0, status(429, { "retry-after": "3" }), undefined, 0, () => 0.5)).toBe(3000);
  });
  it("Retry-After beyond the cap means: do not wait, surface the error", () => {
    expect(retryDelay(p, 0, status(429, { "retry-after": "60" }), undefined, 0, () => 0.5)).toBeUndefined();
  });
  it("catalog reset header when there is no Retry-After", () => {
    expect(retryDelay(p, 0, status(429, { "x-rl-reset": "2" }), { reset: "x-rl-reset", resetUnit: "seconds" }, 0)).toBe(2000);
  });
  it("an error's retryAfter in seconds (the vault's refresh cool-down) wins over backoff", () => {
    const e = errorFromEnvelope(503, { error: { code: "token_refresh_in_progress", message: "x", details: { retryAfter: 1.25 } } });
    expect(e).toBeInstanceOf(TokenRefreshInProgressError);
    expect(retryDelay(p, 0, { kind: "error", error: e, sent: false }, undefined, 0, () => 0)).toBe(1250);
    // Longer than the policy's cap: do not wait inside the call, surface the error.
    const long = errorFromEnvelope(503, { error: { code: "token_refresh_in_progress", message: "x", details: { retryAfter: 90 } } });
    expect(retryDelay(p, 0, { kind: "error", error: long, sent: false }, undefined, 0)).toBeUndefined();
  });
  it("falls back to backoff", () => {
    expect(retryDelay(p, 1, status(503), undefined, 0, () => 0.5)).toBe(100);
  });
});

describe("policy and sleep", () => {
  it("merges options over defaults and validates them", () => {
    expect(resolveRetryPolicy({ maxRetries: 5 }).maxRetries).toBe(5);
    expect(resolveRetryPolicy(undefined)).toEqual(DEFAULT_RETRY_POLICY);
    expect(() => resolveRetryPolicy({ maxRetries: -1 })).toThrow(/retry.maxRetries/);
  });
  it("sleep rejects with the signal's reason when aborted", async () => {
    const ac = new AbortController();
    const p = sleep(60_000, ac.signal);
    ac.abort(new Error("stop now"));
    await expect(p).rejects.toThrow("stop now");
  });
  it("sleep rejects at once on an aborted signal", async () => {
    await expect(sleep(10, AbortSignal.abort(new Error("gone")))).rejects.toThrow("gone");
  });
});

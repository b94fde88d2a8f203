// When to send a request again, and how long to wait first. The decision is a list of rules,
// checked in order; the first rule that has an opinion wins. Everything here is pure (time and
// randomness are parameters) except `sleep`.
import type { HttpMethod, RateLimitHeaders } from "./operation.js";

export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  /** First backoff ceiling; doubles each retry (full jitter picks a delay below it). */
  baseDelayMs: number;
  /** Ceiling of any computed backoff. */
  maxDelayMs: number;
  /** A Retry-After / rate-limit reset longer than this is not waited for: the error surfaces. */
  maxRetryAfterMs: number;
}

/** The defaults, in one place. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
});

export type RetryOption = Partial<RetryPolicy> | false | undefined;

export function resolveRetryPolicy(option: RetryOption): RetryPolicy {
  if (option === false) return { ...DEFAULT_RETRY_POLICY, maxRetries: 0 };
  const p = { ...DEFAULT_RETRY_POLICY, ...(option ?? {}) };
  for (const k of ["maxRetries", "baseDelayMs", "maxDelayMs", "maxRetryAfterMs"] as const) {
    if (!Number.isFinite(p[k]) || p[k] < 0) throw new RangeError(`retry.${k} must be a number >= 0`);
  }
  return p;
}

/** What happened on the last attempt. */
export type AttemptOutcome =
  | { kind: "status"; status: number; headers: Readonly<Record<string, string>> }
  /**
   * `sent` is false when the provider cannot have seen the request (the vault leg of retrieve
   * mode failed), which makes any method safe to repeat.
   */
  | { kind: "error"; error: unknown; sent: boolean };

export interface AttemptContext {
  method: HttpMethod;
  /** The operation's override of the method's idempotency. */
  idempotent?: boolean;
  idempotencyKey?: string;
  /** False when the body was a stream that is already consumed. */
  replayable: boolean;
  /** Retries already made (0 after the first attempt). */
  retriesDone: number;
  policy: RetryPolicy;
  aborted: boolean;
}

export type Decision = { retry: true; rule: string } | { retry: false; rule: string };

const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

export function isIdempotent(ctx: Pick<AttemptContext, "method" | "idempotent" | "idempotencyKey">): boolean {
  if (ctx.idempotencyKey) return true;
  return ctx.idempotent ?? IDEMPOTENT_METHODS.has(ctx.method);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function errorRetryable(error: unknown): boolean {
  return (error as { retryable?: unknown } | null)?.retryable === true;
}

type Rule = (ctx: AttemptContext, outcome: AttemptOutcome) => boolean | undefined;

/** The rules, in order. `true` = retry, `false` = stop, `undefined` = no opinion. */
export const RETRY_RULES: ReadonlyArray<readonly [name: string, rule: Rule]> = [
  // The caller gave up (AbortSignal): never start another attempt.
  ["aborted", (ctx) => (ctx.aborted ? false : undefined)],
  // Out of budget.
  ["budget", (ctx) => (ctx.retriesDone >= ctx.policy.maxRetries ? false : undefined)],
  // Success and ordinary client errors are final answers.
  ["not-retryable-status", (_c, o) => (o.kind === "status" && !(o.status === 408 || o.status === 429 || o.status >= 500) ? false : undefined)],
  // A consumed stream cannot be sent twice; the caller must retry with a fresh stream.
  ["body-not-replayable", (ctx) => (ctx.replayable ? undefined : false)],
  // The vault was refreshing the grant's token; the provider was not called, so any method is safe.
  ["token-refresh-in-progress", (_c, o) => (o.kind === "error" && errorCode(o.error) === "token_refresh_in_progress" ? true : undefined)],
  // Errors the vault or transport mark as permanent (signature, policy, bad input, grant state).
  ["permanent-error", (_c, o) => (o.kind === "error" && !errorRetryable(o.error) ? false : undefined)],
  // A transient failure before the provider saw anything (vault leg of retrieve mode).
  ["not-sent", (_c, o) => (o.kind === "error" && !o.sent ? true : undefined)],
  // From here the provider may have acted on the request: only repeat what is safe to repeat
  // (idempotent methods, or unsafe ones carrying an Idempotency-Key).
  ["unsafe-method", (ctx) => (isIdempotent(ctx) ? undefined : false)],
  // 408 Request Timeout, 429 Too Many Requests, 5xx.
  ["retryable-status", (_c, o) => (o.kind === "status" ? true : undefined)],
  // Connection reset, refused, timed out: transient network errors.
  ["network-error", (_c, o) => (o.kind === "error" ? true : undefined)],
];

export function decideRetry(ctx: AttemptContext, outcome: AttemptOutcome): Decision {
  for (const [name, rule] of RETRY_RULES) {
    const verdict = rule(ctx, outcome);
    if (verdict !== undefined) return { retry: verdict, rule: name } as Decision;
  }
  return { retry: false, rule: "default" };
}

/** Retry-After: delta seconds or an HTTP date. Returns milliseconds from `nowMs`, or undefined. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // Only date forms (they contain letters); Date.parse would read "12" as a year.
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The provider's rate-limit reset (catalog headers), in ms from now, when the limit is exhausted. */
export function rateLimitResetDelay(
  headers: Readonly<Record<string, string>>,
  rateLimit: RateLimitHeaders | undefined,
  nowMs: number,
): number | undefined {
  if (!rateLimit?.reset) return undefined;
  if (rateLimit.remaining) {
    const remaining = headers[rateLimit.remaining.toLowerCase()];
    if (remaining !== undefined && Number(remaining) > 0) return undefined;
  }
  const raw = headers[rateLimit.reset.toLowerCase()];
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw.trim())) return undefined;
  const n = Number(raw);
  switch (rateLimit.resetUnit ?? "epoch-seconds") {
    case "seconds":
      return Math.round(n * 1000);
    case "epoch-ms":
      return Math.max(0, n - nowMs);
    case "epoch-seconds":
      return Math.max(0, Math.round(n * 1000 - nowMs));
  }
}

/** The server's own instruction of when to come back, in ms, if it gave one. */
export function serverDelay(
  headers: Readonly<Record<string, string>>,
  rateLimit: RateLimitHeaders | undefined,
  nowMs: number,
): number | undefined {
  return parseRetryAfter(headers["retry-after"], nowMs) ?? rateLimitResetDelay(headers, rateLimit, nowMs);
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^n)). */
export function backoffDelay(policy: RetryPolicy, retriesDone: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retriesDone);
  return Math.floor(random() * ceiling);
}

/**
 * How long to wait before the next attempt; undefined when the server asks for longer than
 * `maxRetryAfterMs` (waiting that long inside a call helps nobody: the error carries the reset).
 */
export function retryDelay(
  policy: RetryPolicy,
  retriesDone: number,
  outcome: AttemptOutcome,
  rateLimit: RateLimitHeaders | undefined,
  nowMs: number,
  random: () => number = Math.random,
): number | undefined {
  if (outcome.kind === "status") {
    const server = serverDelay(outcome.headers, rateLimit, nowMs);
    if (server !== undefined) return server > policy.maxRetryAfterMs ? undefined : server;
  } else {
    // The vault's own hint (TokenRefreshInProgressError.retryAfter, in seconds).
    const after = (outcome.error as { retryAfter?: unknown } | null)?.retryAfter;
    if (typeof after === "number" && Number.isFinite(after) && after >= 0) {
      const ms = Math.ceil(after * 1000);
      return ms > policy.maxRetryAfterMs ? undefined : ms;
    }
  }
  return backoffDelay(policy, retriesDone, random);
}

/** Waits `ms`, rejecting with the signal's reason as soon as it aborts. */
/** @internal */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

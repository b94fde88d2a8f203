// What became of an approval, in words a person can act on: did the call run, what the provider
// answered (its status and error text), or why it could not run. The approval page shows this
// after a decision and on every later visit, so it never says the opposite of what happened:
// a 4xx/5xx answer, or a 2xx whose body marks a failure (the catalog's okField, e.g. Slack's
// `"ok": false`), is a refusal, not a success.
import type { ProxyResponse } from "../proxy/send.js";
import type { ApprovalRecord } from "./store.js";

export type ApprovalOutcome =
  | { kind: "pending" }
  | { kind: "denied" }
  | { kind: "expired" }
  /** Approved, the call is being sent right now. */
  | { kind: "running" }
  /** The call ran and the provider accepted it. */
  | { kind: "succeeded"; status: number }
  /** The call ran and the provider refused it (non-2xx, or okField false). */
  | { kind: "refused"; status: number; error: string | null }
  /** The call ran; its answer is withheld (stored before results were scrubbed). */
  | { kind: "ran-withheld" }
  /** Approved, but the call did not run (or did not complete): `reason` in plain words. */
  | { kind: "not-run"; code: string; reason: string };

/** Plain words for the codes an approved call can fail with before it reaches the provider. */
const WHY_NOT_RUN: [test: (code: string) => boolean, reason: string][] = [
  [(c) => c === "grant_revoked", "the account's access (its grant) was revoked after the call was requested"],
  [(c) => c === "grant_expired", "the account's access (its grant) expired after the call was requested"],
  [(c) => c === "grant_not_found", "the account's access (its grant) no longer exists"],
  [(c) => c === "reauth_required", "the account must be connected again before it can be used"],
  [(c) => c === "approval_mismatch", "the request that would have run differs from the one that was approved"],
  [(c) => c === "provider_unreachable", "the vault could not reach the provider; the call may not have arrived"],
  [(c) => c === "timeout" || c === "provider_timeout", "the provider did not answer in time; the call may or may not have taken effect"],
  [(c) => c.startsWith("policy_") || c === "policy_violation", "a policy on the account's access refused it when it was about to run"],
];

export function whyNotRun(code: string): string {
  return WHY_NOT_RUN.find(([test]) => test(code))?.[1] ?? "the vault hit an error before the call completed";
}

const MAX_ERROR_CHARS = 300;

/** The provider's own words from an error body: common fields first, else the text itself. */
export function providerErrorText(body: Buffer, contentType: string | undefined): string | null {
  if (body.length === 0) return null;
  const text = body.toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === "object") {
    const o = parsed as Record<string, unknown>;
    const nested = o.error && typeof o.error === "object" ? (o.error as Record<string, unknown>) : undefined;
    const parts = [o.message, o.error_description, typeof o.error === "string" ? o.error : nested?.message, o.detail, o.title]
      .filter((v): v is string => typeof v === "string" && v !== "");
    const errors = Array.isArray(o.errors) ? o.errors.map((e) => (e && typeof e === "object" ? ((e as Record<string, unknown>).message ?? (e as Record<string, unknown>).code) : e)).filter((v) => typeof v === "string") : [];
    const all = [...new Set([...parts, ...(errors as string[])])];
    if (all.length > 0) return clip(all.join("; "));
    return clip(text);
  }
  return /^text\//.test(contentType ?? "text/") ? clip(text) : null;
}

const clip = (s: string) => (s.length > MAX_ERROR_CHARS ? `${s.slice(0, MAX_ERROR_CHARS)}…` : s);

/** A 2xx whose JSON body sets `okField` to false (the provider's way of saying "failed"). */
function failedInBody(body: Buffer, okField: string | undefined): boolean {
  if (!okField) return false;
  try {
    const o = JSON.parse(body.toString("utf8")) as unknown;
    return typeof o === "object" && o !== null && (o as Record<string, unknown>)[okField] === false;
  } catch {
    return false;
  }
}

/**
 * The outcome of an approval. `result` is its stored provider answer (openApprovalResult);
 * `okField` the catalog's field for the provider, when it has one.
 */
export function approvalOutcome(a: Pick<ApprovalRecord, "status" | "errorCode">, result: ProxyResponse | "withheld" | null, okField?: string): ApprovalOutcome {
  switch (a.status) {
    case "pending":
    case "denied":
    case "expired":
      return { kind: a.status };
    case "approved":
    case "executing":
      return { kind: "running" };
    case "failed": {
      const code = a.errorCode ?? "internal_error";
      return { kind: "not-run", code, reason: whyNotRun(code) };
    }
    case "executed": {
      if (result === "withheld") return { kind: "ran-withheld" };
      if (!result) return { kind: "ran-withheld" };
      const body = Buffer.from(result.body, "base64");
      const ok = result.status >= 200 && result.status < 300 && !failedInBody(body, okField);
      if (ok) return { kind: "succeeded", status: result.status };
      return { kind: "refused", status: result.status, error: providerErrorText(body, result.headers["content-type"]) };
    }
  }
}

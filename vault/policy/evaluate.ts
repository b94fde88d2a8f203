// Checks a grant's policy on every credential access. Any error while checking denies access.
import { VaultError } from "../errors.js";
import type { GrantPolicy } from "../grants/types.js";
import { inTimeWindow, secondsUntilOpen } from "./time-window.js";
import { ipAllowed } from "./ip-allowlist.js";

export interface AccessFacts {
  nowMs: number;
  /** The SDK's address as the vault's socket saw it. */
  remoteAddress: string;
  /** When the grant was created (for maxTtlSeconds). */
  grantCreatedAt: string;
  mode: "retrieve" | "proxy";
}

export type PolicyDecision =
  | { allow: true; requireApproval: boolean }
  | { allow: false; policy: string; message: string; retryAfter?: number; code: "policy_violation" | "grant_expired" };

export function evaluatePolicy(policy: GrantPolicy, facts: AccessFacts): PolicyDecision {
  try {
    return evaluate(policy, facts);
  } catch {
    return { allow: false, code: "policy_violation", policy: "invalid", message: "The grant's policy could not be checked, so access is denied." };
  }
}

function evaluate(policy: GrantPolicy, f: AccessFacts): PolicyDecision {
  if (policy === null || typeof policy !== "object") throw new Error("policy is not an object");
  if (policy.expiresAt !== undefined) {
    const t = Date.parse(policy.expiresAt);
    if (Number.isNaN(t)) throw new Error("expiresAt is not a date");
    if (f.nowMs >= t) return { allow: false, code: "grant_expired", policy: "expiresAt", message: "The grant expired; issue a new one." };
  }
  if (policy.maxTtlSeconds !== undefined) {
    const created = Date.parse(f.grantCreatedAt);
    if (!Number.isFinite(policy.maxTtlSeconds) || policy.maxTtlSeconds <= 0 || Number.isNaN(created)) throw new Error("bad ttl");
    if (f.nowMs >= created + policy.maxTtlSeconds * 1000) {
      return { allow: false, code: "grant_expired", policy: "maxTtlSeconds", message: "The grant outlived its maximum TTL; issue a new one." };
    }
  }
  if (policy.timeWindow !== undefined && !inTimeWindow(policy.timeWindow, f.nowMs)) {
    const w = policy.timeWindow;
    const retryAfter = secondsUntilOpen(w, f.nowMs);
    return {
      allow: false,
      code: "policy_violation",
      policy: "timeWindow",
      message: `The grant may only be used between ${w.start} and ${w.end} (${w.timeZone}).`,
      ...(retryAfter !== undefined ? { retryAfter } : {}),
    };
  }
  if (policy.ipAllowlist !== undefined) {
    if (!Array.isArray(policy.ipAllowlist)) throw new Error("ipAllowlist is not a list");
    if (!ipAllowed(policy.ipAllowlist, f.remoteAddress)) {
      return { allow: false, code: "policy_violation", policy: "ipAllowlist", message: "The caller's address is not in the grant's IP allowlist." };
    }
  }
  const requireApproval = policy.requireApproval === true;
  if (requireApproval && f.mode === "retrieve") {
    return {
      allow: false,
      code: "policy_violation",
      policy: "requireApproval",
      message: "This grant needs a person's approval for each call, which only proxy mode supports; call it with mode \"proxy\".",
    };
  }
  return { allow: true, requireApproval };
}

/** Throws the VaultError for a denial. */
export function enforcePolicy(policy: GrantPolicy, facts: AccessFacts): { requireApproval: boolean } {
  const d = evaluatePolicy(policy, facts);
  if (d.allow) return { requireApproval: d.requireApproval };
  throw new VaultError(d.code, d.message, {
    details: { policy: d.policy, ...(d.retryAfter !== undefined ? { retryAfter: d.retryAfter } : {}) },
  });
}

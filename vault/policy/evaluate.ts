// Checks the policies that guard a grant on every credential access: the operator's floor on
// the managed secret and the grant's own policy, evaluated together (never merged into a copy),
// so the stricter rule of each field wins:
//   expiresAt, maxTtlSeconds   both apply: the earlier end wins
//   timeWindow                 both apply: the call must be inside every window (intersection)
//   ipAllowlist                both apply: every list must allow the caller's address
//   groups                     both apply: the user must be in one group of every list
//   requireApproval            either asks: true wins
//   requireApprovalFor         either asks: a call matching either layer's gate needs approval
// Any error while checking denies access (fail closed).
import { VaultError } from "../errors.js";
import type { GrantPolicy } from "../grant-types.js";
import { inTimeWindow, secondsUntilAllOpen, type TimeWindow } from "./time-window.js";
import { ipAllowed } from "./ip-allowlist.js";
import { gateReason, type VerifiedOperation } from "./approval-gate.js";

/** Where a policy comes from: the managed secret's floor or the grant itself. */
export type PolicySource = "floor" | "grant";

export interface PolicyLayer {
  source: PolicySource;
  policy: GrantPolicy;
}

export interface AccessFacts {
  nowMs: number;
  /** The SDK's address as the vault's socket saw it. */
  remoteAddress: string;
  /** When the grant was created (for maxTtlSeconds). */
  grantCreatedAt: string;
  mode: "retrieve" | "proxy";
  /** The verified end user's groups, or null when the call carried no user token. */
  userGroups?: readonly string[] | null;
}

type Denial = { allow: false; policy: string; source: PolicySource | null; message: string; retryAfter?: number; code: "policy_violation" | "grant_expired" };

export type PolicyDecision = { allow: true; requireApproval: boolean; approvalBy: PolicySource[] } | Denial;

const OWNER: Record<PolicySource, string> = { floor: "the operator's policy floor on the managed secret", grant: "the grant's policy" };

const deny = (layer: PolicyLayer, policy: string, code: Denial["code"], message: string, retryAfter?: number): Denial => ({
  allow: false,
  code,
  policy,
  source: layer.source,
  message: `${message} (${OWNER[layer.source]}).`,
  ...(retryAfter !== undefined ? { retryAfter } : {}),
});

/** One rule per field, checked across all layers in this order; the first denial wins. */
const RULES: { name: keyof GrantPolicy; check(layer: PolicyLayer, f: AccessFacts, all: readonly PolicyLayer[]): Denial | null }[] = [
  {
    name: "expiresAt",
    check(l, f) {
      if (l.policy.expiresAt === undefined) return null;
      const t = Date.parse(l.policy.expiresAt);
      if (Number.isNaN(t)) throw new Error("expiresAt is not a date");
      return f.nowMs >= t ? deny(l, "expiresAt", "grant_expired", "The grant expired; issue a new one") : null;
    },
  },
  {
    name: "maxTtlSeconds",
    check(l, f) {
      const ttl = l.policy.maxTtlSeconds;
      if (ttl === undefined) return null;
      const created = Date.parse(f.grantCreatedAt);
      if (!Number.isFinite(ttl) || ttl <= 0 || Number.isNaN(created)) throw new Error("bad ttl");
      return f.nowMs >= created + ttl * 1000 ? deny(l, "maxTtlSeconds", "grant_expired", "The grant outlived its maximum TTL; issue a new one") : null;
    },
  },
  {
    name: "timeWindow",
    check(l, f, all) {
      const w = l.policy.timeWindow;
      if (w === undefined || inTimeWindow(w, f.nowMs)) return null;
      // The next time every window is open at once, not just this one.
      const windows = all.map((x) => x.policy.timeWindow).filter((x): x is TimeWindow => x !== undefined);
      return deny(l, "timeWindow", "policy_violation", `The grant may only be used between ${w.start} and ${w.end} (${w.timeZone})`, secondsUntilAllOpen(windows, f.nowMs));
    },
  },
  {
    name: "ipAllowlist",
    check(l, f) {
      const list = l.policy.ipAllowlist;
      if (list === undefined) return null;
      if (!Array.isArray(list)) throw new Error("ipAllowlist is not a list");
      return ipAllowed(list, f.remoteAddress) ? null : deny(l, "ipAllowlist", "policy_violation", "The caller's address is not in the IP allowlist");
    },
  },
  {
    name: "groups",
    check(l, f) {
      const groups = l.policy.groups;
      if (groups === undefined) return null;
      if (!Array.isArray(groups)) throw new Error("groups is not a list");
      if (!f.userGroups) return deny(l, "groups", "policy_violation", `Only members of ${groups.join(", ")} may use this grant; call with the end user's token`);
      return groups.some((g) => f.userGroups!.includes(g)) ? null : deny(l, "groups", "policy_violation", `Only members of ${groups.join(", ")} may use this grant`);
    },
  },
];

export function evaluatePolicies(layers: readonly PolicyLayer[], facts: AccessFacts): PolicyDecision {
  try {
    return evaluate(layers, facts);
  } catch {
    return { allow: false, code: "policy_violation", policy: "invalid", source: null, message: "The grant's policy could not be checked, so access is denied." };
  }
}

/** A single policy (the grant's own), for callers and tests with no floor. */
export function evaluatePolicy(policy: GrantPolicy, facts: AccessFacts): PolicyDecision {
  return evaluatePolicies([{ source: "grant", policy }], facts);
}

function evaluate(layers: readonly PolicyLayer[], f: AccessFacts): PolicyDecision {
  for (const l of layers) if (l.policy === null || typeof l.policy !== "object") throw new Error("policy is not an object");
  for (const rule of RULES) {
    for (const l of layers) {
      const d = rule.check(l, f, layers);
      if (d) return d;
    }
  }
  const approvalBy = approvalAskedBy(layers);
  if (approvalBy.length > 0 && f.mode === "retrieve") {
    return deny(
      layers.find((l) => l.source === approvalBy[0])!,
      "requireApproval",
      "policy_violation",
      'A person must approve each call, which only proxy mode supports; call it with mode "proxy"',
    );
  }
  // A retrieved credential can make any call, not only the one it was asked for, so a grant whose
  // writes need a person's yes never hands its credential out, not even for a read.
  const gated = layers.find((l) => l.policy.requireApprovalFor !== undefined);
  if (gated && f.mode === "retrieve") {
    return deny(
      gated,
      "requireApprovalFor",
      "policy_violation",
      'A person must approve some of this grant\'s operations; a retrieved credential could make any call, so the grant works only in proxy mode; call it with mode "proxy"',
    );
  }
  return { allow: true, requireApproval: approvalBy.length > 0, approvalBy };
}

/** The layers whose policy asks a person to approve each call ("either asks"). */
export function approvalAskedBy(layers: readonly PolicyLayer[]): PolicySource[] {
  return layers.filter((l) => l.policy.requireApproval === true).map((l) => l.source);
}

/** Whether any layer approves by operation (then every call must name a verified operation). */
export function gatesOperations(layers: readonly PolicyLayer[]): boolean {
  return layers.some((l) => l.policy.requireApprovalFor !== undefined);
}

/** The layers whose gate matches the verified operation, with why ("floor: class write"). */
export function operationApprovalAskedBy(layers: readonly PolicyLayer[], op: VerifiedOperation): { by: PolicySource[]; reasons: string[] } {
  const by: PolicySource[] = [];
  const reasons: string[] = [];
  for (const l of layers) {
    const reason = l.policy.requireApprovalFor ? gateReason(l.policy.requireApprovalFor, op) : null;
    if (reason !== null) {
      by.push(l.source);
      reasons.push(`${l.source}: ${reason}`);
    }
  }
  return { by, reasons };
}

/** Throws the VaultError for a denial; otherwise says whether (and which policies) ask for approval. */
export function enforcePolicies(layers: readonly PolicyLayer[], facts: AccessFacts): { requireApproval: boolean; approvalBy: PolicySource[] } {
  const d = evaluatePolicies(layers, facts);
  if (d.allow) return { requireApproval: d.requireApproval, approvalBy: d.approvalBy };
  throw denialError(d);
}

export function denialError(d: Denial): VaultError {
  return new VaultError(d.code, d.message, {
    details: { policy: d.policy, ...(d.source ? { source: d.source } : {}), ...(d.retryAfter !== undefined ? { retryAfter: d.retryAfter } : {}) },
  });
}

// One use case authorizes every provider call, whether it comes as a retrieval, a proxy call or
// an approved call running later: find the grant, then decide whether it may be used now. The
// decision is an ordered table of named rules (as runtime/retry.ts decides retries): each is a
// pure function of the facts, the first with an opinion wins, and the rule's name says why.
import { VaultError, type VaultErrorCode } from "../errors.js";
import type { VaultContext, VerifiedUser } from "../context.js";
import type { GrantRecord, GrantStatus } from "../grant-types.js";
import { effectiveStatus } from "../storage/grants.js";
import {
  approvalAskedBy, denialError, evaluatePolicies, gatesOperations, operationApprovalAskedBy, type AccessFacts, type PolicyLayer, type PolicySource,
} from "../policy/evaluate.js";
import type { VerifiedOperation } from "../policy/approval-gate.js";
import { policyLayers } from "./policies.js";
import { effectiveProvider } from "./provider-config.js";
import { operationIndexFor, verifyOperation, type NamedCall } from "./operations.js";
import { findGrant, type GrantRefInput } from "./resolve.js";

/** What decides whether a grant may be used for one call. */
export interface UsabilityFacts {
  /** The grant's status now (an active grant past its end reads "expired": storage/grants.ts). */
  status: GrantStatus;
  /** The policies guarding it: its managed secret's floor and its own (grants/policies.ts). */
  layers: readonly PolicyLayer[];
  access: AccessFacts;
}

export type UsabilityDecision =
  | { ok: true; rule: "usable"; requireApproval: boolean; approvalBy: PolicySource[] }
  | { ok: false; rule: string; error: VaultError };

type Refusal = Extract<UsabilityDecision, { ok: false }>;
type UsabilityRule = (f: UsabilityFacts) => Omit<Refusal, "rule"> | undefined;

const refuse = (code: VaultErrorCode, message: string) => ({ ok: false as const, error: new VaultError(code, message) });

/** The rules, in order: a refusal, or `undefined` for no opinion. No opinion from any: usable. */
export const USABILITY_RULES: ReadonlyArray<readonly [name: string, rule: UsabilityRule]> = [
  ["revoked", (f) => (f.status === "revoked" ? refuse("grant_revoked", "The grant was revoked; connect again or issue a new grant.") : undefined)],
  [
    "reauth-required",
    (f) => (f.status === "reauth_required" ? refuse("reauth_required", "The grant's credential no longer works; the user must connect again.") : undefined),
  ],
  // Policies before the status's expiry, so an expiry names the policy (and whether the floor
  // or the grant set it). policy/evaluate.ts is itself a rule table, one rule per field.
  [
    "policy",
    (f) => {
      const d = evaluatePolicies(f.layers, f.access);
      return d.allow ? undefined : { ok: false, error: denialError(d) };
    },
  ],
  ["expired", (f) => (f.status === "expired" ? refuse("grant_expired", "The grant expired; connect again or issue a new grant.") : undefined)],
];

export function decideUsability(f: UsabilityFacts): UsabilityDecision {
  for (const [name, rule] of USABILITY_RULES) {
    const verdict = rule(f);
    if (verdict) return { ...verdict, rule: name };
  }
  const approvalBy = approvalAskedBy(f.layers);
  return { ok: true, rule: "usable", requireApproval: approvalBy.length > 0, approvalBy };
}

/** Who makes the call, as authorization sees it. */
export interface CallerFacts {
  /** The verified end user the call acts for: it reaches only their grants (and their groups'). */
  user: VerifiedUser | null;
  remoteAddress: string;
  /** The groups a `groups` policy checks; the user's by default. An approved call passes the
   *  groups of the user who asked, since it runs with no user token. */
  groups?: readonly string[] | null;
}

export interface CallAuthorization {
  grant: GrantRecord;
  /** A person must approve each call (proxy mode), as asked by these policies. */
  requireApproval: boolean;
  approvalBy: PolicySource[];
  /** Why approval is asked ("grant: every call", "floor: class write"). */
  approvalReasons: string[];
  /** The operation the call named, verified against the provider's document (only when a policy
   *  approves by operation: then every call is verified, approval or not). */
  operation?: VerifiedOperation;
}

/**
 * The grant `ref` names for this caller, if it may be used now for a call in `mode`; else the
 * VaultError the SDK maps to the caller's next move. `found` sees the grant as soon as it is
 * known, so that the audit row of a refusal can name it.
 */
export async function authorizeCall(
  ctx: VaultContext,
  caller: CallerFacts,
  ref: GrantRefInput,
  provider: string,
  mode: AccessFacts["mode"],
  found?: (grant: GrantRecord) => void,
  call?: NamedCall,
): Promise<CallAuthorization> {
  const grant = await findGrant(ctx, caller.user, ref, provider);
  found?.(grant);
  const now = ctx.now();
  const d = decideUsability({
    status: effectiveStatus(grant, now),
    layers: policyLayers(grant),
    access: { nowMs: now, remoteAddress: caller.remoteAddress, grantCreatedAt: grant.createdAt, mode, userGroups: caller.groups ?? caller.user?.groups ?? null },
  });
  if (!d.ok) throw d.error;
  const layers = policyLayers(grant);
  const reasons = d.approvalBy.map((s) => `${s}: every call`);
  if (!gatesOperations(layers)) return { grant, requireApproval: d.requireApproval, approvalBy: d.approvalBy, approvalReasons: reasons };
  // Retrieve mode was refused above (policy/evaluate.ts); a proxied call names an operation,
  // checked against its method and path before any gate is matched.
  if (!call) throw new VaultError("internal_error", "An operation-gated grant was authorized without the call's method and URL.");
  const index = await operationIndexFor(ctx.vault, ctx.app.id, provider);
  const operation = verifyOperation(index, provider, (await effectiveProvider(ctx.vault, ctx.app.id, provider, ctx.records)).baseUrl, call);
  const byOperation = operationApprovalAskedBy(layers, operation);
  const approvalBy = [...new Set([...d.approvalBy, ...byOperation.by])];
  return { grant, requireApproval: approvalBy.length > 0, approvalBy, approvalReasons: [...reasons, ...byOperation.reasons], operation };
}

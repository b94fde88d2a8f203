// Validates a GrantPolicy given by an operator or an API caller; errors name the field.
import { VaultUsageError } from "../errors.js";
import type { GrantPolicy } from "../grant-types.js";
import { validateTimeWindow } from "./time-window.js";
import { parseCidr } from "./ip-allowlist.js";
import { parseApprovalGate } from "./approval-gate.js";

const KNOWN = new Set(["expiresAt", "maxTtlSeconds", "timeWindow", "ipAllowlist", "requireApproval", "requireApprovalFor", "groups"]);

export function validatePolicy(input: unknown, where = "policy"): GrantPolicy {
  if (input === undefined || input === null) return {};
  if (typeof input !== "object" || Array.isArray(input)) throw new VaultUsageError(`${where} must be an object.`);
  const p = input as Record<string, unknown>;
  for (const k of Object.keys(p)) if (!KNOWN.has(k)) throw new VaultUsageError(`${where}.${k} is not a policy field (known: ${[...KNOWN].join(", ")}).`);
  const out: GrantPolicy = {};
  if (p.expiresAt !== undefined) {
    if (typeof p.expiresAt !== "string" || Number.isNaN(Date.parse(p.expiresAt))) throw new VaultUsageError(`${where}.expiresAt must be an ISO date-time.`);
    out.expiresAt = new Date(p.expiresAt).toISOString();
  }
  if (p.maxTtlSeconds !== undefined) {
    if (typeof p.maxTtlSeconds !== "number" || !Number.isInteger(p.maxTtlSeconds) || p.maxTtlSeconds <= 0) {
      throw new VaultUsageError(`${where}.maxTtlSeconds must be a positive integer.`);
    }
    out.maxTtlSeconds = p.maxTtlSeconds;
  }
  if (p.timeWindow !== undefined) {
    const w = p.timeWindow as GrantPolicy["timeWindow"];
    if (!w || typeof w !== "object" || typeof w.start !== "string" || typeof w.end !== "string" || typeof w.timeZone !== "string") {
      throw new VaultUsageError(`${where}.timeWindow must be { start: "HH:MM", end: "HH:MM", timeZone, days? }.`);
    }
    try {
      validateTimeWindow(w);
    } catch (e) {
      throw new VaultUsageError(`${where}: ${(e as Error).message}.`);
    }
    out.timeWindow = { start: w.start, end: w.end, timeZone: w.timeZone, ...(w.days ? { days: [...w.days] } : {}) };
  }
  if (p.ipAllowlist !== undefined) {
    if (!Array.isArray(p.ipAllowlist) || p.ipAllowlist.length === 0 || p.ipAllowlist.some((c) => typeof c !== "string")) {
      throw new VaultUsageError(`${where}.ipAllowlist must be a non-empty list of CIDR strings.`);
    }
    p.ipAllowlist.forEach((c, i) => {
      try {
        parseCidr(c as string);
      } catch (e) {
        throw new VaultUsageError(`${where}.ipAllowlist[${i}]: ${(e as Error).message}.`);
      }
    });
    out.ipAllowlist = (p.ipAllowlist as string[]).map((c) => c.trim());
  }
  if (p.requireApproval !== undefined) {
    if (typeof p.requireApproval !== "boolean") throw new VaultUsageError(`${where}.requireApproval must be true or false.`);
    out.requireApproval = p.requireApproval;
  }
  if (p.requireApprovalFor !== undefined) {
    const gate = parseApprovalGate(p.requireApprovalFor, `${where}.requireApprovalFor`);
    if (typeof gate === "string") throw new VaultUsageError(gate);
    out.requireApprovalFor = gate;
  }
  if (p.groups !== undefined) {
    if (!Array.isArray(p.groups) || p.groups.length === 0 || p.groups.some((g) => typeof g !== "string" || g.trim() === "")) {
      throw new VaultUsageError(`${where}.groups must be a non-empty list of IDP group ids.`);
    }
    out.groups = [...new Set((p.groups as string[]).map((g) => g.trim()))];
  }
  return out;
}

/** The grant's expiry column: the earlier of expiresAt and created + maxTtlSeconds (of its own
 *  policy; a floor is read at every access instead, see effectiveExpiry in storage/grants.ts). */
export function grantExpiry(policy: GrantPolicy, createdMs: number): string | null {
  const candidates: number[] = [];
  if (policy.expiresAt) candidates.push(Date.parse(policy.expiresAt));
  if (policy.maxTtlSeconds) candidates.push(createdMs + policy.maxTtlSeconds * 1000);
  return candidates.length ? new Date(Math.min(...candidates)).toISOString() : null;
}

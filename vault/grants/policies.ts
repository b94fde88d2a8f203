// The policies that guard a grant: its managed secret's floor (set by the operator, read at every
// access) and its own. vault/policy/evaluate.ts checks them together; the stricter rule wins.
import { VaultError } from "../errors.js";
import type { PolicyLayer } from "../policy/evaluate.js";
import { windowsOverlap } from "../policy/time-window.js";
import type { GrantPolicy, GrantRecord } from "../grant-types.js";

export function policyLayers(g: Pick<GrantRecord, "policy" | "policyFloor">): PolicyLayer[] {
  const layers: PolicyLayer[] = [];
  if (Object.keys(g.policyFloor).length > 0) layers.push({ source: "floor", policy: g.policyFloor });
  layers.push({ source: "grant", policy: g.policy });
  return layers;
}

/**
 * Refuses a grant policy that could never be used under the floor. Time windows combine by
 * intersection; when the two windows never meet in the coming week, the grant is refused
 * rather than issued dead. (Other fields always have a usable combination, or are simply expired.)
 */
export function checkAgainstFloor(floor: GrantPolicy, policy: GrantPolicy, nowMs: number, name: string): void {
  const a = floor.timeWindow;
  const b = policy.timeWindow;
  if (!a || !b || windowsOverlap([a, b], nowMs)) return;
  throw new VaultError(
    "invalid_request",
    `${name} ${b.start}-${b.end} (${b.timeZone}) never overlaps the managed secret's policy floor window ${a.start}-${a.end} (${a.timeZone}) in the coming week, so the grant could never be used; choose a window that meets the floor's.`,
    name.startsWith("/") ? { details: { pointer: name } } : {},
  );
}

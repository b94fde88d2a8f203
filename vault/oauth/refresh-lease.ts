// The `refresh_leases` row of a grant: which process (on any instance) may send its refresh
// token right now, and, after a failed attempt, when the next attempt may go out (the
// cool-down). One row per grant, in the store (LeasesRepo: taken with one conditional upsert);
// the row disappears when a refresh succeeds or the grant needs re-authorization.
//
// Two clocks: lease expiry is real time (Date.now(): it bounds a real HTTP exchange, across
// processes), the cool-down is the vault's clock (ctx.now(): policy time, which tests move).
import { randomUUID } from "node:crypto";
import type { Store } from "../storage/store/index.js";
import type { LeaseTake } from "../storage/store/leases.js";
import { currentProcess, isProcessGone } from "../process-identity.js";

export type { LeaseTake };

/** How long one refresh may hold the lease before another live process may take over. */
export const LEASE_MS = 30_000;
/** Cool-down after the first failed attempt is 1-2 s, doubling per failure in a row up to 15-30 s. */
export const COOLDOWN_BASE_MS = 2_000;
export const COOLDOWN_MAX_MS = 30_000;

/**
 * The lease holder id of one vault instance: one per store (a running vault has one; an admin
 * command in the same process opens its own and is another holder), so the in-process map of
 * refresh.ts joins an instance's own callers and the lease orders the instances.
 */
const holders = new WeakMap<Store, string>();
function holderOf(store: Store): string {
  let id = holders.get(store);
  if (!id) holders.set(store, (id = randomUUID()));
  return id;
}

/**
 * Takes the grant's lease, unless a live holder (this or another instance) has it or the
 * cool-down is not over. A lease whose holder process died (checkable on its own host) is taken
 * over at once (`takeover`).
 */
export function takeLease(store: Store, grantId: string, realNow: number, vaultNow: number): Promise<LeaseTake> {
  return store.leases.take(grantId, { id: holderOf(store), ...currentProcess() }, realNow, vaultNow, LEASE_MS, isProcessGone);
}

/** The attempt succeeded, or the grant is beyond refreshing: no lease, no cool-down. */
export function dropLease(store: Store, grantId: string): Promise<void> {
  return store.leases.drop(grantId, holderOf(store));
}

/** Full jitter over the upper half: uniform in [ceiling/2, ceiling). */
export function cooldownMs(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(COOLDOWN_MAX_MS, COOLDOWN_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}

/** Releases the lease after a failed attempt, leaving the cool-down for every process to see. */
export function recordFailure(store: Store, grantId: string, retryAt: number, failures: number, message: string): Promise<void> {
  return store.leases.recordFailure(grantId, holderOf(store), retryAt, failures, message);
}

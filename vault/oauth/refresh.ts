// Returns a usable access token for an OAuth grant, refreshing it shortly before it expires.
// However many calls arrive at once, one refresh per grant is in flight: an in-process promise
// map joins callers of this process (they all share its outcome, success or failure), and a
// lease row in the store (refresh-lease.ts) makes every other process, on this instance or
// another, wait instead of refreshing again — which, with rotating refresh tokens, would revoke
// the grant at the provider. The winner reads the grant again after taking the lease and
// refreshes only if the token is still the one that needed it: a holder that finished between
// our read and our take has already spent that refresh token. A lease whose holder died is
// taken over at once. After a failed attempt, a cool-down with jitter passes before the
// next request to the token endpoint; meanwhile callers get `token_refresh_in_progress` with
// `retryAfter`, or the current token while it is still valid.
import { setTimeout as sleep } from "node:timers/promises";
import { VaultError } from "../errors.js";
import type { Credential, GrantRecord } from "../grant-types.js";
import type { Store } from "../storage/store/index.js";
import type { OAuthContext } from "./provider-config.js";
import { cooldownMs, dropLease, LEASE_MS, recordFailure, takeLease } from "./refresh-lease.js";
import { auditRefresh, RefreshClientError, refreshNow } from "./refresh-exchange.js";
import { TokenAnswerError } from "./token-answer.js";
import { needsRefresh, openTokens, stillValid, type StoredOAuthTokens } from "./tokens.js";

const LEASE_POLL_MS = 50;

/** Refreshes in flight, per instance (store) and grant: an instance's callers share one. */
const inflightByStore = new WeakMap<Store, Map<string, Promise<Credential>>>();
function inflightOf(store: Store): Map<string, Promise<Credential>> {
  let m = inflightByStore.get(store);
  if (!m) inflightByStore.set(store, (m = new Map()));
  return m;
}

/**
 * `rejected` is the fingerprint of a token the provider answered 401 to: when it is still the
 * current token, refresh now. Compared by fingerprint so that many concurrent 401s with the same
 * token cause one refresh, and a 401 with an already-replaced token causes none.
 */
export async function ensureFreshCredential(ctx: OAuthContext, grant: GrantRecord, rejected?: string): Promise<Credential> {
  assertUsable(grant);
  const tokens = openTokens(ctx.crypto, grant.id, grant.credentialSealed!);
  if (!needsRefresh(grant, tokens, ctx.now(), rejected)) return { token: tokens.token };
  const inflight = inflightOf(ctx.store);
  let pending = inflight.get(grant.id);
  if (!pending) {
    pending = refreshUnderLease(ctx, grant, rejected).finally(() => inflight.delete(grant.id));
    inflight.set(grant.id, pending);
  }
  return pending;
}

function assertUsable(grant: GrantRecord): void {
  if (grant.status === "revoked") throw new VaultError("grant_revoked", "This grant was revoked; connect again to restore access.");
  if (grant.status === "reauth_required" || !grant.credentialSealed) {
    throw new VaultError("reauth_required", "The provider no longer accepts this grant's tokens; the user must connect again.");
  }
}

/** `token_refresh_in_progress` with `retryAfter` in seconds (millisecond precision, above 0). */
function retryLater(why: string, waitMs: number): VaultError {
  const retryAfter = Math.max(1, Math.ceil(waitMs)) / 1000;
  return new VaultError("token_refresh_in_progress", `${why} The vault tries again in ${Math.max(0.1, retryAfter).toFixed(1)} s.`, {
    details: { retryAfter },
  });
}

async function refreshUnderLease(ctx: OAuthContext, first: GrantRecord, rejected?: string): Promise<Credential> {
  const deadline = Date.now() + LEASE_MS;
  for (;;) {
    const grant = await currentGrant(ctx, first);
    // Another process may have refreshed while we waited for the lease.
    const tokens = openTokens(ctx.crypto, grant.id, grant.credentialSealed!);
    const now = ctx.now();
    if (!needsRefresh(grant, tokens, now, rejected)) return { token: tokens.token };
    const lease = await takeLease(ctx.store, grant.id, Date.now(), now);
    if (lease.kind === "cooling") {
      if (stillValid(grant, tokens, now, rejected)) return { token: tokens.token };
      const why = lease.lastError ?? "The last attempt to refresh this grant's token failed.";
      throw retryLater(why, lease.retryAt - now);
    }
    if (lease.kind === "taken") return underLease(ctx, first, rejected, lease);
    if (Date.now() > deadline) {
      throw retryLater("Another vault process is refreshing this grant's token.", Math.max(LEASE_POLL_MS, lease.expiresAt - Date.now()));
    }
    await sleep(LEASE_POLL_MS);
  }
}

async function currentGrant(ctx: OAuthContext, first: GrantRecord): Promise<GrantRecord> {
  const grant = await ctx.store.grants.get(first.appId, first.id);
  if (!grant) throw new VaultError("grant_not_found", "This grant no longer exists.");
  assertUsable(grant);
  return grant;
}

/**
 * Holding the lease: read the grant again, since a holder that released the lease between our
 * read and our take has stored new tokens (and spent the refresh token we read). Refresh only
 * when the token is still the one that needs it.
 */
async function underLease(ctx: OAuthContext, first: GrantRecord, rejected: string | undefined, lease: { takeover: boolean; failures: number }): Promise<Credential> {
  let grant: GrantRecord;
  try {
    grant = await currentGrant(ctx, first);
  } catch (e) {
    await dropLease(ctx.store, first.id);
    throw e;
  }
  const tokens = openTokens(ctx.crypto, grant.id, grant.credentialSealed!);
  if (!needsRefresh(grant, tokens, ctx.now(), rejected)) {
    await dropLease(ctx.store, grant.id);
    return { token: tokens.token };
  }
  return attempt(ctx, grant, tokens, rejected, lease);
}

/** One attempt under the lease. A transient failure starts the cool-down every waiter shares. */
async function attempt(
  ctx: OAuthContext,
  grant: GrantRecord,
  current: StoredOAuthTokens,
  rejected: string | undefined,
  lease: { takeover: boolean; failures: number },
): Promise<Credential> {
  try {
    const credential = await refreshNow(ctx, grant, current, rejected, lease.takeover);
    await dropLease(ctx.store, grant.id);
    return credential;
  } catch (e) {
    if (!isTransient(e)) {
      // reauth_required, grant_revoked, or a fault of the vault itself: no cool-down to keep.
      await dropLease(ctx.store, grant.id);
      throw e;
    }
    const failures = lease.failures + 1;
    const wait = cooldownMs(failures);
    const message = e.message;
    await recordFailure(ctx.store, grant.id, ctx.now() + wait, failures, message);
    auditRefresh(ctx, grant, "error", { errorCode: "token_refresh_failed", details: { message, failures, retryInMs: wait } });
    // Transient (network, 5xx, a refused answer): the current token is still good for a while.
    if (stillValid(grant, current, ctx.now(), rejected)) return { token: current.token };
    throw retryLater(message, wait);
  }
}

/** Failures another attempt may cure: the provider was down, refused our client, or answered badly. */
function isTransient(e: unknown): e is Error {
  return (e instanceof VaultError && e.code === "provider_unreachable") || e instanceof TokenAnswerError || e instanceof RefreshClientError;
}

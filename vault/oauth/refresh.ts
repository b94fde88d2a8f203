// Returns a usable access token for an OAuth grant, refreshing it shortly before it expires.
// However many calls arrive at once, one refresh per grant is in flight: an in-process promise
// map joins callers of this process, and a lease row in the database makes another process
// (a second server, the CLI) wait for the refreshed token instead of refreshing again — which,
// with rotating refresh tokens, would revoke the grant at the provider.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { credentialFingerprint } from "../../runtime/fingerprint.js";
import { VaultError } from "../errors.js";
import type { Credential, GrantRecord } from "../grants/types.js";
import { getGrant, setGrantStatus } from "../storage/grants.js";
import type { Db } from "../storage/db.js";
import { clientSecretFor, resolveOAuthProvider, type OAuthContext } from "./provider-config.js";
import { OAuthEndpointError, requestToken } from "./token-endpoint.js";
import { expiryFrom, openTokens, sealTokens, tokensFrom, type StoredOAuthTokens } from "./tokens.js";

/**
 * Refresh when the access token has less than this left, or less than half its lifetime for
 * short-lived tokens — so a token that was just refreshed is used, not refreshed again by a
 * call that read the grant a moment before.
 */
export const REFRESH_AHEAD_MS = 60_000;
/** How long one refresh may hold the lease before another process may take over. */
const LEASE_MS = 30_000;
const LEASE_POLL_MS = 50;
const HOLDER = randomUUID();

const inflight = new Map<string, Promise<Credential>>();

/**
 * `rejected` is the fingerprint of a token the provider answered 401 to: when it is still the
 * current token, refresh now. Compared by fingerprint so that many concurrent 401s with the same
 * token cause one refresh, and a 401 with an already-replaced token causes none.
 */
export async function ensureFreshCredential(ctx: OAuthContext, grant: GrantRecord, rejected?: string): Promise<Credential> {
  assertUsable(grant);
  const tokens = openTokens(ctx.crypto, grant.id, grant.credentialSealed!);
  if (!needsRefresh(grant, tokens, ctx.now(), rejected)) return { token: tokens.token };
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

function needsRefresh(grant: GrantRecord, tokens: StoredOAuthTokens, now: number, rejected?: string): boolean {
  if (rejected !== undefined && isRejected(tokens, rejected)) return true;
  if (grant.credentialExpiresAt === null) return false;
  const expiresAt = Date.parse(grant.credentialExpiresAt);
  const lifetime = tokens.obtainedAt === null ? Infinity : expiresAt - tokens.obtainedAt;
  return expiresAt - now <= Math.min(REFRESH_AHEAD_MS, lifetime / 2);
}

function isRejected(tokens: StoredOAuthTokens, rejected: string | undefined): boolean {
  return rejected !== undefined && credentialFingerprint(tokens.token) === rejected;
}

async function refreshUnderLease(ctx: OAuthContext, first: GrantRecord, rejected?: string): Promise<Credential> {
  const deadline = Date.now() + LEASE_MS;
  for (;;) {
    const grant = getGrant(ctx.db, first.appId, first.id);
    if (!grant) throw new VaultError("grant_not_found", "This grant no longer exists.");
    assertUsable(grant);
    // Another process may have refreshed while we waited for the lease.
    const tokens = openTokens(ctx.crypto, grant.id, grant.credentialSealed!);
    if (!needsRefresh(grant, tokens, ctx.now(), rejected)) return { token: tokens.token };
    if (takeLease(ctx.db, grant.id)) {
      try {
        return await refreshNow(ctx, grant, rejected);
      } finally {
        ctx.db.prepare("DELETE FROM refresh_leases WHERE grant_id = ? AND holder = ?").run(grant.id, HOLDER);
      }
    }
    if (Date.now() > deadline) {
      throw new VaultError("token_refresh_in_progress", "Another vault process is refreshing this grant's token; retry shortly.");
    }
    await sleep(LEASE_POLL_MS);
  }
}

function takeLease(db: Db, grantId: string): boolean {
  const now = Date.now();
  const r = db
    .prepare(
      `INSERT INTO refresh_leases (grant_id, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (grant_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE refresh_leases.expires_at < ?`,
    )
    .run(grantId, HOLDER, now + LEASE_MS, now);
  return r.changes === 1;
}

async function refreshNow(ctx: OAuthContext, grant: GrantRecord, rejected?: string): Promise<Credential> {
  const current = openTokens(ctx.crypto, grant.id, grant.credentialSealed!);
  // A token the provider refused is not "still valid", whatever its expiry says.
  const stillValid =
    !isRejected(current, rejected) && grant.credentialExpiresAt !== null && Date.parse(grant.credentialExpiresAt) > ctx.now();
  if (!current.refreshToken) {
    if (stillValid) return { token: current.token };
    return needsReauth(ctx, grant, "The access token expired and the provider issued no refresh token; the user must connect again.");
  }
  const config = resolveOAuthProvider(ctx, grant.appId, grant.provider);
  let res;
  try {
    res = await requestToken(
      config.tokenUrl,
      { grant_type: "refresh_token", refresh_token: current.refreshToken },
      { clientId: config.clientId, clientSecret: clientSecretFor(ctx, grant.appId, grant.provider), method: config.authMethod },
    );
  } catch (e) {
    if (e instanceof OAuthEndpointError) {
      return needsReauth(ctx, grant, `The provider refused to refresh this grant's token (${e.oauthError}); the user must connect again.`);
    }
    // Transient (network, 5xx): the current token is still good for a little while.
    if (stillValid) return { token: current.token };
    throw e;
  }
  const tokens = tokensFrom(res, ctx.now(), current.refreshToken);
  const updated = ctx.db
    .prepare("UPDATE grants SET credential_sealed = ?, credential_expires_at = ? WHERE id = ? AND status = 'active'")
    .run(sealTokens(ctx.crypto, grant.id, tokens), expiryFrom(res, ctx.now()), grant.id);
  if (updated.changes !== 1) throw new VaultError("grant_revoked", "This grant was revoked while its token was being refreshed.");
  return { token: tokens.token };
}

function needsReauth(ctx: OAuthContext, grant: GrantRecord, message: string): never {
  setGrantStatus(ctx.db, grant.id, "reauth_required");
  throw new VaultError("reauth_required", message);
}

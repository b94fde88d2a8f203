// OAuth tokens of a grant as stored: sealed in grants.credential_sealed (purpose
// "grant-credential", the grant id as associated data). `token` is the access token, so the
// shape is also a bearer Credential.
import { credentialFingerprint } from "../../protocol/fingerprint.js";
import type { AtRest } from "../crypto/at-rest.js";
import type { GrantRecord } from "../grant-types.js";
import type { TokenResponse } from "./token-answer.js";

export const GRANT_CREDENTIAL_PURPOSE = "grant-credential";

export interface StoredOAuthTokens {
  token: string;
  refreshToken: string | null;
  tokenType: string;
  scope: string | null;
  /** Epoch ms when the access token was obtained (how far into its life it is). */
  obtainedAt: number | null;
}

export function tokensFrom(res: TokenResponse, now: number, previousRefresh: string | null = null): StoredOAuthTokens {
  return {
    obtainedAt: now,
    token: res.accessToken,
    // A refresh answer without a new refresh token keeps the old one (non-rotating servers).
    refreshToken: res.refreshToken ?? previousRefresh,
    tokenType: res.tokenType,
    scope: res.scopes === null ? null : res.scopes.join(" "),
  };
}

export function sealTokens(crypto: AtRest, grantId: string, tokens: StoredOAuthTokens): string {
  return crypto.sealJson(GRANT_CREDENTIAL_PURPOSE, grantId, tokens);
}

export function openTokens(crypto: AtRest, grantId: string, sealed: string): StoredOAuthTokens {
  const t = crypto.openJson<Partial<StoredOAuthTokens>>(GRANT_CREDENTIAL_PURPOSE, grantId, sealed);
  return {
    token: t.token ?? "",
    refreshToken: t.refreshToken ?? null,
    tokenType: t.tokenType ?? "bearer",
    scope: t.scope ?? null,
    obtainedAt: t.obtainedAt ?? null,
  };
}

/** expires_in is validated (1 s to 10 years) before it gets here, so the date always exists. */
export function expiryFrom(res: TokenResponse, now: number): string | null {
  return res.expiresIn === null ? null : new Date(now + res.expiresIn * 1000).toISOString();
}

/**
 * Refresh when the access token has less than this left, or less than half its lifetime for
 * short-lived tokens — so a token that was just refreshed is used, not refreshed again by a
 * call that read the grant a moment before.
 */
export const REFRESH_AHEAD_MS = 60_000;

/** Whether `rejected` (a fingerprint the runtime reported after a 401) names the current token. */
export function isRejected(tokens: StoredOAuthTokens, rejected: string | undefined): boolean {
  return rejected !== undefined && credentialFingerprint(tokens.token) === rejected;
}

export function needsRefresh(grant: GrantRecord, tokens: StoredOAuthTokens, now: number, rejected?: string): boolean {
  if (isRejected(tokens, rejected)) return true;
  // Unknown lifetime (no expires_in): used until the provider refuses it.
  if (grant.credentialExpiresAt === null) return false;
  const expiresAt = Date.parse(grant.credentialExpiresAt);
  const lifetime = tokens.obtainedAt === null ? Infinity : expiresAt - tokens.obtainedAt;
  return expiresAt - now <= Math.min(REFRESH_AHEAD_MS, lifetime / 2);
}

/** A token the provider refused is not "still valid", whatever its expiry says. */
export function stillValid(grant: GrantRecord, tokens: StoredOAuthTokens, now: number, rejected?: string): boolean {
  return !isRejected(tokens, rejected) && grant.credentialExpiresAt !== null && Date.parse(grant.credentialExpiresAt) > now;
}

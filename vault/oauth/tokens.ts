// OAuth tokens of a grant as stored: sealed in grants.credential_sealed (purpose
// "grant-credential", the grant id as associated data). `token` is the access token, so the
// shape is also a bearer Credential.
import type { AtRest } from "../crypto/at-rest.js";
import type { TokenResponse } from "./token-endpoint.js";

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
    scope: res.scope,
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

export function expiryFrom(res: TokenResponse, now: number): string | null {
  return res.expiresIn === null ? null : new Date(now + res.expiresIn * 1000).toISOString();
}

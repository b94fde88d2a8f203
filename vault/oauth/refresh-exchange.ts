// One refresh_token exchange (RFC 6749 §6) and what is stored from its answer, in an order that
// never loses a rotated refresh token: the new refresh token is sealed into the grant as soon as
// it is read and checked, before the rest of the answer (access token, expires_in, token_type)
// is validated. A server that rotates and then sends a bad expires_in has still moved the grant
// on to the new refresh token, and the next attempt sends that one, never the spent one.
import { VaultError } from "../errors.js";
import type { Credential, GrantRecord } from "../grant-types.js";
import { clientSecretFor, resolveOAuthProvider, type OAuthContext } from "./provider-config.js";
import { refreshTokenOf, validateTokenAnswer, type TokenResponse } from "./token-answer.js";
import { OAuthEndpointError, requestTokenAnswer } from "./token-endpoint.js";
import { expiryFrom, sealTokens, stillValid, tokensFrom, type StoredOAuthTokens } from "./tokens.js";

/** The server refused the vault's OAuth client, not the grant: fix the client, keep the grant. */
export class RefreshClientError extends Error {
  override name = "RefreshClientError";
}

// RFC 6749 §5.2 errors about the client rather than the user's authorization.
const CLIENT_ERRORS = new Set(["invalid_client", "unauthorized_client"]);

export async function refreshNow(
  ctx: OAuthContext,
  grant: GrantRecord,
  current: StoredOAuthTokens,
  rejected: string | undefined,
  takeover: boolean,
): Promise<Credential> {
  if (!current.refreshToken) {
    if (stillValid(grant, current, ctx.now(), rejected)) return { token: current.token };
    return needsReauth(ctx, grant, "The access token expired and the provider issued no refresh token; the user must connect again.");
  }
  const config = await resolveOAuthProvider(ctx, grant.appId, grant.provider);
  const rules = { owner: grant.provider, tokenTypes: config.tokenTypes };
  let body: Record<string, unknown>;
  try {
    body = await requestTokenAnswer(
      config.tokenUrl,
      { grant_type: "refresh_token", refresh_token: current.refreshToken },
      { clientId: config.clientId, clientSecret: await clientSecretFor(ctx, grant.appId, grant.provider), method: config.authMethod },
      grant.provider,
    );
  } catch (e) {
    if (!(e instanceof OAuthEndpointError)) throw e;
    if (CLIENT_ERRORS.has(e.oauthError)) {
      throw new RefreshClientError(`${e.message} Check the OAuth client (\`alter-gen vault providers set ${grant.provider}\`); the grant is kept.`);
    }
    // A process that died mid-refresh may have spent the refresh token without storing the answer.
    const died = takeover ? " A vault process that was refreshing this grant stopped before it could store the provider's answer." : "";
    return needsReauth(ctx, grant, `The provider refused to refresh this grant's token (${e.oauthError}); the user must connect again.${died}`);
  }
  // 1. The rotated refresh token first: from here on, the old one is spent at the provider.
  const rotated = refreshTokenOf(body, rules);
  if (rotated !== null && rotated !== current.refreshToken) await storeRotated(ctx, grant, { ...current, refreshToken: rotated });
  // 2. The rest of the answer; a refusal here leaves the grant on the rotated refresh token.
  const res = validateTokenAnswer(body, rules);
  return storeRefreshed(ctx, grant, res, rotated ?? current.refreshToken, { rotated: rotated !== null && rotated !== current.refreshToken, takeover });
}

async function storeRotated(ctx: OAuthContext, grant: GrantRecord, tokens: StoredOAuthTokens): Promise<void> {
  if (!(await ctx.store.grants.setRotatedTokens(grant.id, sealTokens(ctx.crypto, grant.id, tokens)))) throw new VaultError("grant_revoked", "This grant was revoked while its token was being refreshed.");
}

async function storeRefreshed(
  ctx: OAuthContext,
  grant: GrantRecord,
  res: TokenResponse,
  refreshToken: string | null,
  facts: { rotated: boolean; takeover: boolean },
): Promise<Credential> {
  const now = ctx.now();
  const tokens = tokensFrom(res, now, refreshToken);
  // The scope field is what the server granted now; without one, the grant keeps its scopes.
  const scopes = res.scopes ?? grant.scopes;
  if (!(await ctx.store.grants.setRefreshed(grant.id, sealTokens(ctx.crypto, grant.id, tokens), expiryFrom(res, now), scopes))) throw new VaultError("grant_revoked", "This grant was revoked while its token was being refreshed.");
  const removed = grant.scopes.filter((s) => !scopes.includes(s));
  const added = scopes.filter((s) => !grant.scopes.includes(s));
  auditRefresh(ctx, grant, "success", {
    details: {
      rotated: facts.rotated,
      ...(removed.length > 0 || added.length > 0 ? { scopes, scopesRemoved: removed, scopesAdded: added } : {}),
      ...(facts.takeover ? { takeover: true } : {}),
    },
  });
  return { token: tokens.token };
}

async function needsReauth(ctx: OAuthContext, grant: GrantRecord, message: string): Promise<never> {
  await ctx.store.grants.setStatus(grant.id, "reauth_required");
  auditRefresh(ctx, grant, "error", { errorCode: "reauth_required", details: { message } });
  throw new VaultError("reauth_required", message);
}

/** One audit row per refresh attempt that reached the provider (never a token). */
export function auditRefresh(
  ctx: OAuthContext,
  grant: GrantRecord,
  outcome: "success" | "error",
  extra: { errorCode?: string; details: Record<string, unknown> },
): void {
  ctx.vault.audit.write({
    action: "grant.refresh",
    outcome,
    appId: grant.appId,
    grantId: grant.id,
    provider: grant.provider,
    principalType: grant.principalType,
    principalId: grant.principalId,
    errorCode: extra.errorCode ?? null,
    details: extra.details,
  });
}

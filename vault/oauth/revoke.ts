// Revocation: tell the provider (RFC 7009) where it has a revocation endpoint, then delete the
// grant's tokens and mark it revoked. Only a new connect restores access.
import type { GrantRecord } from "../grant-types.js";
import { clientSecretFor, resolveOAuthProvider, type OAuthContext } from "./provider-config.js";
import { requestRevocation } from "./token-endpoint.js";
import { openTokens } from "./tokens.js";

export interface ProviderRevocation {
  /** Whether the provider's revocation endpoint was called. */
  called: boolean;
  /** HTTP status of the last revocation request, null when not called or unreachable. */
  status: number | null;
  /** Why a revocation request failed (unreachable, answer too large), for the audit row. */
  error?: string;
}

/** Best effort: a provider that is down must not keep a grant alive in the vault. */
export async function revokeAtProvider(ctx: OAuthContext, grant: GrantRecord): Promise<ProviderRevocation> {
  if (grant.source !== "oauth" || !grant.credentialSealed) return { called: false, status: null };
  let config;
  try {
    config = await resolveOAuthProvider(ctx, grant.appId, grant.provider);
  } catch {
    return { called: false, status: null };
  }
  if (!config.revokeUrl) return { called: false, status: null };
  const tokens = openTokens(ctx.crypto, grant.id, grant.credentialSealed);
  const auth = { clientId: config.clientId, clientSecret: await clientSecretFor(ctx, grant.appId, grant.provider), method: config.authMethod };
  let status: number | null = null;
  try {
    // Revoking the refresh token ends the whole authorization at most servers; the access token
    // goes too, for servers that only revoke what they are handed.
    if (tokens.refreshToken) status = await requestRevocation(config.revokeUrl, tokens.refreshToken, "refresh_token", auth, grant.provider);
    status = await requestRevocation(config.revokeUrl, tokens.token, "access_token", auth, grant.provider);
  } catch (e) {
    // Unreachable or refused: the vault still forgets the tokens; the audit log says why the
    // provider may still honour them.
    const error = e instanceof Error ? e.message : "failed";
    ctx.vault.audit.write({
      action: "grant.revoke.provider",
      outcome: "error",
      appId: grant.appId,
      grantId: grant.id,
      provider: grant.provider,
      principalType: grant.principalType,
      principalId: grant.principalId,
      errorCode: "provider_revocation_failed",
      details: { message: error },
    });
    return { called: true, status, error };
  }
  return { called: true, status };
}

/** Revokes at the provider, then in the vault. False when the grant is missing or already revoked. */
export async function revokeGrant(ctx: OAuthContext, appId: string, grantId: string, reason: string | null): Promise<boolean> {
  const grant = await ctx.store.grants.get(appId, grantId);
  if (!grant || grant.status === "revoked") return false;
  await revokeAtProvider(ctx, grant);
  return ctx.store.grants.revoke(appId, grantId, reason, ctx.now());
}

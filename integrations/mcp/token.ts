// The bearer token of an HTTP request, as the MCP server sees it before the vault does. The MCP
// authorization spec makes the server check that a token was issued for it (RFC 8707: `aud` is
// the server's URL), so a token meant for another service is refused here with a 401 even
// though the vault would accept it. The signature is checked here too, against the keys of the
// configured issuers: without that, a forged token with the right audience could list the tools.
// The vault checks the signature, issuer and audience again on every call a tool makes
// (`vault idp set --audience <this URL>`).
import { OAuthError, OAuthErrorCode, type AuthInfo, type OAuthTokenVerifier } from "@modelcontextprotocol/server";
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";

type KeySet = ReturnType<typeof createRemoteJWKSet>;

export interface AudienceVerifierOptions {
  /** The issuers whose tokens are accepted (the vault's IDP); each one's keys come from its discovery document. */
  issuers: readonly string[];
  /** Milliseconds since the epoch; injectable for tests. @default Date.now */
  now?: () => number;
}

/** Verifies a JWT access token's signature (the issuer's JWKS), issuer, audience (this server), expiry and subject. */
export function audienceVerifier(resource: URL, options: AudienceVerifierOptions): OAuthTokenVerifier {
  const audiences = [...new Set([resource.href, normalize(resource.href), `${normalize(resource.href)}/`])];
  const keys = new Map<string, Promise<KeySet>>();
  const keySet = (issuer: string): Promise<KeySet> => {
    let set = keys.get(issuer);
    if (!set) {
      set = discoverKeys(issuer);
      // A failed discovery (the IDP was down) is tried again on the next request.
      set.catch(() => keys.delete(issuer));
      keys.set(issuer, set);
    }
    return set;
  };
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const issuer = unverifiedIssuer(token);
      if (!options.issuers.some((i) => normalize(i) === normalize(issuer))) {
        throw new OAuthError(OAuthErrorCode.InvalidToken, `The token's issuer is not one this MCP server accepts (${options.issuers.join(", ")}).`);
      }
      const claims = await verified(token, await keySet(issuer), issuer, audiences, resource, options.now ?? Date.now);
      if (typeof claims.exp !== "number") throw new OAuthError(OAuthErrorCode.InvalidToken, "The token has no expiry (exp).");
      if (typeof claims.sub !== "string" || claims.sub === "") throw new OAuthError(OAuthErrorCode.InvalidToken, "The token names no user (sub).");
      const clientId = typeof claims.client_id === "string" ? claims.client_id : typeof claims.azp === "string" ? claims.azp : "unknown";
      const scopes = typeof claims.scope === "string" ? claims.scope.split(" ").filter(Boolean) : [];
      return { token, clientId, scopes, expiresAt: claims.exp, resource: new URL(resource.href) };
    },
  };
}

async function verified(token: string, keys: KeySet, issuer: string, audience: string[], resource: URL, now: () => number): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, keys, { issuer, audience, currentDate: new Date(now()) });
    return payload;
  } catch (error) {
    // jose's own words name the failing claim; they never include the token.
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "aud") {
      throw new OAuthError(OAuthErrorCode.InvalidToken, `The token was not issued for this MCP server (its audience must be ${resource.href}).`);
    }
    if (error instanceof joseErrors.JWTExpired) throw new OAuthError(OAuthErrorCode.InvalidToken, "The token has expired.");
    if (error instanceof joseErrors.JOSEError) throw new OAuthError(OAuthErrorCode.InvalidToken, `The token does not verify: ${error.message}`);
    throw error;
  }
}

function unverifiedIssuer(token: string): string {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new OAuthError(OAuthErrorCode.InvalidToken, "The token is not a JWT.");
  }
  if (typeof claims.iss !== "string" || claims.iss === "") throw new OAuthError(OAuthErrorCode.InvalidToken, "The token names no issuer (iss).");
  return claims.iss;
}

/** The issuer's JWKS, from its OpenID Connect (or RFC 8414) discovery document. */
async function discoverKeys(issuer: string): Promise<KeySet> {
  const base = normalize(issuer);
  for (const suffix of ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"]) {
    const res = await fetch(base + suffix, { signal: AbortSignal.timeout(5_000), headers: { accept: "application/json" } }).catch(() => undefined);
    if (!res?.ok) continue;
    const meta = (await res.json().catch(() => undefined)) as { jwks_uri?: unknown } | undefined;
    if (typeof meta?.jwks_uri === "string") return createRemoteJWKSet(new URL(meta.jwks_uri), { timeoutDuration: 5_000 });
  }
  throw new Error(`The MCP server cannot read the signing keys of ${issuer}: its discovery document has no jwks_uri or cannot be fetched.`);
}

// RFC 8707 resources are compared as the SDK does: without a fragment or one trailing slash.
function normalize(url: string): string {
  const noFragment = url.split("#")[0]!;
  return noFragment.endsWith("/") ? noFragment.slice(0, -1) : noFragment;
}

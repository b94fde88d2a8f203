// The bearer token of an HTTP request, as the MCP server sees it before the vault does. The MCP
// authorization spec makes the server check that a token was issued for it (RFC 8707: `aud` is
// the server's URL), so a token meant for another service is refused here with a 401 even
// though the vault would accept its signature; the vault then verifies the signature, issuer
// and audience on every call a tool makes (`vault idp set --audience <this URL>`).
import { OAuthError, OAuthErrorCode, type AuthInfo, type OAuthTokenVerifier } from "@modelcontextprotocol/server";

/** Reads a JWT's claims without checking its signature (the vault does that); refuses what is not a usable JWT. */
export function audienceVerifier(resource: URL, now: () => number = Date.now): OAuthTokenVerifier {
  const expected = normalize(resource.href);
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const claims = decodeClaims(token);
      const audiences = typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((a): a is string => typeof a === "string") : [];
      if (!audiences.some((a) => normalize(a) === expected)) {
        throw new OAuthError(OAuthErrorCode.InvalidToken, `The token was not issued for this MCP server (its audience must be ${resource.href}).`);
      }
      if (typeof claims.exp !== "number") throw new OAuthError(OAuthErrorCode.InvalidToken, "The token has no expiry (exp).");
      if (claims.exp * 1000 <= now()) throw new OAuthError(OAuthErrorCode.InvalidToken, "The token has expired.");
      if (typeof claims.sub !== "string" || claims.sub === "") throw new OAuthError(OAuthErrorCode.InvalidToken, "The token names no user (sub).");
      const clientId = typeof claims.client_id === "string" ? claims.client_id : typeof claims.azp === "string" ? claims.azp : "unknown";
      const scopes = typeof claims.scope === "string" ? claims.scope.split(" ").filter(Boolean) : [];
      return { token, clientId, scopes, expiresAt: claims.exp, resource: new URL(resource.href) };
    },
  };
}

function decodeClaims(token: string): Record<string, unknown> {
  const parts = token.split(".");
  if (parts.length !== 3) throw new OAuthError(OAuthErrorCode.InvalidToken, "The token is not a JWT.");
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
    if (claims && typeof claims === "object" && !Array.isArray(claims)) return claims as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new OAuthError(OAuthErrorCode.InvalidToken, "The token's claims are not readable JSON.");
}

// RFC 8707 resources are compared as the SDK does: without a fragment or one trailing slash.
function normalize(url: string): string {
  const noFragment = url.split("#")[0]!;
  return noFragment.endsWith("/") ? noFragment.slice(0, -1) : noFragment;
}

// OAuth for a provider outside the catalog, configured from its own document
// (`vault providers set <id> --from-spec <file>` stores the document's authorizationCode endpoints
// as the app's endpoint overrides). What the catalog would say besides endpoints takes the
// common defaults: PKCE, scopes joined by spaces, no default scopes (the SDK's connect call asks
// for the client's least scopes, provider.js `security.leastScopes`).
import type { CatalogOAuth } from "../../catalog/index.js";

/** The endpoint overrides (provider-config.ts `OAuthEndpointOverrides`), structurally: no import cycle. */
interface Endpoints {
  authorizeUrl?: string | null;
  tokenUrl?: string | null;
  revokeUrl?: string | null;
  deviceAuthorizationUrl?: string | null;
}

export function specOAuth(o: Endpoints): CatalogOAuth | undefined {
  if (!o.authorizeUrl || !o.tokenUrl) return undefined;
  return { authorizeUrl: o.authorizeUrl, tokenUrl: o.tokenUrl, ...(o.revokeUrl ? { revokeUrl: o.revokeUrl } : {}), ...(o.deviceAuthorizationUrl ? { deviceAuthorizationUrl: o.deviceAuthorizationUrl } : {}), pkce: true, scopeSeparator: " ", defaultScopes: [] };
}

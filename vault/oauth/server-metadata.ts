// An OAuth provider's authorization server metadata (RFC 8414), read once at `vault oauth set
// --issuer`: whether it sends RFC 9207's `iss` in authorization responses. RFC 8414 puts the
// document at /.well-known/oauth-authorization-server (inserted before the issuer's path);
// OpenID providers publish the same field at /.well-known/openid-configuration.
import { VaultUsageError } from "../errors.js";
import { fetchBounded, OutboundError, parseJson } from "../outbound/bounded.js";
import { assertIssuer } from "./provider-config.js";
import { maskSecrets, quoted } from "../quote.js";

export interface ServerMetadata {
  /** Where the document was found, or null when the server publishes none. */
  url: string | null;
  /** authorization_response_iss_parameter_supported; null when there is no document. */
  issParameterSupported: boolean | null;
}

function candidates(issuer: string): string[] {
  const u = assertIssuer(issuer);
  const path = u.pathname === "/" ? "" : u.pathname.replace(/\/$/, "");
  return [`${u.origin}/.well-known/oauth-authorization-server${path}`, `${u.origin}${path}/.well-known/openid-configuration`];
}

export async function fetchServerMetadata(provider: string, issuer: string): Promise<ServerMetadata> {
  for (const url of candidates(issuer)) {
    const shownUrl = maskSecrets(url); // built from the issuer an operator typed: repeated only through quote.ts
    let res;
    try {
      res = await fetchBounded(url, { kind: "metadata", owner: provider, headers: { accept: "application/json" } });
    } catch (e) {
      if (!(e instanceof OutboundError)) throw e;
      throw new VaultUsageError(`Reading ${provider}'s authorization server metadata failed: ${e.message}`);
    }
    if (res.status === 404) continue;
    if (res.status !== 200) throw new VaultUsageError(`${shownUrl} answered HTTP ${res.status}; check --issuer.`);
    const meta = parseJson(res.body) as Record<string, unknown> | undefined;
    if (meta === null || typeof meta !== "object" || Array.isArray(meta)) throw new VaultUsageError(`${shownUrl} is not a JSON object.`);
    // RFC 8414 §3.3: the document must name exactly the issuer it was fetched for.
    if (meta.issuer !== issuer) {
      throw new VaultUsageError(`${shownUrl} names issuer ${JSON.stringify(meta.issuer)}, not ${quoted(issuer)}; pass the exact issuer to --issuer.`);
    }
    return { url, issParameterSupported: meta.authorization_response_iss_parameter_supported === true };
  }
  return { url: null, issParameterSupported: null };
}

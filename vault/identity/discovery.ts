// OpenID Connect discovery (OpenID Connect Discovery 1.0 §4): what the vault needs from the
// issuer's metadata, checked once at `vault idp set` and stored with the IDP configuration.
import { VaultUsageError } from "../errors.js";
import { fetchBounded, OutboundError, parseJson } from "../outbound/bounded.js";
import { assertSafeOAuthUrl } from "../oauth/urls.js";
import { maskSecrets, quoted } from "../quote.js";

export interface IdpDiscovery {
  issuer: string;
  jwksUri: string;
  authorizationEndpoint: string | null;
  tokenEndpoint: string | null;
  /** RFC 8628 device_authorization_endpoint: headless sign-in; absent in configs stored before it was read. */
  deviceAuthorizationEndpoint?: string | null;
  userinfoEndpoint: string | null;
  /** Signing algorithms the IDP announces for ID tokens (never "none" or HMAC). */
  algorithms: string[];
  scopesSupported: string[];
  /** token_endpoint_auth_methods_supported (empty when not announced). */
  tokenAuthMethods?: string[];
  /** authorization_response_iss_parameter_supported (RFC 9207): logins without `iss` are refused. */
  issParameterSupported?: boolean;
}

const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$|^ES256K$/;

export async function discoverIssuer(issuer: string): Promise<IdpDiscovery> {
  const base = assertSafeOAuthUrl(issuer, "--issuer");
  const url = `${base.href.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const shownUrl = maskSecrets(url); // the issuer was typed by an operator: quoted only through quote.ts
  let res;
  try {
    res = await fetchBounded(url, { kind: "discovery", owner: `the IDP ${maskSecrets(issuer)}`, headers: { accept: "application/json" } });
  } catch (e) {
    if (!(e instanceof OutboundError)) throw e;
    throw new VaultUsageError(`OIDC discovery at ${shownUrl} failed: ${maskSecrets(e.message)} Check --issuer and that the IDP is reachable.`);
  }
  if (res.status !== 200) throw new VaultUsageError(`OIDC discovery at ${shownUrl} answered HTTP ${res.status}; check --issuer.`);
  const parsed = parseJson(res.body);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new VaultUsageError(`OIDC discovery at ${shownUrl} answered something other than a JSON object.`);
  const meta = parsed as Record<string, unknown>;
  // Discovery §4.3: the issuer in the document must be exactly the one we asked for.
  if (meta.issuer !== issuer) {
    throw new VaultUsageError(
      `OIDC discovery at ${shownUrl} names issuer ${JSON.stringify(meta.issuer)}, not ${quoted(issuer)}; pass the exact issuer string to --issuer.`,
    );
  }
  if (typeof meta.jwks_uri !== "string") throw new VaultUsageError(`OIDC discovery at ${shownUrl} has no jwks_uri.`);
  const announced = Array.isArray(meta.id_token_signing_alg_values_supported)
    ? (meta.id_token_signing_alg_values_supported as unknown[]).filter((a): a is string => typeof a === "string")
    : ["RS256"];
  const algorithms = announced.filter((a) => ASYMMETRIC.test(a));
  if (algorithms.length === 0) {
    throw new VaultUsageError(`OIDC discovery at ${shownUrl} announces no asymmetric ID token algorithm (${announced.join(", ")}).`);
  }
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    issuer,
    jwksUri: assertSafeOAuthUrl(meta.jwks_uri, "jwks_uri").href,
    authorizationEndpoint: str(meta.authorization_endpoint),
    tokenEndpoint: str(meta.token_endpoint),
    deviceAuthorizationEndpoint: str(meta.device_authorization_endpoint),
    userinfoEndpoint: str(meta.userinfo_endpoint),
    algorithms,
    tokenAuthMethods: Array.isArray(meta.token_endpoint_auth_methods_supported)
      ? (meta.token_endpoint_auth_methods_supported as unknown[]).filter((x): x is string => typeof x === "string")
      : [],
    issParameterSupported: meta.authorization_response_iss_parameter_supported === true,
    scopesSupported: Array.isArray(meta.scopes_supported) ? (meta.scopes_supported as unknown[]).filter((x): x is string => typeof x === "string") : [],
  };
}

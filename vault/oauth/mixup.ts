// OAuth mix-up defence (RFC 9700 §4.4): an authorization response is only ever redeemed at the
// token endpoint of the provider whose attempt its `state` names, and only when it came back
// the way that attempt said it would — on that provider's own callback URL, and (RFC 9207) from
// that provider's issuer. A hostile authorization server that bounces the user to an honest one
// therefore gets nothing: the honest answer arrives on the honest provider's callback with the
// hostile attempt's state, and is refused before any token request.
import type { Store } from "../storage/store/index.js";
import type { CallbackMode, OAuthProviderConfig } from "./provider-config.js";

/** The shared callback of vaults set up before per-provider callbacks (kept for their registrations). */
export const SHARED_CONNECT_CALLBACK_PATH = "/connect/callback";

/** The path of the redirect URI a provider's OAuth client must register. */
export function connectCallbackPath(provider: string, mode: CallbackMode): string {
  return mode === "shared" ? SHARED_CONNECT_CALLBACK_PATH : `${SHARED_CONNECT_CALLBACK_PATH}/${provider}`;
}

/** The full redirect URI for a vault reached at `base` (no trailing slash). */
export function connectRedirectUri(base: string, provider: string, mode: CallbackMode): string {
  return base.replace(/\/$/, "") + connectCallbackPath(provider, mode);
}

/** Issuers configured for the app's other providers: an `iss` naming one of them is a mix-up. */
async function otherIssuers(store: Store, appId: string, provider: string): Promise<Map<string, string>> {
  const rows = await store.oauthEndpoints.otherIssuers(appId, provider);
  return new Map(rows.map((r) => [r.issuer, r.provider]));
}

const shown = (s: string) => JSON.stringify(s.length > 200 ? s.slice(0, 200) + "…" : s);

/**
 * Why an authorization response must be refused, or null when it may be redeemed. `arrivedOn`
 * is the path of the callback the browser came back to; `redirectUri` the one the attempt sent.
 */
export async function mixupProblem(
  store: Store,
  appId: string,
  config: OAuthProviderConfig,
  redirectUri: string,
  arrivedOn: string,
  query: URLSearchParams,
): Promise<string | null> {
  const provider = config.provider;
  if (new URL(redirectUri).pathname !== arrivedOn) {
    return `The answer for ${provider} came back on ${arrivedOn}, which is not ${provider}'s callback; the vault refused it and sent nothing to any token endpoint (OAuth mix-up defence).`;
  }
  const all = query.getAll("iss");
  if (all.length > 1) return `The answer for ${provider} carries ${all.length} iss parameters; the vault refused it.`;
  const iss = all[0] ?? null;
  if (iss === null) {
    if (!config.issRequired) return null;
    return `The answer for ${provider} has no iss parameter, though ${provider}'s authorization server declares authorization_response_iss_parameter_supported (RFC 9207); the vault refused it.`;
  }
  if (config.issuer !== null) {
    if (iss === config.issuer) return null;
    return `The answer for ${provider} was issued by ${shown(iss)}, not by ${provider}'s authorization server ${shown(config.issuer)} (RFC 9207); the vault refused it and sent nothing to any token endpoint.`;
  }
  const other = (await otherIssuers(store, appId, provider)).get(iss);
  if (other !== undefined) {
    return `The answer for ${provider} was issued by ${other}'s authorization server ${shown(iss)} (RFC 9207); the vault refused it and sent nothing to any token endpoint.`;
  }
  return null;
}

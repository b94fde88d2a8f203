// The OAuth settings of one provider for one app: the catalog's `oauth` entry, the app's client
// id/secret (`vault providers set`), and per-app endpoint overrides (`vault oauth set`), which let
// tests or self-hosted installs point a catalog provider at another authorization server.
import type { VaultContext } from "../context.js";
import { VaultError, VaultUsageError } from "../errors.js";
import type { Store } from "../storage/store/index.js";
import type { SqlRunner } from "../storage/sql/driver.js";
import type { OAuthEndpointsRow } from "../storage/store/oauth-endpoints.js";
import { assertSafeOAuthUrl } from "./urls.js";
import { specOAuth } from "./spec-provider.js";

export type TokenAuthMethod = "client_secret_post" | "client_secret_basic";

/** Which connect callback the provider's OAuth client registration names (docs/protocol.md). */
export type CallbackMode = "per-provider" | "shared";

export interface OAuthEndpointOverrides {
  authorizeUrl?: string | null;
  tokenUrl?: string | null;
  revokeUrl?: string | null;
  userinfoUrl?: string | null;
  /** RFC 8628 device authorization endpoint (headless connect). */
  deviceAuthorizationUrl?: string | null;
  authMethod?: TokenAuthMethod | null;
  /** The authorization server's issuer identifier (RFC 8414), checked against RFC 9207 `iss`. */
  issuer?: string | null;
  /** Whether the server declared `authorization_response_iss_parameter_supported`; null: unknown. */
  issParameterSupported?: boolean | null;
  /** null: per-provider (the default); "shared" for registrations made before per-provider callbacks. */
  callback?: CallbackMode | null;
}

export interface OAuthProviderConfig {
  provider: string;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string | null;
  userinfoUrl: string | null;
  /** Null: the provider has no device grant here; headless connect prints the connect URL. */
  deviceAuthorizationUrl: string | null;
  pkce: boolean;
  scopeSeparator: string;
  defaultScopes: string[];
  authorizeParams: Record<string, string>;
  clientId: string;
  authMethod: TokenAuthMethod;
  /** Token types accepted besides Bearer (catalog `oauth.tokenTypes`). */
  tokenTypes: string[];
  /** Expected RFC 9207 `iss` of authorization responses, when known. */
  issuer: string | null;
  /** A response without `iss` is refused (the server declared it sends one). */
  issRequired: boolean;
  callback: CallbackMode;
}

/** What OAuth use cases run in (connect, refresh, revocation): the domain context. */
export type OAuthContext = VaultContext;

function toOverrides(r: OAuthEndpointsRow): OAuthEndpointOverrides {
  return {
    authorizeUrl: r.authorize_url,
    tokenUrl: r.token_url,
    revokeUrl: r.revoke_url,
    userinfoUrl: r.userinfo_url,
    deviceAuthorizationUrl: r.device_authorization_url,
    authMethod: r.auth_method as TokenAuthMethod | null,
    issuer: r.issuer,
    issParameterSupported: r.iss_parameter_supported === null ? null : r.iss_parameter_supported === 1,
    callback: r.callback as CallbackMode | null,
  };
}

function toRow(o: OAuthEndpointOverrides): OAuthEndpointsRow {
  return {
    authorize_url: o.authorizeUrl ?? null,
    token_url: o.tokenUrl ?? null,
    revoke_url: o.revokeUrl ?? null,
    userinfo_url: o.userinfoUrl ?? null,
    device_authorization_url: o.deviceAuthorizationUrl ?? null,
    auth_method: o.authMethod ?? null,
    issuer: o.issuer ?? null,
    iss_parameter_supported: o.issParameterSupported === undefined || o.issParameterSupported === null ? null : o.issParameterSupported ? 1 : 0,
    callback: o.callback ?? null,
  };
}

export async function loadOAuthOverrides(store: Store, appId: string, provider: string, tx?: SqlRunner): Promise<OAuthEndpointOverrides | undefined> {
  const r = await store.oauthEndpoints.get(appId, provider, tx);
  return r && toOverrides(r);
}

/** The stored overrides with `patch` applied: undefined keeps a value, null clears it; URLs checked. */
function mergeOverrides(cur: OAuthEndpointOverrides, patch: OAuthEndpointOverrides): OAuthEndpointOverrides {
  const next = { ...cur };
  const urlFields = [
    ["authorizeUrl", "--authorize-url"],
    ["tokenUrl", "--token-url"],
    ["revokeUrl", "--revoke-url"],
    ["userinfoUrl", "--userinfo-url"],
    ["deviceAuthorizationUrl", "--device-authorization-url"],
  ] as const;
  for (const [field, flag] of urlFields) {
    const v = patch[field];
    if (v === undefined) continue;
    next[field] = v === null ? null : assertSafeOAuthUrl(v, flag).href;
  }
  if (patch.authMethod !== undefined) next.authMethod = patch.authMethod;
  if (patch.issuer !== undefined) {
    // Stored as given: RFC 9207 compares `iss` to it as a plain string.
    if (patch.issuer !== null) assertIssuer(patch.issuer);
    next.issuer = patch.issuer;
  }
  if (patch.issParameterSupported !== undefined) next.issParameterSupported = patch.issParameterSupported;
  if (patch.callback !== undefined) next.callback = patch.callback;
  return next;
}

/**
 * Upserts overrides; fields left undefined keep their stored value, null clears one. `tx`: the
 * caller's transaction (the change and its audit row commit together), read and written in.
 */
export async function saveOAuthOverrides(store: Store, appId: string, provider: string, patch: OAuthEndpointOverrides, now: number, tx?: SqlRunner): Promise<OAuthEndpointOverrides> {
  const next = mergeOverrides((await loadOAuthOverrides(store, appId, provider, tx)) ?? {}, patch);
  await store.oauthEndpoints.put(appId, provider, toRow(next), now, tx);
  return (await loadOAuthOverrides(store, appId, provider, tx))!;
}

/** RFC 8414 §2: an https URL (loopback http for tests) with no query or fragment. */
export function assertIssuer(issuer: string): URL {
  const url = assertSafeOAuthUrl(issuer, "--issuer");
  if (url.search || url.hash || issuer.includes("#")) throw new VaultUsageError(`--issuer must have no query or fragment: ${issuer}.`);
  return url;
}

/** Everything needed to run OAuth for `provider`, or a `connect_config` error naming what is missing. */
export async function resolveOAuthProvider(ctx: OAuthContext, appId: string, provider: string): Promise<OAuthProviderConfig> {
  const entry = ctx.vault.catalogProvider(provider);
  const o = (await loadOAuthOverrides(ctx.store, appId, provider)) ?? {};
  // Outside the catalog, the endpoints `vault providers set --from-spec` took from the document.
  const oauth = entry ? entry.oauth : specOAuth(o);
  if (!entry && !oauth) {
    throw new VaultError("connect_config", `Unknown provider "${provider}": it is not in the catalog (specs/providers.yaml) and has no OAuth endpoints (\`vault providers set ${provider} --from-spec <document>\`).`);
  }
  if (!oauth) {
    throw new VaultError("connect_config", `Provider "${provider}" has no OAuth flow in the catalog; use a managed secret (\`vault secrets add\`).`);
  }
  const settings = await ctx.store.providers.get(appId, provider);
  if (!settings?.clientId) {
    throw new VaultError(
      "connect_config",
      `Provider "${provider}" has no OAuth client configured; run \`alter-gen vault providers set ${provider} --client-id … --client-secret …\`.`,
    );
  }
  return {
    provider,
    authorizeUrl: o.authorizeUrl ?? oauth.authorizeUrl,
    tokenUrl: o.tokenUrl ?? oauth.tokenUrl,
    revokeUrl: o.revokeUrl ?? oauth.revokeUrl ?? null,
    userinfoUrl: o.userinfoUrl ?? null,
    deviceAuthorizationUrl: o.deviceAuthorizationUrl ?? catalogDeviceUrl(oauth, o),
    pkce: oauth.pkce,
    scopeSeparator: oauth.scopeSeparator,
    defaultScopes: oauth.defaultScopes,
    authorizeParams: oauth.authorizeParams ?? {},
    clientId: settings.clientId,
    authMethod: o.authMethod ?? "client_secret_post",
    tokenTypes: oauth.tokenTypes ?? [],
    issuer: o.issuer ?? null,
    issRequired: o.issParameterSupported === true,
    callback: o.callback ?? "per-provider",
  };
}

/**
 * The catalog's device endpoint belongs to the catalog's token endpoint: with the token URL
 * pointed elsewhere (GitHub Enterprise Server, a test server), it would send the device request
 * to the wrong server, so only an override of its own (`--device-authorization-url`) counts.
 */
function catalogDeviceUrl(oauth: { tokenUrl: string; deviceAuthorizationUrl?: string }, o: OAuthEndpointOverrides): string | null {
  if (o.tokenUrl && o.tokenUrl !== oauth.tokenUrl) return null;
  return oauth.deviceAuthorizationUrl ?? null;
}

/** The client secret in clear, only for a token or revocation request. */
export function clientSecretFor(ctx: Pick<OAuthContext, "store">, appId: string, provider: string): Promise<string | null> {
  return ctx.store.providers.openClientSecret(appId, provider);
}

// `vault oauth set|show`: per-app OAuth settings of a catalog provider — endpoint overrides, the
// authorization server's issuer (RFC 9207 `iss` checks), and which connect callback its OAuth
// client registration names — plus the redirect URI an operator must register.
import { specOAuth } from "../oauth/spec-provider.js";
import { VaultUsageError } from "../errors.js";
import { servedUrl } from "./served-url.js";
import { auditAdmin, withVault, type AdminOptions, type AdminState } from "./open.js";
import { connectRedirectUri } from "../oauth/mixup.js";
import { loadOAuthOverrides, saveOAuthOverrides, type CallbackMode, type OAuthEndpointOverrides } from "../oauth/provider-config.js";
import { fetchServerMetadata } from "../oauth/server-metadata.js";
import { quoted } from "../quote.js";

export interface OAuthEndpointOptions extends AdminOptions, OAuthEndpointOverrides {
  provider: string;
  /** Refuse authorization responses without `iss` even when the server publishes no metadata. */
  requireIss?: boolean;
}

export interface OAuthSettingsView extends OAuthEndpointOverrides {
  /** The redirect URI the provider's OAuth client must register. */
  redirectUri: string;
  callback: CallbackMode;
  /** The per-provider redirect URI to register before leaving the shared callback. */
  perProviderRedirectUri: string;
  /** False when no server runs on the folder: the URIs then assume http://127.0.0.1:7420. */
  vaultRunning: boolean;
}

/** The vault's address for redirect URIs: the running server's (its --public-url when given), else the default local one. */
async function vaultBase(s: AdminState): Promise<{ base: string; known: boolean }> {
  // A server still starting (or a rotation holding the lock) has no URL yet: the default is assumed.
  const url = await servedUrl(s);
  return url ? { base: url, known: true } : { base: "http://127.0.0.1:7420", known: false };
}

export async function redirectUriFor(s: AdminState, provider: string): Promise<{ uri: string; callback: CallbackMode; baseKnown: boolean }> {
  const callback = (await loadOAuthOverrides(s.store, s.app.id, provider))?.callback ?? "per-provider";
  const { base, known } = await vaultBase(s);
  return { uri: connectRedirectUri(base, provider, callback), callback, baseKnown: known };
}

async function view(s: AdminState, provider: string): Promise<OAuthSettingsView> {
  const o = (await loadOAuthOverrides(s.store, s.app.id, provider)) ?? {};
  const { uri, callback, baseKnown } = await redirectUriFor(s, provider);
  return {
    ...o,
    callback,
    redirectUri: uri,
    perProviderRedirectUri: connectRedirectUri((await vaultBase(s)).base, provider, "per-provider"),
    vaultRunning: baseKnown,
  };
}

const FIELDS = "--authorize-url, --token-url, --revoke-url, --userinfo-url, --device-authorization-url, --auth-method, --issuer, --require-iss, --callback";

export async function setOAuthEndpoints(opts: OAuthEndpointOptions): Promise<OAuthSettingsView> {
  const { provider, dataDir: _d, databaseUrl: _u, now: _n, specsDir: _s, requireIss, ...patch } = opts;
  if (Object.values(patch).every((v) => v === undefined) && requireIss === undefined) {
    throw new VaultUsageError(`oauth set needs at least one of ${FIELDS}.`);
  }
  if (patch.authMethod !== undefined && patch.authMethod !== null && patch.authMethod !== "client_secret_post" && patch.authMethod !== "client_secret_basic") {
    throw new VaultUsageError(`--auth-method must be client_secret_post or client_secret_basic, not ${quoted(String(patch.authMethod))}.`);
  }
  if (patch.callback !== undefined && patch.callback !== null && patch.callback !== "per-provider" && patch.callback !== "shared") {
    throw new VaultUsageError(`--callback must be per-provider or shared, not ${quoted(String(patch.callback))}.`);
  }
  // What the server says about `iss`, read before the data folder is opened (a network call).
  if (typeof patch.issuer === "string") {
    const meta = await fetchServerMetadata(provider, patch.issuer);
    patch.issParameterSupported = requireIss ?? meta.issParameterSupported;
  } else if (patch.issuer === null) {
    // Without an issuer there is nothing to compare `iss` with.
    if (requireIss) throw new VaultUsageError("--require-iss needs the provider's issuer; pass --issuer too.");
    patch.issParameterSupported = null;
  } else if (requireIss !== undefined) {
    patch.issParameterSupported = requireIss;
  }
  return withVault(opts, async (s) => {
    const entry = s.catalogProvider(provider);
    if (!entry) throw new VaultUsageError(`Unknown provider ${quoted(provider)}: it is not in the catalog (specs/providers.yaml).`);
    if (!entry.oauth) throw new VaultUsageError(`Provider "${provider}" has no OAuth flow in the catalog.`);
    if (patch.issParameterSupported === true && !(patch.issuer ?? (await loadOAuthOverrides(s.store, s.app.id, provider))?.issuer)) {
      throw new VaultUsageError("--require-iss needs the provider's issuer; pass --issuer too.");
    }
    await s.store.sql.transaction(async (tx) => {
      await saveOAuthOverrides(s.store, s.app.id, provider, patch, s.now(), tx);
      // The audit row joins this transaction: the change and its row commit together, or neither.
      auditAdmin(s, "oauth set", { provider, details: { fields: Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined) } });
    });
    return view(s, provider);
  });
}

export async function getOAuthEndpoints(opts: AdminOptions & { provider: string }): Promise<OAuthSettingsView> {
  return withVault(opts, async (s) => {
    // Outside the catalog: endpoints from the provider's document (`providers set --from-spec`).
    const fromSpec = !s.catalogProvider(opts.provider) && specOAuth((await loadOAuthOverrides(s.store, s.app.id, opts.provider)) ?? {});
    if (!s.catalogProvider(opts.provider)?.oauth && !fromSpec) throw new VaultUsageError(`Provider ${quoted(opts.provider)} has no OAuth flow in the catalog.`);
    return view(s, opts.provider);
  });
}

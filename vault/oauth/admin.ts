// `vault oauth set|show`: per-app OAuth endpoint overrides for a catalog provider.
import { VaultUsageError } from "../errors.js";
import { auditAdmin, withVault, type AdminOptions } from "../admin/open.js";
import { getOAuthOverrides, setOAuthOverrides, type OAuthEndpointOverrides } from "./provider-config.js";
import { quoted } from "../quote.js";

export interface OAuthEndpointOptions extends AdminOptions, OAuthEndpointOverrides {
  provider: string;
}

export async function setOAuthEndpoints(opts: OAuthEndpointOptions): Promise<OAuthEndpointOverrides> {
  const { provider, dataDir: _d, now: _n, specsDir: _s, ...patch } = opts;
  if (Object.values(patch).every((v) => v === undefined)) {
    throw new VaultUsageError("oauth set needs at least one of --authorize-url, --token-url, --revoke-url, --userinfo-url, --auth-method.");
  }
  if (patch.authMethod !== undefined && patch.authMethod !== null && patch.authMethod !== "client_secret_post" && patch.authMethod !== "client_secret_basic") {
    throw new VaultUsageError(`--auth-method must be client_secret_post or client_secret_basic, not ${quoted(String(patch.authMethod))}.`);
  }
  return withVault(opts, (s) => {
    const entry = s.catalogProvider(provider);
    if (!entry) throw new VaultUsageError(`Unknown provider ${quoted(provider)}: it is not in the catalog (specs/providers.yaml).`);
    if (!entry.oauth) throw new VaultUsageError(`Provider "${provider}" has no OAuth flow in the catalog.`);
    const saved = setOAuthOverrides(s.db, s.app.id, provider, patch, s.now());
    auditAdmin(s, "oauth set", { provider, details: { fields: Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined) } });
    return saved;
  });
}

export async function getOAuthEndpoints(opts: AdminOptions & { provider: string }): Promise<OAuthEndpointOverrides | undefined> {
  return withVault(opts, (s) => getOAuthOverrides(s.db, s.app.id, opts.provider));
}

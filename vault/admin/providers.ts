// `vault providers set`: OAuth client, base URL and host overrides for one provider.
import { VaultUsageError } from "../errors.js";
import { isProviderSlug } from "../grants/provider-config.js";
import type { Injection } from "../grant-types.js";
import type { ProviderSettings, ProviderSettingsPatch } from "../storage/providers.js";
import { auditAdmin, withVault, type AdminOptions } from "./open.js";
import { flagValue, quoted } from "../quote.js";

export interface ProviderConfigOptions extends AdminOptions {
  provider: string;
  clientId?: string | null;
  /** In clear only on its way in; stored sealed. */
  clientSecret?: string | null;
  baseUrl?: string | null;
  hosts?: string[] | null;
  injection?: Injection | null;
}

export async function setProviderConfig(opts: ProviderConfigOptions): Promise<ProviderSettings> {
  if (!isProviderSlug(opts.provider)) throw new VaultUsageError(`${quoted(opts.provider)} is not a provider id such as github.`);
  if (opts.baseUrl) {
    let u: URL;
    try {
      u = new URL(opts.baseUrl);
    } catch {
      throw new VaultUsageError(`${flagValue("--base-url", opts.baseUrl)} is not an absolute URL.`);
    }
    if (u.protocol !== "https:" && u.protocol !== "http:") throw new VaultUsageError("--base-url must be an http or https URL.");
  }
  if (opts.hosts) {
    opts.hosts.forEach((h) => {
      if (!/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:]+\](:\d{1,5})?$/i.test(h)) throw new VaultUsageError(`${flagValue("--hosts", h)} is not a host or host:port.`);
    });
  }
  return withVault(opts, async (s) => {
    const patch: ProviderSettingsPatch = {};
    if (opts.clientId !== undefined) patch.clientId = opts.clientId;
    if (opts.clientSecret !== undefined) patch.clientSecret = opts.clientSecret;
    if (opts.baseUrl !== undefined) patch.baseUrl = opts.baseUrl === null ? null : opts.baseUrl.replace(/\/$/, "");
    if (opts.hosts !== undefined) patch.hosts = opts.hosts === null ? null : opts.hosts.map((h) => h.toLowerCase());
    if (opts.injection !== undefined) patch.injection = opts.injection;
    return s.store.sql.transaction(async (tx) => {
      const out = await s.store.providers.set(s.app.id, opts.provider, patch, s.now(), tx);
      // The audit row joins this transaction: the change and its row commit together, or neither.
      auditAdmin(s, "providers set", {
        provider: opts.provider,
        details: { fields: Object.keys(patch) },
      });
      return out;
    });
  });
}

export async function listProviderConfigs(opts: AdminOptions = {}): Promise<ProviderSettings[]> {
  return withVault(opts, (s) => s.store.providers.list(s.app.id));
}

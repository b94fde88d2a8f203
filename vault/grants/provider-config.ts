// A provider's effective settings for an app: the catalog entry overridden by `vault providers set`.
import { VaultError } from "../errors.js";
import type { VaultState } from "../context.js";
import type { Injection } from "../grant-types.js";
import type { RecordView } from "../storage/store/record-cache.js";

export interface EffectiveProvider {
  id: string;
  baseUrl: string | null;
  /** `URL.host` values the credential may be sent to. */
  hosts: string[];
  injection: Injection;
  /** True when the configured base URL is itself loopback (a stand-in): only then may the
   *  proxy reach loopback or private addresses. */
  loopbackAllowed: boolean;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function isProviderSlug(id: unknown): id is string {
  return typeof id === "string" && SLUG.test(id);
}

/** `records`: a request's cached reads (VaultContext.records); the store when absent. */
export async function effectiveProvider(
  state: Pick<VaultState, "store" | "catalogProvider">,
  appId: string,
  provider: string,
  records?: RecordView,
): Promise<EffectiveProvider> {
  const cat = state.catalogProvider(provider);
  const settings = await (records ?? state.store.records.direct()).provider(appId, provider);
  if (!cat && !settings) {
    throw new VaultError("invalid_request", `Unknown provider "${provider}": it is not in the catalog and has no settings (alter-gen vault providers set ${provider} …).`);
  }
  const baseUrl = settings?.baseUrl ?? cat?.baseUrl ?? null;
  let hosts = settings?.hosts ?? cat?.hosts ?? [];
  // A base URL override (a stand-in) without explicit hosts: its own host is the only target.
  if (settings?.baseUrl && !settings.hosts) hosts = [new URL(settings.baseUrl).host];
  const injection = (settings?.injection ?? cat?.injection ?? { type: "bearer" }) as Injection;
  return { id: provider, baseUrl, hosts, injection, loopbackAllowed: baseUrl !== null && isLoopbackUrl(baseUrl) };
}

export function isLoopbackUrl(u: string): boolean {
  try {
    const h = new URL(u).hostname.replace(/^\[|\]$/g, "");
    return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
  } catch {
    return false;
  }
}

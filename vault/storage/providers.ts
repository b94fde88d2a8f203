// Per-app provider settings: OAuth client, base URL and host overrides over the catalog.
import { stmt, type Db } from "./db.js";
import type { AtRest } from "../crypto/at-rest.js";
import type { Injection } from "../grant-types.js";

export interface ProviderSettings {
  appId: string;
  provider: string;
  clientId: string | null;
  hasClientSecret: boolean;
  baseUrl: string | null;
  hosts: string[] | null;
  injection: Injection | null;
  updatedAt: string;
}

interface Row {
  app_id: string;
  provider: string;
  client_id: string | null;
  client_secret_sealed: string | null;
  base_url: string | null;
  hosts: string | null;
  injection: string | null;
  updated_at: string;
}

const PURPOSE = "provider-client-secret";

const toSettings = (r: Row): ProviderSettings => ({
  appId: r.app_id,
  provider: r.provider,
  clientId: r.client_id,
  hasClientSecret: r.client_secret_sealed !== null,
  baseUrl: r.base_url,
  hosts: r.hosts === null ? null : (JSON.parse(r.hosts) as string[]),
  injection: r.injection === null ? null : (JSON.parse(r.injection) as Injection),
  updatedAt: r.updated_at,
});

export function getProviderSettings(db: Db, appId: string, provider: string): ProviderSettings | undefined {
  const row = stmt(db, "SELECT * FROM providers WHERE app_id = ? AND provider = ?").get(appId, provider) as Row | undefined;
  return row && toSettings(row);
}

export function listProviderSettings(db: Db, appId: string): ProviderSettings[] {
  return (stmt(db, "SELECT * FROM providers WHERE app_id = ? ORDER BY provider").all(appId) as Row[]).map(toSettings);
}

export interface ProviderSettingsPatch {
  clientId?: string | null;
  /** In clear only on its way in; sealed before it is stored. */
  clientSecret?: string | null;
  baseUrl?: string | null;
  hosts?: string[] | null;
  injection?: Injection | null;
}

/** Upserts; fields left undefined keep their stored value. */
export function setProviderSettings(db: Db, crypto: AtRest, appId: string, provider: string, p: ProviderSettingsPatch, now: number): ProviderSettings {
  db.transaction(() => {
    const cur = stmt(db, "SELECT * FROM providers WHERE app_id = ? AND provider = ?").get(appId, provider) as Row | undefined;
    const next: Row = cur ?? {
      app_id: appId,
      provider,
      client_id: null,
      client_secret_sealed: null,
      base_url: null,
      hosts: null,
      injection: null,
      updated_at: "",
    };
    if (p.clientId !== undefined) next.client_id = p.clientId;
    if (p.clientSecret !== undefined) next.client_secret_sealed = p.clientSecret === null ? null : crypto.seal(PURPOSE, provider, p.clientSecret);
    if (p.baseUrl !== undefined) next.base_url = p.baseUrl;
    if (p.hosts !== undefined) next.hosts = p.hosts === null ? null : JSON.stringify(p.hosts);
    if (p.injection !== undefined) next.injection = p.injection === null ? null : JSON.stringify(p.injection);
    next.updated_at = new Date(now).toISOString();
    stmt(db, 
      `INSERT INTO providers (app_id, provider, client_id, client_secret_sealed, base_url, hosts, injection, updated_at)
       VALUES (@app_id, @provider, @client_id, @client_secret_sealed, @base_url, @hosts, @injection, @updated_at)
       ON CONFLICT (app_id, provider) DO UPDATE SET client_id = excluded.client_id,
         client_secret_sealed = excluded.client_secret_sealed, base_url = excluded.base_url,
         hosts = excluded.hosts, injection = excluded.injection, updated_at = excluded.updated_at`,
    ).run(next);
  })();
  return getProviderSettings(db, appId, provider)!;
}

/** Shared with the asynchronous repository (store/providers.ts). */
export { toSettings as providerSettingsFromRow, type Row as ProviderRow, PURPOSE as PROVIDER_SECRET_PURPOSE };

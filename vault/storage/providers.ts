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

export interface ProviderSettingsPatch {
  clientId?: string | null;
  /** In clear only on its way in; sealed before it is stored. */
  clientSecret?: string | null;
  baseUrl?: string | null;
  hosts?: string[] | null;
  injection?: Injection | null;
}

/** Shared with the asynchronous repository (store/providers.ts). */
export { toSettings as providerSettingsFromRow, type Row as ProviderRow, PURPOSE as PROVIDER_SECRET_PURPOSE };

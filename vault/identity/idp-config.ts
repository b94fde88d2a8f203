// The app's one identity provider: issuer, expected audience, the OIDC client the vault uses for
// authenticate sessions (secret sealed at rest), the groups claim, and the discovered metadata.
import type { Store } from "../storage/store/index.js";
import type { SqlRunner } from "../storage/sql/driver.js";
import { IDP_SECRET_PURPOSE, type IdpConfigRow as Row } from "../storage/store/idp-configs.js";
import type { IdpDiscovery } from "./discovery.js";

export { IDP_SECRET_PURPOSE };

export interface IdpConfig {
  appId: string;
  issuer: string;
  /** The first configured audience (the client id when none was set explicitly). */
  audience: string;
  /**
   * Every `aud` value an end-user token may carry, any one of them suffices: the configured
   * audiences and the client id (the audience of the vault's own authenticate logins). More than
   * one when an MCP server's tokens are bound to its URL (RFC 8707).
   */
  audiences: string[];
  clientId: string | null;
  hasClientSecret: boolean;
  groupsClaim: string;
  discovery: IdpDiscovery;
  createdAt: string;
  updatedAt: string;
}

const toConfig = (r: Row): IdpConfig => ({
  appId: r.app_id,
  issuer: r.issuer,
  audience: r.audience ?? r.client_id ?? "",
  audiences: acceptedAudiences(r),
  clientId: r.client_id,
  hasClientSecret: r.client_secret_sealed !== null,
  groupsClaim: r.groups_claim,
  discovery: JSON.parse(r.discovery) as IdpDiscovery,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function acceptedAudiences(r: Row): string[] {
  const extra = JSON.parse(r.extra_audiences) as string[];
  const all = [r.audience, r.client_id, ...extra].filter((a): a is string => typeof a === "string" && a !== "");
  return [...new Set(all)];
}

/** The app's IDP, from the store (every instance sees the same one). */
export async function loadIdpConfig(store: Store, appId: string): Promise<IdpConfig | undefined> {
  const row = await store.idpConfigs.get(appId);
  return row && toConfig(row);
}

export interface NewIdpConfig {
  issuer: string;
  audience: string | null;
  /** Further accepted audiences beyond `audience` and the client id. */
  extraAudiences: string[];
  clientId: string | null;
  clientSecret: string | null;
  groupsClaim: string;
  discovery: IdpDiscovery;
}

/** Inserts or updates the app's IDP row (callers enforce "one issuer per app"). */
/** `tx`: the caller's transaction (the change and its audit row commit together). */
export async function saveIdpConfig(store: Store, appId: string, c: NewIdpConfig, now: number, tx?: SqlRunner): Promise<IdpConfig> {
  return toConfig(await store.idpConfigs.save(appId, c, now, tx));
}

/** The OIDC client secret in clear, for the token endpoint call of an authenticate session only. */
export function openIdpClientSecret(store: Store, appId: string): Promise<string | null> {
  return store.idpConfigs.openClientSecret(appId);
}

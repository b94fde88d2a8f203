// The app's one identity provider: issuer, expected audience, the OIDC client the vault uses for
// authenticate sessions (secret sealed at rest), the groups claim, and the discovered metadata.
import type { Db } from "../storage/db.js";
import type { AtRest } from "../crypto/at-rest.js";
import type { IdpDiscovery } from "./discovery.js";

export const IDP_SECRET_PURPOSE = "idp-client-secret";

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

interface Row {
  app_id: string;
  issuer: string;
  audience: string | null;
  client_id: string | null;
  client_secret_sealed: string | null;
  groups_claim: string;
  discovery: string;
  extra_audiences: string;
  created_at: string;
  updated_at: string;
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

export function getIdpConfig(db: Db, appId: string): IdpConfig | undefined {
  const row = db.prepare("SELECT * FROM idp_configs WHERE app_id = ?").get(appId) as Row | undefined;
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
export function saveIdpConfig(db: Db, crypto: AtRest, appId: string, c: NewIdpConfig, now: number): IdpConfig {
  const at = new Date(now).toISOString();
  const sealed = c.clientSecret === null ? null : crypto.seal(IDP_SECRET_PURPOSE, appId, c.clientSecret);
  db.prepare(
    `INSERT INTO idp_configs (app_id, issuer, audience, extra_audiences, client_id, client_secret_sealed, groups_claim, discovery, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (app_id) DO UPDATE SET issuer = excluded.issuer, audience = excluded.audience, extra_audiences = excluded.extra_audiences,
       client_id = excluded.client_id, client_secret_sealed = excluded.client_secret_sealed,
       groups_claim = excluded.groups_claim, discovery = excluded.discovery, updated_at = excluded.updated_at`,
  ).run(appId, c.issuer, c.audience, JSON.stringify(c.extraAudiences), c.clientId, sealed, c.groupsClaim, JSON.stringify(c.discovery), at, at);
  return getIdpConfig(db, appId)!;
}

export function deleteIdpConfig(db: Db, appId: string): boolean {
  return db.prepare("DELETE FROM idp_configs WHERE app_id = ?").run(appId).changes === 1;
}

/** The OIDC client secret in clear, for the token endpoint call of an authenticate session only. */
export function openIdpClientSecret(db: Db, crypto: AtRest, appId: string): string | null {
  const row = db.prepare("SELECT client_secret_sealed FROM idp_configs WHERE app_id = ?").get(appId) as
    | { client_secret_sealed: string | null }
    | undefined;
  if (!row?.client_secret_sealed) return null;
  return crypto.open(IDP_SECRET_PURPOSE, appId, row.client_secret_sealed).toString("utf8");
}

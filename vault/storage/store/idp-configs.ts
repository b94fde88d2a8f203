// The app's identity provider (`idp_configs`, one row per app), shared by every instance. The
// domain (vault/identity/idp-config.ts) maps the row to an IdpConfig and parses the discovery
// document; this stores it and seals the OIDC client secret (the same purpose and associated
// data as always, so rows read the same whichever engine or code path wrote them).
import type { AtRest } from "../../crypto/at-rest.js";
import type { SqlDriver, SqlRunner } from "../sql/driver.js";

export const IDP_SECRET_PURPOSE = "idp-client-secret";

export interface IdpConfigRow {
  app_id: string;
  issuer: string;
  audience: string | null;
  client_id: string | null;
  client_secret_sealed: string | null;
  groups_claim: string;
  /** JSON of the discovered metadata. */
  discovery: string;
  /** JSON array of further accepted audiences. */
  extra_audiences: string;
  created_at: string;
  updated_at: string;
}

export interface IdpConfigInput {
  issuer: string;
  audience: string | null;
  extraAudiences: string[];
  clientId: string | null;
  /** In clear on its way in; sealed before it is written. */
  clientSecret: string | null;
  groupsClaim: string;
  /** The discovery document, stored as JSON. */
  discovery: unknown;
}

export class IdpConfigsRepo {
  constructor(
    private readonly sql: SqlDriver,
    private readonly crypto: AtRest,
  ) {}

  async get(appId: string, r: SqlRunner = this.sql): Promise<IdpConfigRow | undefined> {
    return r.get<IdpConfigRow>("SELECT * FROM idp_configs WHERE app_id = ?", [appId]);
  }

  /**
   * Inserts or updates the app's row (callers enforce "one issuer per app"); created_at stays.
   * `tx`: a transaction to write in (the change and its audit row commit together).
   */
  async save(appId: string, c: IdpConfigInput, now: number, tx: SqlRunner = this.sql): Promise<IdpConfigRow> {
    const at = new Date(now).toISOString();
    const sealed = c.clientSecret === null ? null : this.crypto.seal(IDP_SECRET_PURPOSE, appId, c.clientSecret);
    await tx.run(
      `INSERT INTO idp_configs (app_id, issuer, audience, extra_audiences, client_id, client_secret_sealed, groups_claim, discovery, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (app_id) DO UPDATE SET issuer = excluded.issuer, audience = excluded.audience, extra_audiences = excluded.extra_audiences,
         client_id = excluded.client_id, client_secret_sealed = excluded.client_secret_sealed,
         groups_claim = excluded.groups_claim, discovery = excluded.discovery, updated_at = excluded.updated_at`,
      [appId, c.issuer, c.audience, JSON.stringify(c.extraAudiences), c.clientId, sealed, c.groupsClaim, JSON.stringify(c.discovery), at, at],
    );
    return (await this.get(appId, tx))!;
  }

  async delete(appId: string, tx: SqlRunner = this.sql): Promise<boolean> {
    return (await tx.run("DELETE FROM idp_configs WHERE app_id = ?", [appId])).changes === 1;
  }

  /** The OIDC client secret in clear, for the token endpoint call of a sign-in only. */
  async openClientSecret(appId: string): Promise<string | null> {
    const row = await this.sql.get<{ client_secret_sealed: string | null }>("SELECT client_secret_sealed FROM idp_configs WHERE app_id = ?", [appId]);
    return row?.client_secret_sealed ? this.crypto.open(IDP_SECRET_PURPOSE, appId, row.client_secret_sealed).toString("utf8") : null;
  }
}

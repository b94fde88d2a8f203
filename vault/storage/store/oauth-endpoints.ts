// Per-app OAuth endpoint overrides of a provider (`oauth_endpoints`, `vault oauth set` and
// `vault providers set --from-spec`). Row-level only: the domain (vault/oauth/provider-config.ts)
// checks the URLs and merges a patch into the stored values before writing the whole row.
import type { SqlDriver, SqlRunner } from "../sql/driver.js";

export interface OAuthEndpointsRow {
  authorize_url: string | null;
  token_url: string | null;
  revoke_url: string | null;
  userinfo_url: string | null;
  device_authorization_url: string | null;
  auth_method: string | null;
  issuer: string | null;
  /** 0/1, null: unknown. */
  iss_parameter_supported: number | null;
  callback: string | null;
}

const COLUMNS = [
  "authorize_url",
  "token_url",
  "revoke_url",
  "userinfo_url",
  "auth_method",
  "issuer",
  "iss_parameter_supported",
  "callback",
  "device_authorization_url",
] as const;

export class OAuthEndpointsRepo {
  constructor(private readonly sql: SqlDriver) {}

  /** `r`: a transaction to read in (a change that merges into the stored row). */
  async get(appId: string, provider: string, r: SqlRunner = this.sql): Promise<OAuthEndpointsRow | undefined> {
    return r.get<OAuthEndpointsRow>(`SELECT ${COLUMNS.join(", ")} FROM oauth_endpoints WHERE app_id = ? AND provider = ?`, [appId, provider]);
  }

  /** Writes the whole row (the caller merged its patch into the stored values); in `tx` when given. */
  async put(appId: string, provider: string, row: OAuthEndpointsRow, now: number, tx: SqlRunner = this.sql): Promise<void> {
    await tx.run(
      `INSERT INTO oauth_endpoints (app_id, provider, ${COLUMNS.join(", ")}, updated_at)
       VALUES (?, ?, ${COLUMNS.map(() => "?").join(", ")}, ?)
       ON CONFLICT (app_id, provider) DO UPDATE SET ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(", ")}, updated_at = excluded.updated_at`,
      [appId, provider, ...COLUMNS.map((c) => row[c]), new Date(now).toISOString()],
    );
  }

  /** The issuers configured for the app's other providers (the mix-up defence's lookup). */
  async otherIssuers(appId: string, provider: string): Promise<{ provider: string; issuer: string }[]> {
    return this.sql.all("SELECT provider, issuer FROM oauth_endpoints WHERE app_id = ? AND provider <> ? AND issuer IS NOT NULL", [appId, provider]);
  }
}

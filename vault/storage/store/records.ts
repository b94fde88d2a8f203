// The small repositories of the asynchronous store: apps, API keys, users, provider settings and
// managed secrets. Row shapes, row mapping and sealing are the synchronous modules' own (../*.ts),
// so a record reads the same whichever engine holds it.
import { randomUUID } from "node:crypto";
import type { AtRest } from "../../crypto/at-rest.js";
import type { Credential, GrantPolicy } from "../../grant-types.js";
import type { SqlDriver, SqlRunner } from "../sql/driver.js";
import { appFromRow, type AppRecord, type AppRow } from "../apps.js";
import {
  apiKeyFromRow,
  KEY_LAST_USE_INTERVAL_MS,
  openSealedDerivedKeys,
  sealDerivedKeys,
  type ApiKeyRecord,
  type ApiKeyRow,
  type DerivedKeys,
  type NewApiKey,
} from "../api-keys.js";
import { userFromRow, type UserRecord, type UserRow } from "../users.js";
import type { KeyScope } from "../../keys/scopes.js";
import {
  PROVIDER_SECRET_PURPOSE,
  providerSettingsFromRow,
  type ProviderRow,
  type ProviderSettings,
  type ProviderSettingsPatch,
} from "../providers.js";
import { MANAGED_SECRET_PURPOSE, secretFromRow, type ManagedSecretRecord, type SecretRow, type SecretType } from "../secrets.js";

const iso = (ms: number) => new Date(ms).toISOString();

export class AppsRepo {
  constructor(private readonly sql: SqlDriver) {}

  /** `r`: a transaction to create it in (vault init); the driver by default. */
  async create(name: string, now: number, id: string = randomUUID(), r: SqlRunner = this.sql): Promise<AppRecord> {
    await r.run("INSERT INTO apps (id, name, created_at) VALUES (?, ?, ?)", [id, name, iso(now)]);
    return { id, name, createdAt: iso(now) };
  }

  async get(id: string): Promise<AppRecord | undefined> {
    const row = await this.sql.get<AppRow>("SELECT * FROM apps WHERE id = ?", [id]);
    return row && appFromRow(row);
  }

  /** The first app (a data folder holds exactly one). */
  async first(): Promise<AppRecord | undefined> {
    const row = await this.sql.get<AppRow>("SELECT * FROM apps ORDER BY created_at, id LIMIT 1");
    return row && appFromRow(row);
  }
}

export class ApiKeysRepo {
  constructor(
    private readonly sql: SqlDriver,
    private readonly crypto: AtRest,
  ) {}

  /** `r`: a transaction to insert it in (vault init); the driver by default. */
  async insert(key: NewApiKey, now: number, r: SqlRunner = this.sql): Promise<ApiKeyRecord> {
    await r.run(
      `INSERT INTO api_keys (id, app_id, label, state, derived_keys_sealed, kind, scopes, ed25519_public_key, created_at)
       VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
      [key.id, key.appId, key.label, sealDerivedKeys(this.crypto, key.id, key.derived), key.kind, JSON.stringify(key.scopes), key.ed25519PublicKey ?? null, iso(now)],
    );
    return apiKeyFromRow((await r.get<ApiKeyRow>("SELECT * FROM api_keys WHERE id = ?", [key.id]))!);
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.sql.get<ApiKeyRow>("SELECT * FROM api_keys WHERE id = ?", [id]);
    return row && apiKeyFromRow(row);
  }

  /** The key's record and derived keys in one read (what a signed request needs first). */
  async getWithKeys(id: string): Promise<{ key: ApiKeyRecord; derived: DerivedKeys } | undefined> {
    const row = await this.sql.get<ApiKeyRow>("SELECT * FROM api_keys WHERE id = ?", [id]);
    return row && { key: apiKeyFromRow(row), derived: openSealedDerivedKeys(this.crypto, id, row.derived_keys_sealed) };
  }

  /** `tx`: a transaction to write in (an admin change and its audit row commit together). */
  async revoke(id: string, now: number, tx: SqlRunner = this.sql): Promise<boolean> {
    const r = await tx.run("UPDATE api_keys SET state = 'revoked', revoked_at = ? WHERE id = ? AND state <> 'revoked'", [iso(now), id]);
    return r.changes === 1;
  }

  /** Told of every use written or found recent (the record cache shows it: record-cache.ts). */
  onTouch?: (id: string, at: string) => void;

  /** Records a use at most once a minute, decided in the UPDATE (concurrent requests write once). */
  async touch(id: string, now: number): Promise<boolean> {
    const r = await this.sql.run("UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)", [
      iso(now),
      id,
      iso(now - KEY_LAST_USE_INTERVAL_MS),
    ]);
    // No change: another writer (instance) stored a use within the minute; either way a use is
    // recent, and a cached record that says so saves the next requests this statement.
    this.onTouch?.(id, iso(now));
    return r.changes === 1;
  }

  async list(appId: string): Promise<ApiKeyRecord[]> {
    return (await this.sql.all<ApiKeyRow>("SELECT * FROM api_keys WHERE app_id = ? ORDER BY created_at, id", [appId])).map(apiKeyFromRow);
  }

  /** active → deprecated with a sunset date; false when the key is not active. */
  async deprecate(id: string, sunsetAt: string, now: number, tx: SqlRunner = this.sql): Promise<boolean> {
    const r = await tx.run("UPDATE api_keys SET state = 'deprecated', deprecated_at = ?, sunset_at = ? WHERE id = ? AND state = 'active'", [iso(now), sunsetAt, id]);
    return r.changes === 1;
  }

  async setScopes(id: string, scopes: readonly KeyScope[], tx: SqlRunner = this.sql): Promise<boolean> {
    return (await tx.run("UPDATE api_keys SET scopes = ? WHERE id = ?", [JSON.stringify(scopes), id])).changes === 1;
  }
}

export class UsersRepo {
  constructor(private readonly sql: SqlDriver) {}

  async find(appId: string, issuer: string, subject: string): Promise<UserRecord | undefined> {
    const row = await this.sql.get<UserRow>("SELECT * FROM users WHERE app_id = ? AND issuer = ? AND subject = ?", [appId, issuer, subject]);
    return row && userFromRow(row);
  }

  async get(id: string, r: SqlRunner = this.sql): Promise<UserRecord | undefined> {
    const row = await r.get<UserRow>("SELECT * FROM users WHERE id = ?", [id]);
    return row && userFromRow(row);
  }

  /** The user for (issuer, subject), created when first seen; two first sights make one user. */
  async ensure(appId: string, issuer: string, subject: string, now: number): Promise<UserRecord> {
    const existing = await this.find(appId, issuer, subject);
    if (existing) return existing;
    await this.sql.run(
      "INSERT INTO users (id, app_id, issuer, subject, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      [randomUUID(), appId, issuer, subject, iso(now)],
    );
    return (await this.find(appId, issuer, subject))!;
  }

  async seen(userId: string, now: number): Promise<void> {
    await this.sql.run("UPDATE users SET last_seen_at = ? WHERE id = ?", [iso(now), userId]);
  }

  /**
   * Replaces the user's group memberships with `groups` (from their newest token). The user's
   * row is locked first: two instances replacing at once leave one token's set, never a mix.
   */
  async setGroups(userId: string, groups: readonly string[], now: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.get(`SELECT id FROM users WHERE id = ?${tx.dialect === "postgres" ? " FOR UPDATE" : ""}`, [userId]);
      await tx.run("DELETE FROM user_groups WHERE user_id = ?", [userId]);
      for (const g of new Set(groups)) await tx.run("INSERT INTO user_groups (user_id, group_id, seen_at) VALUES (?, ?, ?)", [userId, g, iso(now)]);
    });
  }

  async groups(userId: string): Promise<string[]> {
    return (await this.sql.all<{ group_id: string }>("SELECT group_id FROM user_groups WHERE user_id = ? ORDER BY group_id", [userId])).map((r) => r.group_id);
  }

  /** Marks the user removed (the first removal's time stays) and drops their memberships. */
  /** `outer`: the caller's transaction to do it in (with the removal's audit row), else one of its own. */
  async markRemoved(userId: string, now: number, outer?: SqlRunner): Promise<UserRecord | undefined> {
    const inTransaction = <T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> => (outer ? fn(outer) : this.sql.transaction(fn));
    return inTransaction(async (tx) => {
      await tx.run("UPDATE users SET removed_at = COALESCE(removed_at, ?) WHERE id = ?", [iso(now), userId]);
      await tx.run("DELETE FROM user_groups WHERE user_id = ?", [userId]);
      return this.get(userId, tx);
    });
  }

  /** Every user with this subject, whatever their issuer (operator commands). */
  async bySubject(appId: string, subject: string): Promise<UserRecord[]> {
    return (await this.sql.all<UserRow>("SELECT * FROM users WHERE app_id = ? AND subject = ? ORDER BY created_at, id", [appId, subject])).map(userFromRow);
  }

  /** The app's users with their last-seen time and group memberships (sorted), oldest first. */
  async list(appId: string): Promise<(UserRecord & { lastSeenAt: string | null; groups: string[] })[]> {
    const rows = await this.sql.all<UserRow & { last_seen_at: string | null }>("SELECT * FROM users WHERE app_id = ? ORDER BY created_at, id", [appId]);
    const memberships = await this.sql.all<{ user_id: string; group_id: string }>(
      "SELECT g.user_id, g.group_id FROM user_groups g JOIN users u ON u.id = g.user_id WHERE u.app_id = ? ORDER BY g.group_id",
      [appId],
    );
    const groups = new Map<string, string[]>();
    for (const m of memberships) groups.set(m.user_id, [...(groups.get(m.user_id) ?? []), m.group_id]);
    return rows.map((r) => ({ ...userFromRow(r), lastSeenAt: r.last_seen_at, groups: groups.get(r.id) ?? [] }));
  }
}

export class ProvidersRepo {
  constructor(
    private readonly sql: SqlDriver,
    private readonly crypto: AtRest,
  ) {}

  async get(appId: string, provider: string): Promise<ProviderSettings | undefined> {
    const row = await this.sql.get<ProviderRow>("SELECT * FROM providers WHERE app_id = ? AND provider = ?", [appId, provider]);
    return row && providerSettingsFromRow(row);
  }

  /** Upserts; fields left undefined keep their stored value. `outer`: the caller's transaction, if any. */
  async set(appId: string, provider: string, p: ProviderSettingsPatch, now: number, outer?: SqlRunner): Promise<ProviderSettings> {
    const inTransaction = <T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> => (outer ? fn(outer) : this.sql.transaction(fn));
    await inTransaction(async (tx) => {
      const cur = await tx.get<ProviderRow>("SELECT * FROM providers WHERE app_id = ? AND provider = ?", [appId, provider]);
      const next: ProviderRow = cur ?? { app_id: appId, provider, client_id: null, client_secret_sealed: null, base_url: null, hosts: null, injection: null, updated_at: "" };
      if (p.clientId !== undefined) next.client_id = p.clientId;
      if (p.clientSecret !== undefined) next.client_secret_sealed = p.clientSecret === null ? null : this.crypto.seal(PROVIDER_SECRET_PURPOSE, provider, p.clientSecret);
      if (p.baseUrl !== undefined) next.base_url = p.baseUrl;
      if (p.hosts !== undefined) next.hosts = p.hosts === null ? null : JSON.stringify(p.hosts);
      if (p.injection !== undefined) next.injection = p.injection === null ? null : JSON.stringify(p.injection);
      next.updated_at = iso(now);
      await tx.run(
        `INSERT INTO providers (app_id, provider, client_id, client_secret_sealed, base_url, hosts, injection, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (app_id, provider) DO UPDATE SET client_id = excluded.client_id,
           client_secret_sealed = excluded.client_secret_sealed, base_url = excluded.base_url,
           hosts = excluded.hosts, injection = excluded.injection, updated_at = excluded.updated_at`,
        [next.app_id, next.provider, next.client_id, next.client_secret_sealed, next.base_url, next.hosts, next.injection, next.updated_at],
      );
    });
    if (!outer) return (await this.get(appId, provider))!;
    return providerSettingsFromRow((await outer.get<ProviderRow>("SELECT * FROM providers WHERE app_id = ? AND provider = ?", [appId, provider]))!);
  }

  /** The OAuth client secret in clear, for the token endpoint call only. */
  async openClientSecret(appId: string, provider: string): Promise<string | null> {
    const row = await this.sql.get<{ client_secret_sealed: string | null }>(
      "SELECT client_secret_sealed FROM providers WHERE app_id = ? AND provider = ?",
      [appId, provider],
    );
    return row?.client_secret_sealed ? this.crypto.open(PROVIDER_SECRET_PURPOSE, provider, row.client_secret_sealed).toString("utf8") : null;
  }

  async list(appId: string): Promise<ProviderSettings[]> {
    return (await this.sql.all<ProviderRow>("SELECT * FROM providers WHERE app_id = ? ORDER BY provider", [appId])).map(providerSettingsFromRow);
  }
}

export interface NewSecret {
  appId: string;
  provider: string;
  label: string | null;
  type: SecretType;
  value: Credential;
  policyFloor?: GrantPolicy;
}

export class SecretsRepo {
  constructor(
    private readonly sql: SqlDriver,
    private readonly crypto: AtRest,
  ) {}

  /** `tx`: a transaction to insert it in (an admin change and its audit row commit together). */
  async insert(s: NewSecret, now: number, tx: SqlRunner = this.sql): Promise<ManagedSecretRecord> {
    const id = randomUUID();
    await tx.run(
      "INSERT INTO managed_secrets (id, app_id, provider, label, type, sealed, policy_floor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      [id, s.appId, s.provider, s.label, s.type, this.crypto.sealJson(MANAGED_SECRET_PURPOSE, id, s.value), JSON.stringify(s.policyFloor ?? {}), iso(now)],
    );
    return (await this.get(s.appId, id, tx))!;
  }

  async get(appId: string, id: string, r: SqlRunner = this.sql): Promise<ManagedSecretRecord | undefined> {
    const row = await r.get<SecretRow>("SELECT * FROM managed_secrets WHERE app_id = ? AND id = ?", [appId, id]);
    return row && secretFromRow(row);
  }

  async setPolicyFloor(appId: string, id: string, floor: GrantPolicy): Promise<boolean> {
    const r = await this.sql.run("UPDATE managed_secrets SET policy_floor = ? WHERE app_id = ? AND id = ?", [JSON.stringify(floor), appId, id]);
    return r.changes === 1;
  }

  async open(id: string): Promise<Credential | undefined> {
    const row = await this.sql.get<{ sealed: string }>("SELECT sealed FROM managed_secrets WHERE id = ?", [id]);
    return row && this.crypto.openJson<Credential>(MANAGED_SECRET_PURPOSE, id, row.sealed);
  }

  /** Replaces the floor in one transaction (the row locked on PostgreSQL), returning the secret
   *  before and after; undefined when the app has no such secret. */
  async replaceFloor(appId: string, id: string, floor: GrantPolicy, outer?: SqlRunner): Promise<{ before: ManagedSecretRecord; after: ManagedSecretRecord } | undefined> {
    const inTransaction = <T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> => (outer ? fn(outer) : this.sql.transaction(fn));
    return inTransaction(async (tx) => {
      const lock = tx.dialect === "postgres" ? " FOR UPDATE" : "";
      const row = await tx.get<SecretRow>(`SELECT * FROM managed_secrets WHERE app_id = ? AND id = ?${lock}`, [appId, id]);
      if (!row) return undefined;
      await tx.run("UPDATE managed_secrets SET policy_floor = ? WHERE app_id = ? AND id = ?", [JSON.stringify(floor), appId, id]);
      const before = secretFromRow(row);
      return { before, after: secretFromRow({ ...row, policy_floor: JSON.stringify(floor) }) };
    });
  }

  async list(appId: string): Promise<ManagedSecretRecord[]> {
    return (await this.sql.all<SecretRow>("SELECT * FROM managed_secrets WHERE app_id = ? ORDER BY created_at, id", [appId])).map(secretFromRow);
  }
}

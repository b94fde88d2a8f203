// The records a signed request reads (its API key, its app, the grant, the provider settings, the
// managed secret behind the grant), cached in this process with explicit invalidation: migration
// 095 keeps a version counter per table, bumped by triggers in the transaction of every change
// (whoever makes it: this process, an admin command in another, another vault instance). A
// request reads the counters once (`view()`), and each record it then asks for is served from
// memory when it was loaded at exactly those counters, else read again.
//
// Why it is fresh: a record is tagged with the counters read BEFORE it was loaded, so a change
// that commits between the two reads leaves a tag older than the counters and the next request
// reloads it; a change that committed before a request's counter read (a revocation whose
// command returned) makes every older tag differ. Counters only grow, and a tag must be equal,
// not merely as new. A request that started before a change committed may still use what it
// read, exactly as without the cache.
import type { Credential, GrantRecord } from "../../grant-types.js";
import type { AppRecord } from "../apps.js";
import type { ApiKeyRecord } from "../api-keys.js";
import type { GrantIdentity } from "../grants.js";
import type { ProviderSettings } from "../providers.js";
import type { SqlDriver } from "../sql/driver.js";
import type { ApiKeysRepo, AppsRepo, ProvidersRepo, SecretsRepo } from "./records.js";
import type { GrantsRepo } from "./grants.js";
import { VersionReader, type Versions } from "./record-versions.js";

/** The reads of one request, served from the cache when still current. */
export interface RecordView {
  app(id: string): Promise<AppRecord | undefined>;
  apiKey(id: string): Promise<ApiKeyRecord | undefined>;
  grant(appId: string, id: string): Promise<GrantRecord | undefined>;
  grantsForIdentity(appId: string, provider: string, identity: GrantIdentity): Promise<GrantRecord[]>;
  provider(appId: string, provider: string): Promise<ProviderSettings | undefined>;
  /** The managed secret opened (the cache holds it only in a private field; see RecordCache). */
  secret(id: string): Promise<Credential | undefined>;
}

interface Repos {
  apps: AppsRepo;
  apiKeys: ApiKeysRepo;
  grants: GrantsRepo;
  providers: ProvidersRepo;
  secrets: SecretsRepo;
}

export interface RecordCacheOptions {
  /** Entries kept per kind of record (the oldest loaded goes first). @default 10000 */
  maxEntries?: number;
}

interface Entry<V> {
  tag: string;
  value: V;
}

/** A map of one kind of record by key, bounded, oldest loaded evicted first. */
class Entries<V> {
  readonly #map = new Map<string, Entry<V>>();
  constructor(readonly max: number) {}

  hit(key: string, tag: string): Entry<V> | undefined {
    const e = this.#map.get(key);
    return e !== undefined && e.tag === tag ? e : undefined;
  }

  put(key: string, tag: string, value: V): void {
    this.#map.delete(key);
    if (this.#map.size >= this.max) this.#map.delete(this.#map.keys().next().value!);
    this.#map.set(key, { tag, value });
  }

  clear(): void {
    this.#map.clear();
  }
}

/**
 * One per store. Secrets are cached opened, so that a retrieval costs no decryption: the vault
 * process holds the master key that opens every one of them anyway, and the values live only in
 * private fields, which util.inspect and JSON.stringify never show (test/vault/record-cache.test.ts).
 */
export class RecordCache {
  readonly #versions: VersionReader;
  readonly #repos: Repos;
  readonly #apps: Entries<AppRecord | undefined>;
  readonly #keys: Entries<ApiKeyRecord | undefined>;
  readonly #grants: Entries<GrantRecord | undefined>;
  readonly #identity: Entries<GrantRecord[]>;
  readonly #providers: Entries<ProviderSettings | undefined>;
  readonly #secrets: Entries<Credential | undefined>;
  /** Last uses this process wrote (a last-use write bumps no counter; see migration 095). */
  readonly #lastUse = new Map<string, string>();
  readonly #max: number;

  constructor(sql: SqlDriver, repos: Repos, opts: RecordCacheOptions = {}) {
    this.#versions = new VersionReader(sql);
    this.#repos = repos;
    const max = (this.#max = opts.maxEntries ?? 10_000);
    this.#apps = new Entries(max);
    this.#keys = new Entries(max);
    this.#grants = new Entries(max);
    this.#identity = new Entries(max);
    this.#providers = new Entries(max);
    this.#secrets = new Entries(max);
  }

  /** One read of the version counters (shared with concurrent callers whose read starts later). */
  async view(): Promise<RecordView> {
    return new CachedView(this, await this.#versions.read());
  }

  /** Reads straight from the store, no cache (contexts that read no counters: admin commands). */
  direct(): RecordView {
    return new CachedView(this, undefined);
  }

  /** A key's or a grant's last use as this process wrote it, so a cached record shows it. */
  noteUse(id: string, at: string): void {
    if (this.#lastUse.size >= this.#max) this.#lastUse.clear();
    this.#lastUse.set(id, at);
  }

  /** Drops every entry (tests; a process that wants to forget the opened secrets). */
  clear(): void {
    for (const e of [this.#apps, this.#keys, this.#grants, this.#identity, this.#providers, this.#secrets]) e.clear();
    this.#lastUse.clear();
  }

  /** @internal */
  async serve<V>(kind: Kind, key: string, tag: string | undefined, load: () => Promise<V>): Promise<V> {
    const entries = this.#entries(kind) as Entries<V>;
    if (tag === undefined) return load();
    const hit = entries.hit(key, tag);
    if (hit) return hit.value;
    const value = await load();
    entries.put(key, tag, value);
    return value;
  }

  /** @internal */
  withLastUse<T extends { id: string; lastUsedAt: string | null } | undefined>(r: T): T {
    if (r === undefined) return r;
    const noted = this.#lastUse.get(r.id);
    // ISO strings of one format order as times; the record may be newer (another instance's).
    if (noted !== undefined && (r.lastUsedAt === null || noted > r.lastUsedAt)) r.lastUsedAt = noted;
    return r;
  }

  /** @internal */
  get repos(): Repos {
    return this.#repos;
  }

  #entries(kind: Kind): Entries<unknown> {
    switch (kind) {
      case "apps":
        return this.#apps;
      case "keys":
        return this.#keys;
      case "grants":
        return this.#grants;
      case "identity":
        return this.#identity;
      case "providers":
        return this.#providers;
      case "secrets":
        return this.#secrets;
    }
  }

  toJSON(): string {
    return "[RecordCache]";
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "[RecordCache]";
  }
}

type Kind = "apps" | "keys" | "grants" | "identity" | "providers" | "secrets";

/** The counters one request read, and the reads it makes against them. */
class CachedView implements RecordView {
  constructor(
    readonly cache: RecordCache,
    readonly versions: Versions | undefined,
  ) {}

  /** The tag of a record that depends on these tables; undefined (no caching) without counters. */
  #tag(...tables: (keyof Versions)[]): string | undefined {
    const v = this.versions;
    if (v === undefined) return undefined;
    let tag = "";
    for (const t of tables) {
      const n = v[t];
      if (n === undefined) return undefined;
      tag += `${n}:`;
    }
    return tag;
  }

  app(id: string): Promise<AppRecord | undefined> {
    return this.cache.serve("apps", id, this.#tag("apps"), () => this.cache.repos.apps.get(id));
  }

  async apiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return this.cache.withLastUse(await this.cache.serve("keys", id, this.#tag("api_keys"), () => this.cache.repos.apiKeys.get(id)));
  }

  // A grant row carries its managed secret's policy floor: a floor change must reload it too.
  async grant(appId: string, id: string): Promise<GrantRecord | undefined> {
    const g = await this.cache.serve("grants", `${appId}\n${id}`, this.#tag("grants", "managed_secrets"), () => this.cache.repos.grants.get(appId, id));
    return this.cache.withLastUse(g);
  }

  async grantsForIdentity(appId: string, provider: string, identity: GrantIdentity): Promise<GrantRecord[]> {
    const key = [appId, provider, identity.userId, identity.issuer, ...[...identity.groups].sort()].join("\n");
    const list = await this.cache.serve("identity", key, this.#tag("grants", "managed_secrets"), () => this.cache.repos.grants.forIdentity(appId, provider, identity));
    for (const g of list) this.cache.withLastUse(g);
    return list;
  }

  provider(appId: string, provider: string): Promise<ProviderSettings | undefined> {
    return this.cache.serve("providers", `${appId}\n${provider}`, this.#tag("providers"), () => this.cache.repos.providers.get(appId, provider));
  }

  secret(id: string): Promise<Credential | undefined> {
    return this.cache.serve("secrets", id, this.#tag("managed_secrets"), async () => {
      const c = await this.cache.repos.secrets.open(id);
      return c && Object.freeze(c);
    });
  }
}

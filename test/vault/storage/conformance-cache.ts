// The record cache (vault/storage/store/record-cache.ts) on both engines: a change made through
// another store (another process or instance) is seen by the next view, for every kind of
// record a signed retrieval reads; an unchanged record is served without a read; last-use
// writes bump no counter; a change racing with reads is never hidden once it committed; the
// counters' read is never shared with a caller that came after it started; the opened secrets
// never print. Imported by conformance.ts.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createStore, type Store } from "../../../vault/storage/store/index.js";
import type { SqlDriver, SqlRunner, SqlValue } from "../../../vault/storage/sql/driver.js";
import { VersionReader, VERSIONED_TABLES } from "../../../vault/storage/store/record-versions.js";
import type { RecordView } from "../../../vault/storage/store/record-cache.js";
import { MANAGED_SECRET_PURPOSE } from "../../../vault/storage/secrets.js";
import { CANARY, crypto, type StoreHarness } from "./conformance.js";

const T0 = Date.parse("2026-05-01T10:00:00.000Z");
const ISSUER = "https://idp.example";

/** The driver with every statement counted by its first words, and an optional hook before it. */
function counting(inner: SqlDriver) {
  const seen: string[] = [];
  let before: ((sql: string) => Promise<void>) | undefined;
  const note = async (sql: string) => {
    seen.push(sql.replace(/\s+/g, " ").trim().slice(0, 120));
    if (before) await before(sql);
  };
  const driver: SqlDriver = {
    dialect: inner.dialect,
    get: async <T>(sql: string, p?: readonly SqlValue[]) => (await note(sql), inner.get<T>(sql, p)),
    all: async <T>(sql: string, p?: readonly SqlValue[]) => (await note(sql), inner.all<T>(sql, p)),
    values: async (sql: string, p?: readonly SqlValue[]) => (await note(sql), inner.values(sql, p)),
    run: async (sql: string, p?: readonly SqlValue[]) => (await note(sql), inner.run(sql, p)),
    transaction: <T>(fn: (tx: SqlRunner) => Promise<T>) => inner.transaction(fn),
    close: () => inner.close(),
  };
  return {
    driver,
    /** Statements since the last call, other than the counters' read. */
    records(): string[] {
      const r = seen.filter((s) => !s.includes("FROM record_versions"));
      seen.length = 0;
      return r;
    },
    setBefore(f: typeof before) {
      before = f;
    },
  };
}

async function seed(store: Store) {
  const app = await store.apps.create("cache", T0);
  const user = await store.users.ensure(app.id, ISSUER, "alice", T0);
  const secret = await store.secrets.insert({ appId: app.id, provider: "github", label: "bot", type: "token", value: { token: CANARY }, policyFloor: {} }, T0);
  const grant = await store.grants.insert(
    { appId: app.id, provider: "github", account: "bot", principalType: "system", principalId: null, principalLabel: "ci", scopes: ["repo"], source: "managed_secret", managedSecretId: secret.id, policy: {}, expiresAt: null },
    T0,
  );
  const key = await store.apiKeys.insert(
    { id: "kcache01", appId: app.id, label: "svc", derived: { requestSigning: Buffer.alloc(32, 1), responseSigning: Buffer.alloc(32, 2), credentialSealing: Buffer.alloc(32, 3) }, kind: "service", scopes: ["call"] },
    T0,
  );
  await store.providers.set(app.id, "github", { hosts: ["api.github.com"] }, T0);
  const identity = { userId: user.id, issuer: ISSUER, groups: ["eng"] };
  return { app, user, secret, grant, key, identity };
}

type Seeded = Awaited<ReturnType<typeof seed>>;

/** [name, what a request reads, the change another store makes, what the next request must read]. */
const CHANGES: ReadonlyArray<readonly [string, (v: RecordView, s: Seeded) => Promise<unknown>, (o: Store, s: Seeded, raw: (sql: string) => Promise<unknown>) => Promise<unknown>, unknown]> = [
  ["key revoked", async (v, s) => (await v.apiKey(s.key.id))?.state, (o, s) => o.apiKeys.revoke(s.key.id, T0 + 1), "revoked"],
  ["key scopes changed", async (v, s) => (await v.apiKey(s.key.id))?.scopes, (o, s) => o.apiKeys.setScopes(s.key.id, ["call", "manage"]), ["call", "manage"]],
  ["grant revoked", async (v, s) => (await v.grant(s.app.id, s.grant.id))?.status, (o, s) => o.grants.revoke(s.app.id, s.grant.id, "test", T0 + 1), "revoked"],
  [
    "grant policy changed",
    async (v, s) => (await v.grant(s.app.id, s.grant.id))?.policy,
    (o, s) => o.grants.updatePolicy(s.app.id, s.grant.id, () => ({ policy: { ipAllowlist: ["10.0.0.0/8"] }, expiresAt: null })),
    { ipAllowlist: ["10.0.0.0/8"] },
  ],
  [
    "secret floor changed (read through the grant)",
    async (v, s) => (await v.grant(s.app.id, s.grant.id))?.policyFloor,
    (o, s) => o.secrets.replaceFloor(s.app.id, s.secret.id, { maxTtlSeconds: 60 }),
    { maxTtlSeconds: 60 },
  ],
  [
    "secret value replaced",
    (v, s) => v.secret(s.secret.id),
    (_o, s, raw) => raw(`UPDATE managed_secrets SET sealed = '${crypto.sealJson(MANAGED_SECRET_PURPOSE, s.secret.id, { token: "rotated" })}' WHERE id = '${s.secret.id}'`),
    { token: "rotated" },
  ],
  ["provider settings changed", async (v, s) => (await v.provider(s.app.id, "github"))?.hosts, (o, s) => o.providers.set(s.app.id, "github", { hosts: ["ghe.example"] }, T0 + 1), ["ghe.example"]],
  [
    "a grant issued to the user's group",
    async (v, s) => (await v.grantsForIdentity(s.app.id, "github", s.identity)).map((g) => g.principalType),
    (o, s) =>
      o.grants.insert(
        { appId: s.app.id, provider: "github", account: "team", principalType: "group", principalId: "eng", principalIssuer: ISSUER, principalLabel: "eng", scopes: [], source: "managed_secret", managedSecretId: s.secret.id, policy: {}, expiresAt: null },
        T0 + 1,
      ),
    ["group"],
  ],
  ["app renamed", async (v, s) => (await v.app(s.app.id))?.name, (_o, s, raw) => raw(`UPDATE apps SET name = 'renamed' WHERE id = '${s.app.id}'`), "renamed"],
];

export function cacheConformance(harness: () => StoreHarness): void {
  describe("record cache", () => {
    it.each(CHANGES)("%s: seen by the next view after the change through another store returns; unchanged, served without a read", async (_name, read, change, want) => {
      const { store, another, raw } = await harness().fresh();
      const s = await seed(store);
      const count = counting(store.sql);
      const cached = createStore(count.driver, crypto);
      const before = await read(await cached.records.view(), s);
      expect(before).not.toEqual(want);
      count.records();
      expect(await read(await cached.records.view(), s)).toEqual(before);
      expect(count.records()).toEqual([]); // the second request read only the counters
      const other = await another();
      await change(other, s, raw);
      expect(await read(await cached.records.view(), s)).toEqual(want);
      await other.close();
    });

    it("a last-use write bumps no counter; the cached record shows this process's own", async () => {
      const { store, another } = await harness().fresh();
      const s = await seed(store);
      const count = counting(store.sql);
      const cached = createStore(count.driver, crypto);
      const counters = async () => JSON.stringify(await store.sql.all("SELECT kind, version FROM record_versions ORDER BY kind"));
      await (await cached.records.view()).grant(s.app.id, s.grant.id);
      const was = await counters();
      const other = await another();
      await other.grants.touch(s.grant.id, T0 + 5_000);
      await other.apiKeys.touch(s.key.id, T0 + 5_000);
      expect(await counters()).toBe(was);
      await cached.grants.touch(s.grant.id, T0 + 9_000);
      count.records();
      expect((await (await cached.records.view()).grant(s.app.id, s.grant.id))?.lastUsedAt).toBe(new Date(T0 + 9_000).toISOString());
      expect(count.records()).toEqual([]);
      await other.close();
    });

    it("a change racing with reads is never hidden once the changing call returned", async () => {
      const { store, another } = await harness().fresh();
      const s = await seed(store);
      const other = await another();
      let stop = false;
      // Requests reading all the time, so entries are loaded at every moment around each change.
      const readers = Array.from({ length: 4 }, async () => {
        while (!stop) await (await store.records.view()).grant(s.app.id, s.grant.id);
      });
      try {
        for (let i = 1; i <= 15; i++) {
          await other.grants.updatePolicy(s.app.id, s.grant.id, () => ({ policy: { maxTtlSeconds: i * 60 }, expiresAt: null }));
          expect((await (await store.records.view()).grant(s.app.id, s.grant.id))?.policy).toEqual({ maxTtlSeconds: i * 60 });
        }
      } finally {
        stop = true;
        await Promise.all(readers);
        await other.close();
      }
    });

    it("the counters' read in flight when a change commits is not shared with a caller that came after it", async () => {
      const { store, another } = await harness().fresh();
      const s = await seed(store);
      const count = counting(store.sql);
      const reader = new VersionReader(count.driver);
      const other = await another();
      const before = await reader.read();
      // The first read runs before the change, but its answer is held back until the change committed.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let queried!: () => void;
      const ran = new Promise<void>((r) => (queried = r));
      const slow: SqlDriver = {
        ...count.driver,
        get: async <T>(sql: string, p?: readonly SqlValue[]) => {
          const row = await count.driver.get<T>(sql, p);
          queried();
          await held;
          return row;
        },
      };
      const slowReader = new VersionReader(slow);
      const first = slowReader.read();
      await ran;
      await other.grants.revoke(s.app.id, s.grant.id, "test", T0 + 1);
      const later = slowReader.read();
      release();
      expect((await first).grants).toBe(before.grants);
      expect((await later).grants).toBeGreaterThan(before.grants!);
      await other.close();
    });

    it("every cached table has a counter, and its triggers list every column but the last use", async () => {
      const { store } = await harness().fresh();
      const kinds = (await store.sql.all<{ kind: string }>("SELECT kind FROM record_versions ORDER BY kind")).map((r) => r.kind);
      expect(kinds).toEqual([...VERSIONED_TABLES].sort());
      for (const table of VERSIONED_TABLES) {
        const columns = await tableColumns(store, table);
        const watched = await updateColumns(store, table);
        const skipped = table === "api_keys" || table === "grants" ? ["last_used_at"] : [];
        // null: the trigger fires on an update of any column.
        expect(watched === null ? columns.filter((c) => !skipped.includes(c)) : watched, table).toEqual(columns.filter((c) => !skipped.includes(c)));
        if (skipped.length) expect(watched, table).not.toBeNull();
      }
    });

    it("the opened secrets and records never print", async () => {
      const { store } = await harness().fresh();
      const s = await seed(store);
      const view = await store.records.view();
      expect(await view.secret(s.secret.id)).toEqual({ token: CANARY });
      const shown = [inspect(store.records, { showHidden: true, depth: 10 }), JSON.stringify(store.records), inspect(view, { showHidden: true, depth: 10 }), JSON.stringify(view)].join("\n");
      expect(shown).not.toContain(CANARY);
    });
  });
}

async function tableColumns(store: Store, table: string): Promise<string[]> {
  const rows =
    store.sql.dialect === "sqlite"
      ? await store.sql.all<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
      : await store.sql.all<{ name: string }>("SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?", [table]);
  return rows.map((r) => r.name).sort();
}

/** The columns whose update fires the table's counter trigger; null when any column does. */
async function updateColumns(store: Store, table: string): Promise<string[] | null> {
  if (store.sql.dialect === "sqlite") {
    const row = await store.sql.get<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [`${table}_version_update`]);
    if (!row) throw new Error(`no update trigger on ${table}`);
    const m = /AFTER UPDATE OF (.+?) ON/.exec(row.sql);
    return m ? m[1]!.split(",").map((c) => c.trim()).sort() : null;
  }
  const rows = await store.sql.all<{ name: string }>(
    "SELECT event_object_column AS name FROM information_schema.triggered_update_columns WHERE trigger_name = ? AND event_object_table = ?",
    [`${table}_version`, table],
  );
  const exists = await store.sql.get("SELECT 1 AS x FROM pg_trigger WHERE tgname = ?", [`${table}_version`]);
  if (!exists) throw new Error(`no counter trigger on ${table}`);
  return rows.length ? rows.map((r) => r.name).sort() : null;
}

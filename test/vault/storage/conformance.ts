// One conformance suite for the vault's asynchronous store, run against SQLite
// (sqlite.test.ts) and PostgreSQL (postgres.test.ts). Every repository operation, the secrets
// that must never show in a raw row or a printed value, and the cases several instances create:
// two connections racing for one refresh lease, one nonce sent to two instances, audit appends
// from two writers. Each test gets a fresh, migrated database.
import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { AtRest } from "../../../vault/crypto/at-rest.js";
import { HASHED_COLUMNS, type ChainRow } from "../../../vault/crypto/audit-chain.js";
import type { Store } from "../../../vault/storage/store/index.js";
import type { LeaseHolder } from "../../../vault/storage/store/leases.js";
import { coreConformance } from "./conformance-core.js";
import { oauthConformance } from "./conformance-oauth.js";
import { approvalsConformance } from "./conformance-approvals.js";
import { adminConformance } from "./conformance-admin.js";
import { rotationConformance } from "./conformance-rotation.js";
import { cacheConformance } from "./conformance-cache.js";
import { auditLogConformance } from "./conformance-audit-log.js";

export interface Fresh {
  /** The store under test (on PostgreSQL: connected as the runtime role). */
  store: Store;
  /** Another connection to the same database, as another vault instance would hold. */
  another(opts?: { auditChain?: string }): Promise<Store>;
  /** Runs SQL as the schema's owner, bypassing the store (to read raw rows, or to tamper). */
  raw<T>(sql: string): Promise<T[]>;
  /** Lets the owner change audit rows (drops or disables the append-only triggers). */
  allowAuditTampering(): Promise<void>;
}

export interface StoreHarness {
  dialect: "sqlite" | "postgres";
  fresh(): Promise<Fresh>;
}

export const CANARY = "canary-Zq9x7Wv3";
export const crypto = new AtRest(Buffer.alloc(32, 7));
const T0 = Date.parse("2026-05-01T10:00:00.000Z");
const holder = (id: string): LeaseHolder => ({ id, host: "test-host", pid: 4242, start: null });

async function seed(store: Store) {
  const app = await store.apps.create("conformance", T0);
  const issuer = "https://idp.example";
  const user = await store.users.ensure(app.id, issuer, "alice", T0);
  const secret = await store.secrets.insert(
    { appId: app.id, provider: "github", label: "bot", type: "token", value: { token: CANARY }, policyFloor: { maxTtlSeconds: 3600 } },
    T0,
  );
  const system = await store.grants.insert(
    { appId: app.id, provider: "github", account: null, principalType: "system", principalId: null, principalLabel: "ci", scopes: ["repo"], source: "managed_secret", managedSecretId: secret.id, policy: {}, expiresAt: null },
    T0,
  );
  return { app, issuer, user, secret, system };
}

export function chainRow(i: number, extra: Partial<ChainRow> = {}): ChainRow {
  const row = Object.fromEntries(HASHED_COLUMNS.map((c) => [c, null])) as ChainRow;
  Object.assign(row, {
    id: randomUUID(),
    time: new Date(T0 + i).toISOString(),
    action: "credential.retrieve",
    outcome: "success",
    status: 200,
    latency_ms: 1.25 + i / 1000,
    url: `https://api.example/items/${i}?q=ü`,
    details: JSON.stringify({ n: i, note: "ü€" }),
    ...extra,
  });
  return row;
}

export function storeConformance(harness: () => StoreHarness): void {
  describe("records on the signed-retrieval path", () => {
    it("apps: create, get, first", async () => {
      const { store } = await harness().fresh();
      const a = await store.apps.create("one", T0);
      await store.apps.create("two", T0 + 1);
      expect(await store.apps.get(a.id)).toEqual(a);
      expect((await store.apps.first())?.name).toBe("one");
      expect(await store.apps.get("nope")).toBeUndefined();
    });

    it("api keys: derived keys sealed at rest, opened for the key, never printed; revoke once; last use at most once a minute", async () => {
      const { store, raw } = await harness().fresh();
      const { app } = await seed(store);
      const derived = { requestSigning: Buffer.from(CANARY + "-req"), responseSigning: Buffer.from(CANARY + "-res"), credentialSealing: Buffer.alloc(32, 1) };
      const id = `k${randomUUID().slice(0, 8)}`;
      const rec = await store.apiKeys.insert({ id, appId: app.id, label: "svc", derived, kind: "agent", scopes: ["call"] }, T0);
      expect(rec).toMatchObject({ id, appId: app.id, state: "active", kind: "agent", scopes: ["call"], lastUsedAt: null });
      const rows = await raw<{ derived_keys_sealed: string }>(`SELECT derived_keys_sealed FROM api_keys WHERE id = '${id}'`);
      expect(Buffer.from(rows[0]!.derived_keys_sealed).includes(Buffer.from(CANARY).toString("base64url"))).toBe(false);
      const opened = (await store.apiKeys.getWithKeys(id))!;
      expect(Buffer.from(opened.derived.requestSigning).toString()).toBe(CANARY + "-req");
      expect(JSON.stringify(opened) + inspect(opened, { showHidden: true, depth: 5 })).not.toContain(CANARY);
      const touches = [T0, T0 + 30_000, T0 + 60_000, T0 + 61_000];
      const wrote = [];
      for (const t of touches) wrote.push(await store.apiKeys.touch(id, t));
      expect(wrote).toEqual([true, false, true, false]);
      expect([await store.apiKeys.revoke(id, T0), await store.apiKeys.revoke(id, T0)]).toEqual([true, false]);
      expect((await store.apiKeys.get(id))?.state).toBe("revoked");
      expect(await store.apiKeys.getWithKeys("missing")).toBeUndefined();
    });

    it("users: one user per (issuer, subject), even when two instances see it first at once", async () => {
      const { store, another } = await harness().fresh();
      const { app } = await seed(store);
      const other = await another();
      const seen = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).users.ensure(app.id, "https://idp.example", "bob", T0)));
      expect(new Set(seen.map((u) => u.id)).size).toBe(1);
      expect((await store.users.ensure(app.id, "https://other.example", "bob", T0)).id).not.toBe(seen[0]!.id);
      await other.close();
    });

    it("users: groups replaced from two instances at once end as one token's set; removal keeps its first time", async () => {
      const { store, another } = await harness().fresh();
      const { user } = await seed(store);
      const other = await another();
      const sets = [["a", "b"], ["c"], ["d", "e", "f"], ["a", "g"]];
      await Promise.all(sets.map((g, i) => (i % 2 ? other : store).users.setGroups(user.id, g, T0)));
      expect(sets.map((g) => [...g].sort().join())).toContain((await store.users.groups(user.id)).join());
      await store.users.seen(user.id, T0 + 5);
      expect((await store.users.markRemoved(user.id, T0 + 10))?.removedAt).toBe(new Date(T0 + 10).toISOString());
      expect((await other.users.markRemoved(user.id, T0 + 20))?.removedAt).toBe(new Date(T0 + 10).toISOString());
      expect(await store.users.groups(user.id)).toEqual([]);
      await other.close();
    });

    it("providers: upsert keeps unset fields; the client secret is sealed and opens only for the token call", async () => {
      const { store, raw } = await harness().fresh();
      const { app } = await seed(store);
      await store.providers.set(app.id, "github", { clientId: "cid", clientSecret: CANARY, hosts: ["api.github.com"] }, T0);
      const s = await store.providers.set(app.id, "github", { baseUrl: "https://gh.example" }, T0 + 1);
      expect(s).toMatchObject({ clientId: "cid", hasClientSecret: true, baseUrl: "https://gh.example", hosts: ["api.github.com"], injection: null });
      expect(JSON.stringify(await raw("SELECT * FROM providers"))).not.toContain(CANARY);
      expect(await store.providers.openClientSecret(app.id, "github")).toBe(CANARY);
      expect(await store.providers.openClientSecret(app.id, "gitlab")).toBeNull();
    });

    it("managed secrets: write-only at rest, opened by id, floor replaced", async () => {
      const { store, raw } = await harness().fresh();
      const { app, secret } = await seed(store);
      expect(JSON.stringify(await raw("SELECT * FROM managed_secrets"))).not.toContain(CANARY);
      expect(JSON.stringify(secret)).not.toContain(CANARY);
      expect(await store.secrets.open(secret.id)).toEqual({ token: CANARY });
      expect(await store.secrets.setPolicyFloor(app.id, secret.id, { maxTtlSeconds: 60 })).toBe(true);
      expect((await store.secrets.get(app.id, secret.id))?.policyFloor).toEqual({ maxTtlSeconds: 60 });
      expect(await store.secrets.setPolicyFloor("other-app", secret.id, {})).toBe(false);
    });

    it("grants: read with the secret's floor, last use, new tokens, revocation once", async () => {
      const { store } = await harness().fresh();
      const { app, system } = await seed(store);
      expect(system).toMatchObject({ status: "active", principalType: "system", principalIssuer: null, policyFloor: { maxTtlSeconds: 3600 }, scopes: ["repo"] });
      await store.grants.touch(system.id, T0 + 5);
      expect((await store.grants.get(app.id, system.id))?.lastUsedAt).toBe(new Date(T0 + 5).toISOString());
      expect(await store.grants.setCredential(system.id, "sealed-tokens", "2026-05-01T11:00:00.000Z")).toBe(true);
      expect((await store.grants.get(app.id, system.id))?.credentialSealed).toBe("sealed-tokens");
      expect(await store.grants.get("other-app", system.id)).toBeUndefined();
      expect([await store.grants.revoke(app.id, system.id, "test", T0), await store.grants.revoke(app.id, system.id, "again", T0)]).toEqual([true, false]);
      const revoked = (await store.grants.get(app.id, system.id))!;
      expect(revoked).toMatchObject({ status: "revoked", revokeReason: "test", credentialSealed: null });
      expect(await store.grants.setCredential(system.id, "late", null)).toBe(false);
    });

    it("a grant's last use is written at most once a second by one process (the same instant again: a retried batch)", async () => {
      const { store } = await harness().fresh();
      const { app, system } = await seed(store);
      const lastUse = async () => (await store.grants.get(app.id, system.id))?.lastUsedAt;
      await Promise.all([T0 + 10, T0 + 300, T0 + 2].map((t) => store.grants.touch(system.id, t)));
      expect(await lastUse()).toBe(new Date(T0 + 10).toISOString());
      await store.sql.run("UPDATE grants SET last_used_at = NULL WHERE id = ?", [system.id]);
      await store.grants.touch(system.id, T0 + 10);
      expect(await lastUse()).toBe(new Date(T0 + 10).toISOString());
      await store.grants.touch(system.id, T0 + 1_010);
      expect(await lastUse()).toBe(new Date(T0 + 1_010).toISOString());
    });

    it.each([
      { name: "their own user grant", groups: [] as string[], issuer: "https://idp.example", expect: ["mine"] },
      { name: "their group's grant at the same issuer", groups: ["eng"], issuer: "https://idp.example", expect: ["mine", "eng"] },
      { name: "not a group they are not in", groups: ["ops"], issuer: "https://idp.example", expect: ["mine"] },
      { name: "not a same-named group of another issuer", groups: ["eng-elsewhere"], issuer: "https://idp.example", expect: ["mine"] },
    ])("grants for a verified user: $name", async (c) => {
      const { store } = await harness().fresh();
      const { app, issuer, user } = await seed(store);
      const base = { appId: app.id, provider: "slack", account: null, scopes: [], source: "oauth" as const, policy: {}, expiresAt: null };
      await store.grants.insert({ ...base, principalType: "user", principalId: user.id, principalLabel: "mine" }, T0);
      await store.grants.insert({ ...base, principalType: "group", principalId: "eng", principalIssuer: issuer, principalLabel: "eng" }, T0 + 1);
      await store.grants.insert({ ...base, principalType: "group", principalId: "eng-elsewhere", principalIssuer: "https://other.example", principalLabel: "other" }, T0 + 2);
      const got = await store.grants.forIdentity(app.id, "slack", { userId: user.id, issuer: c.issuer, groups: c.groups });
      expect(got.map((g) => g.principalLabel)).toEqual(c.expect);
    });
  });

  describe("audit: per-instance chains, appended and verified", () => {
    it("numbers and links rows, reads them back as written, and verifies", async () => {
      const { store } = await harness().fresh();
      const head = await store.audit.append([chainRow(1), chainRow(2, { details: null, latency_ms: 0.001 }), chainRow(3, { status: null })]);
      expect(head.seq).toBe(3);
      expect(await store.audit.head()).toEqual(head);
      const rows = await store.audit.read();
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
      expect(rows[0]).toMatchObject({ url: "https://api.example/items/1?q=ü", latency_ms: 1.251, status: 200 });
      expect(await store.audit.verify()).toMatchObject({ rows: 3, head, problems: [] });
    });

    it("verification finds a changed row", async () => {
      const { store, raw, allowAuditTampering } = await harness().fresh();
      await store.audit.append([chainRow(1), chainRow(2), chainRow(3)]);
      await allowAuditTampering();
      await raw("UPDATE audit SET outcome = 'denied' WHERE seq = 2");
      const check = await store.audit.verify();
      expect(check.problems).toHaveLength(1);
      expect(check.problems[0]).toMatch(/^row 2 .* does not match its hash$/);
    });

    it("the store's connection cannot change or delete audit rows", async () => {
      const { store } = await harness().fresh();
      await store.audit.append([chainRow(1)]);
      await expect(store.sql.run("UPDATE audit SET outcome = 'denied'")).rejects.toThrow();
      await expect(store.sql.run("DELETE FROM audit")).rejects.toThrow();
      expect((await store.audit.verify()).rows).toBe(1);
    });

    it("two writers on one chain (two connections) interleave into one unbroken chain", async () => {
      const { store, another } = await harness().fresh();
      const other = await another({ auditChain: store.audit.chain });
      const batches = Array.from({ length: 40 }, (_, i) => (i % 2 ? other : store).audit.append([chainRow(i * 3), chainRow(i * 3 + 1), chainRow(i * 3 + 2)]));
      await Promise.all(batches);
      expect(await store.audit.verify()).toMatchObject({ rows: 120, problems: [] });
      await other.close();
    });
  });

  describe("shared state between instances", () => {
    it("a nonce is accepted once, by whichever instance sees it first; expired ones are swept", async () => {
      const { store, another } = await harness().fresh();
      const other = await another();
      const tries = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).nonces.remember("k1", "n-1", T0 + 300_000, T0)));
      expect(tries.filter(Boolean)).toHaveLength(1);
      expect(await other.nonces.remember("k2", "n-1", T0 + 300_000, T0)).toBe(true); // another key's nonce
      expect(await store.nonces.remember("k1", "n-1", T0 + 600_000, T0 + 300_000)).toBe(true); // its window closed
      await store.nonces.remember("k1", "n-2", T0 + 1_000, T0);
      expect(await other.nonces.sweep(T0 + 300_001)).toBe(2); // n-2 and k2's
      expect(await store.nonces.remember("k1", "n-1", T0 + 600_000, T0 + 300_001)).toBe(false);
      await other.close();
    });

    it("an OAuth attempt started on one instance is redeemed once, on whichever instance gets the callback", async () => {
      const { store, another } = await harness().fresh();
      const other = await another();
      const attempt = (stateHash: string, kind: "connect" | "auth", expiresAt: number) => ({
        stateHash, id: randomUUID(), kind, sessionId: "session-1", provider: "github", verifierSealed: "sealed-verifier", nonce: "n",
        redirectUri: "http://127.0.0.1:7420/oauth/callback", createdAt: new Date(T0).toISOString(), expiresAt: new Date(expiresAt).toISOString(),
      });
      await store.oauthStates.insert(attempt("h-1", "connect", T0 + 600_000));
      await store.oauthStates.insert(attempt("h-old", "connect", T0 + 1_000));
      expect(await other.oauthStates.used("h-1", "connect")).toBeUndefined();
      expect(await other.oauthStates.consume("h-1", "auth", T0)).toBeUndefined(); // another kind's state
      const redeemed = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).oauthStates.consume("h-1", "connect", T0 + 1)));
      const winners = redeemed.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toMatchObject({ sessionId: "session-1", provider: "github", verifierSealed: "sealed-verifier" });
      expect((await store.oauthStates.used("h-1", "connect"))?.sessionId).toBe("session-1");
      expect(await other.oauthStates.consume("h-old", "connect", T0 + 1_000)).toBeUndefined(); // expired
      await other.close();
    });

    it("a connect session whose providers finish at once on two instances records every grant", async () => {
      const { store, another } = await harness().fresh();
      const other = await another();
      const { app } = await seed(store);
      const providers = ["github", "slack", "google", "notion", "linear", "jira"];
      const session = (id: string) => ({
        id, appId: app.id, keyId: null, pageTokenHash: "h", providers, scopes: {}, userId: null, ownerLabel: null,
        createdAt: new Date(T0).toISOString(), expiresAt: new Date(T0 + 600_000).toISOString(),
      });
      await store.connectSessions.insert(session("s-1"));
      await Promise.all(providers.map((p, i) => (i % 2 ? other : store).connectSessions.recordGrant("s-1", p, `grant-${p}`, T0 + 1)));
      const done = (await other.connectSessions.get("s-1"))!;
      expect(Object.keys(done.grantIds).sort()).toEqual([...providers].sort());
      expect(done).toMatchObject({ status: "completed", completedAt: new Date(T0 + 1).toISOString() });
      expect(await store.connectSessions.finish("s-1", "failed", { code: "x", message: "late" }, T0 + 2)).toBe(false);

      await store.connectSessions.insert(session("s-2"));
      await store.connectSessions.recordGrant("s-2", "github", "grant-g", T0 + 1);
      const ends = await Promise.all([
        store.connectSessions.finish("s-2", "denied", { code: "access_denied", message: "no" }, T0 + 2, "slack"),
        other.connectSessions.finish("s-2", "failed", { code: "server_error", message: "boom" }, T0 + 2, "google"),
      ]);
      expect(ends.filter(Boolean)).toHaveLength(1);
      const ended = (await store.connectSessions.get("s-2"))!;
      expect(ended.grantIds).toEqual({ github: "grant-g" });
      expect(Object.keys(ended.outcomes)).toHaveLength(1);
      expect(await store.connectSessions.prune(T0 + 600_000 + 24 * 3600_000 + 1)).toBe(2);
      await other.close();
    });

    it("two instances racing for a refresh lease: exactly one wins each grant", async () => {
      const { store, another } = await harness().fresh();
      const other = await another();
      for (let g = 0; g < 10; g++) {
        const grantId = `grant-${g}`;
        const takes = await Promise.all([
          store.leases.take(grantId, holder("A"), T0, T0, 30_000),
          other.leases.take(grantId, holder("B"), T0, T0, 30_000),
          store.leases.take(grantId, holder("C"), T0, T0, 30_000),
          other.leases.take(grantId, holder("D"), T0, T0, 30_000),
        ]);
        expect(takes.filter((t) => t.kind === "taken")).toHaveLength(1);
        expect(takes.filter((t) => t.kind === "busy")).toHaveLength(3);
      }
      await other.close();
    });

    it("lease life: busy while held, cool-down after a failure for everyone, expiry and dead holders taken over", async () => {
      const { store } = await harness().fresh();
      const L = 30_000;
      expect(await store.leases.take("g", holder("A"), T0, T0, L)).toEqual({ kind: "taken", takeover: false, failures: 0 });
      expect(await store.leases.take("g", holder("B"), T0 + 1, T0, L)).toEqual({ kind: "busy", expiresAt: T0 + L });
      expect((await store.leases.take("g", holder("A"), T0 + 1, T0, L)).kind).toBe("taken"); // its own
      await store.leases.recordFailure("g", "A", T0 + 2_000, 1, "invalid_grant");
      expect(await store.leases.take("g", holder("B"), T0 + 2, T0 + 1_000, L)).toEqual({ kind: "cooling", retryAt: T0 + 2_000, failures: 1, lastError: "invalid_grant" });
      expect(await store.leases.take("g", holder("B"), T0 + 3, T0 + 2_000, L)).toEqual({ kind: "taken", takeover: false, failures: 1 });
      expect(await store.leases.take("g", holder("C"), T0 + 3 + L + 1, T0, L)).toMatchObject({ kind: "taken" }); // B's lease expired
      expect(await store.leases.take("g", holder("D"), T0 + 4 + L, T0, L, () => true)).toEqual({ kind: "taken", takeover: true, failures: 1 });
      await store.leases.drop("g", "D");
      expect(await store.leases.take("g", holder("E"), T0 + 5 + L, T0, L)).toEqual({ kind: "taken", takeover: false, failures: 0 });
    });
  });
  coreConformance(harness);
  oauthConformance(harness);
  approvalsConformance(harness);
  adminConformance(harness);
  rotationConformance(harness);
  cacheConformance(harness);
  auditLogConformance(harness);
}

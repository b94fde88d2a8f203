// Conformance cases of the identity and OAuth repositories (issue 14, store-oauth): the IDP
// configuration, user listings, the grants an identity change touches, and the shared rows of
// browser and device flows. Run by conformance.ts on SQLite and on a real PostgreSQL.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import type { Store } from "../../../vault/storage/store/index.js";
import type { StoreHarness } from "./conformance.js";

const SECRET = "canary-idp-Kq7Pz2";
const T0 = Date.parse("2026-05-01T10:00:00.000Z");

const idpInput = (issuer: string, clientSecret: string | null) => ({
  issuer,
  audience: "aud-1",
  extraAudiences: ["https://mcp.example"],
  clientId: "client-1",
  clientSecret,
  groupsClaim: "groups",
  discovery: { jwksUri: `${issuer}/jwks`, algorithms: ["RS256"] },
});

async function grantFor(store: Store, appId: string, p: { type: "user" | "group"; id: string; issuer: string }) {
  return store.grants.insert(
    { appId, provider: "github", account: null, principalType: p.type, principalId: p.id, principalLabel: null, principalIssuer: p.issuer, scopes: [], source: "oauth", policy: {}, expiresAt: null },
    T0,
  );
}

export function oauthConformance(harness: () => StoreHarness): void {
  describe("identity: IDP configuration and users", () => {
    it("IDP config: upsert keeps its creation time, the client secret is sealed and opens only on request, delete once", async () => {
      const { store, raw } = await harness().fresh();
      const app = await store.apps.create("idp", T0);
      expect(await store.idpConfigs.get(app.id)).toBeUndefined();
      const first = await store.idpConfigs.save(app.id, idpInput("https://a.example", SECRET), T0);
      expect(first).toMatchObject({ issuer: "https://a.example", audience: "aud-1", client_id: "client-1", created_at: new Date(T0).toISOString() });
      expect(JSON.parse(first.extra_audiences)).toEqual(["https://mcp.example"]);
      expect(JSON.parse(first.discovery)).toEqual({ jwksUri: "https://a.example/jwks", algorithms: ["RS256"] });
      expect(await store.idpConfigs.openClientSecret(app.id)).toBe(SECRET);
      const rows = await raw<Record<string, unknown>>("SELECT * FROM idp_configs");
      expect(JSON.stringify(rows)).not.toContain(SECRET);
      expect(inspect(store, { depth: 5 }) + JSON.stringify(first)).not.toContain(SECRET);
      const second = await store.idpConfigs.save(app.id, idpInput("https://b.example", null), T0 + 5);
      expect(second).toMatchObject({ issuer: "https://b.example", client_secret_sealed: null, created_at: new Date(T0).toISOString(), updated_at: new Date(T0 + 5).toISOString() });
      expect(await store.idpConfigs.openClientSecret(app.id)).toBeNull();
      expect(await store.idpConfigs.delete(app.id)).toBe(true);
      expect(await store.idpConfigs.delete(app.id)).toBe(false);
      expect(await store.idpConfigs.get(app.id)).toBeUndefined();
    });

    it("users: listed with last use and groups, found by subject at every issuer", async () => {
      const { store } = await harness().fresh();
      const app = await store.apps.create("users", T0);
      const other = await store.apps.create("other", T0);
      const a = await store.users.ensure(app.id, "https://a.example", "alice", T0);
      const b = await store.users.ensure(app.id, "https://b.example", "alice", T0 + 1);
      const c = await store.users.ensure(app.id, "https://a.example", "carol", T0 + 2);
      await store.users.ensure(other.id, "https://a.example", "alice", T0);
      await store.users.setGroups(a.id, ["ops", "dev"], T0);
      await store.users.seen(a.id, T0 + 10);
      const list = await store.users.list(app.id);
      expect(list.map((u) => [u.id, u.lastSeenAt, [...u.groups].sort()])).toEqual([
        [a.id, new Date(T0 + 10).toISOString(), ["dev", "ops"]],
        [b.id, null, []],
        [c.id, null, []],
      ]);
      expect((await store.users.bySubject(app.id, "alice")).map((u) => u.issuer)).toEqual(["https://a.example", "https://b.example"]);
      expect(await store.users.bySubject(app.id, "nobody")).toEqual([]);
    });

    it("grants bound to identities: orphaned from an issuer, of an issuer, of a user; revoked ones left out", async () => {
      const { store } = await harness().fresh();
      const app = await store.apps.create("orphans", T0);
      const alice = await store.users.ensure(app.id, "https://a.example", "alice", T0);
      const bob = await store.users.ensure(app.id, "https://b.example", "bob", T0);
      const ga = await grantFor(store, app.id, { type: "user", id: alice.id, issuer: "https://a.example" });
      const gb = await grantFor(store, app.id, { type: "user", id: bob.id, issuer: "https://b.example" });
      const gg = await grantFor(store, app.id, { type: "group", id: "ops", issuer: "https://b.example" });
      const gone = await grantFor(store, app.id, { type: "user", id: bob.id, issuer: "https://b.example" });
      await store.grants.revoke(app.id, gone.id, "test", T0);
      const ids = (gs: { id: string }[]) => gs.map((g) => g.id).sort();
      expect(ids(await store.grants.liveBoundTo(app.id, { orphanedFrom: "https://a.example" }))).toEqual([gb.id, gg.id].sort());
      expect(ids(await store.grants.liveBoundTo(app.id, { orphanedFrom: null }))).toEqual([ga.id, gb.id, gg.id].sort());
      expect(ids(await store.grants.liveBoundTo(app.id, { issuer: "https://b.example" }))).toEqual([gb.id, gg.id].sort());
      expect(ids(await store.grants.liveBoundTo(app.id, { userId: bob.id }))).toEqual([gb.id]);
      expect(await store.grants.liveBoundTo("another-app", { orphanedFrom: null })).toEqual([]);
    });
  });

  describe("OAuth flows: endpoint overrides, sign-in sessions, device authorizations, refresh writes", () => {
    const endpoints = (issuer: string | null) => ({
      authorize_url: "https://as.example/authorize",
      token_url: "https://as.example/token",
      revoke_url: null,
      userinfo_url: null,
      device_authorization_url: null,
      auth_method: "client_secret_basic",
      issuer,
      iss_parameter_supported: issuer ? 1 : null,
      callback: null,
    });

    it("endpoint overrides: the whole row replaced on put; other providers' issuers found for the mix-up check", async () => {
      const { store } = await harness().fresh();
      const app = await store.apps.create("oauth", T0);
      expect(await store.oauthEndpoints.get(app.id, "github")).toBeUndefined();
      await store.oauthEndpoints.put(app.id, "github", endpoints("https://github.example"), T0);
      await store.oauthEndpoints.put(app.id, "slack", endpoints(null), T0);
      await store.oauthEndpoints.put(app.id, "notion", endpoints("https://notion.example"), T0);
      expect(await store.oauthEndpoints.get(app.id, "github")).toEqual(endpoints("https://github.example"));
      await store.oauthEndpoints.put(app.id, "github", { ...endpoints(null), token_url: "https://other.example/token" }, T0 + 1);
      expect(await store.oauthEndpoints.get(app.id, "github")).toMatchObject({ token_url: "https://other.example/token", issuer: null, iss_parameter_supported: null });
      expect(await store.oauthEndpoints.otherIssuers(app.id, "slack")).toEqual([{ provider: "notion", issuer: "https://notion.example" }]);
      expect(await store.oauthEndpoints.otherIssuers(app.id, "notion")).toEqual([]);
    });

    it("sign-in sessions: completed once, failed only while pending; the ID token handed over once across two instances", async () => {
      const { store, another } = await harness().fresh();
      const other = await another();
      const app = await store.apps.create("auth", T0);
      const session = (id: string) => ({ id, app_id: app.id, key_id: null, page_token_hash: "ab", created_at: new Date(T0).toISOString(), expires_at: new Date(T0 + 600_000).toISOString() });
      await store.authSessions.insert(session("s1"));
      await store.authSessions.insert(session("s2"));
      expect(await store.authSessions.get("s1")).toMatchObject({ status: "pending", id_token_sealed: null, app_id: app.id });
      expect(await store.authSessions.complete("s1", "sealed-token", "Alice", T0)).toBe(true);
      expect(await other.authSessions.complete("s1", "another", "Mallory", T0)).toBe(false);
      expect(await store.authSessions.fail("s1", "failed", "auth_failed", "late", T0)).toBe(false);
      expect(await store.authSessions.fail("s2", "expired", "device_code_expired", "too late", T0)).toBe(true);
      expect(await store.authSessions.get("s2")).toMatchObject({ status: "expired", error_code: "device_code_expired", error_message: "too late" });
      const takes = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).authSessions.takeToken("s1", T0)));
      expect(takes.filter((t) => t !== null)).toEqual(["sealed-token"]);
      expect(await store.authSessions.get("s1")).toMatchObject({ status: "completed", id_token_sealed: null, user_label: "Alice" });
      expect(await store.authSessions.takeToken("s2", T0)).toBeNull();
      await other.close();
    });

    it("device authorizations: a due poll claimed by one of several instances; waits and endings", async () => {
      const { store, another } = await harness().fresh();
      const other = await another();
      const app = await store.apps.create("device", T0);
      const row = (id: string, provider: string | null) => ({
        id, app_id: app.id, flow: "connect" as const, session_id: "sess", provider, device_code_sealed: `sealed-${id}`,
        interval_s: 5, next_poll_at: T0, created_at: new Date(T0).toISOString(), expires_at: new Date(T0 + 600_000).toISOString(),
      });
      await store.deviceAuthorizations.insert(row("d2", "slack"));
      await store.deviceAuthorizations.insert(row("d1", "github"));
      expect((await store.deviceAuthorizations.ofSession("sess")).map((d) => [d.id, d.status, d.polls])).toEqual([["d1", "pending", 0], ["d2", "pending", 0]]);
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? other : store).deviceAuthorizations.claimPoll("d1", T0, T0 + 5_000)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await store.deviceAuthorizations.ofSession("sess"))[0]).toMatchObject({ next_poll_at: T0 + 5_000, polls: 1 });
      await store.deviceAuthorizations.wait("d1", 10, T0 + 20_000);
      expect((await store.deviceAuthorizations.ofSession("sess"))[0]).toMatchObject({ interval_s: 10, next_poll_at: T0 + 20_000 });
      expect(await store.deviceAuthorizations.end("d1", "done")).toBe(true);
      expect(await other.deviceAuthorizations.end("d1", "failed")).toBe(false);
      expect(await store.deviceAuthorizations.claimPoll("d1", T0 + 20_000, T0 + 30_000)).toBe(false);
      const after = await store.deviceAuthorizations.ofSession("sess");
      expect(after[0]).toMatchObject({ status: "done", device_code_sealed: null });
      expect((await store.deviceAuthorizations.ofSession("sess", true)).map((d) => d.id)).toEqual(["d2"]);
      await other.close();
    });

    it("refresh writes: rotated tokens, the whole answer and the status, only while the grant is active", async () => {
      const { store } = await harness().fresh();
      const app = await store.apps.create("refresh", T0);
      const alice = await store.users.ensure(app.id, "https://a.example", "alice", T0);
      const g = await grantFor(store, app.id, { type: "user", id: alice.id, issuer: "https://a.example" });
      expect(await store.grants.setRotatedTokens(g.id, "sealed-1")).toBe(true);
      expect((await store.grants.get(app.id, g.id))?.credentialSealed).toBe("sealed-1");
      const at = new Date(T0 + 3_600_000).toISOString();
      expect(await store.grants.setRefreshed(g.id, "sealed-2", at, ["read", "write"])).toBe(true);
      expect(await store.grants.get(app.id, g.id)).toMatchObject({ credentialSealed: "sealed-2", credentialExpiresAt: at, scopes: ["read", "write"] });
      await store.grants.setStatus(g.id, "reauth_required");
      expect((await store.grants.get(app.id, g.id))?.status).toBe("reauth_required");
      expect(await store.grants.setRotatedTokens(g.id, "sealed-3")).toBe(false);
      expect(await store.grants.setRefreshed(g.id, "sealed-3", null, [])).toBe(false);
      expect((await store.grants.get(app.id, g.id))?.credentialSealed).toBe("sealed-2");
    });
  });
}

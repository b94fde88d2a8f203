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
}

// The store conformance cases of what operators do (vault/admin: keys, secrets, providers,
// grants), on SQLite and on a real PostgreSQL: lists in order, conditional state changes, and
// read-then-write steps that hold when two instances (or two operators) change one row at once.
import { describe, expect, it } from "vitest";
import type { Store } from "../../../vault/storage/store/index.js";
import type { StoreHarness } from "./conformance.js";

const T0 = Date.parse("2026-05-01T10:00:00.000Z");
const derived = () => ({ requestSigning: Buffer.alloc(32, 1), responseSigning: Buffer.alloc(32, 2), credentialSealing: Buffer.alloc(32, 3) });

async function seed(store: Store) {
  const app = await store.apps.create("admin", T0);
  const secret = await store.secrets.insert({ appId: app.id, provider: "github", label: "bot", type: "token", value: { token: "t" }, policyFloor: { maxTtlSeconds: 60 } }, T0);
  const grant = await store.grants.insert(
    { appId: app.id, provider: "github", account: null, principalType: "system", principalId: null, principalLabel: "ci", scopes: [], source: "managed_secret", managedSecretId: secret.id, policy: {}, expiresAt: null },
    T0,
  );
  return { app, secret, grant };
}

export function adminConformance(harness: () => StoreHarness): void {
  describe("operator records", () => {
    it("deployment: the public URL is unset, then recorded, then replaced", async () => {
      const { store } = await harness().fresh();
      expect(await store.deployment.publicUrl()).toBeUndefined();
      await store.deployment.setPublicUrl("https://vault.example.com");
      await store.deployment.setPublicUrl("https://vault.example.org");
      expect(await store.deployment.publicUrl()).toBe("https://vault.example.org");
    });

    it("api keys: listed oldest first; scopes replaced; deprecated only while active", async () => {
      const { store } = await harness().fresh();
      const { app } = await seed(store);
      const base = { appId: app.id, label: null, derived: derived(), kind: "service" as const, scopes: ["call" as const] };
      await store.apiKeys.insert({ ...base, id: "k2" }, T0);
      await store.apiKeys.insert({ ...base, id: "k1" }, T0 + 1);
      expect((await store.apiKeys.list(app.id)).map((k) => k.id)).toEqual(["k2", "k1"]);
      expect(await store.apiKeys.setScopes("k1", ["call", "provision"])).toBe(true);
      expect(await store.apiKeys.setScopes("nope", ["call"])).toBe(false);
      expect((await store.apiKeys.get("k1"))?.scopes).toEqual(["call", "provision"]);
      expect(await store.apiKeys.deprecate("k1", "2026-06-01T00:00:00.000Z", T0 + 2)).toBe(true);
      expect(await store.apiKeys.deprecate("k1", "2026-07-01T00:00:00.000Z", T0 + 3)).toBe(false);
      expect(await store.apiKeys.get("k1")).toMatchObject({ state: "deprecated", sunsetAt: "2026-06-01T00:00:00.000Z" });
      await store.apiKeys.revoke("k2", T0 + 4);
      expect(await store.apiKeys.deprecate("k2", "2026-06-01T00:00:00.000Z", T0 + 5)).toBe(false);
    });

    it("secrets and providers: listed; a floor replaced returns what it replaced", async () => {
      const { store } = await harness().fresh();
      const { app, secret } = await seed(store);
      await store.providers.set(app.id, "zendesk", { baseUrl: "https://z.example" }, T0);
      await store.providers.set(app.id, "acme", { clientId: "c" }, T0);
      expect((await store.providers.list(app.id)).map((p) => p.provider)).toEqual(["acme", "zendesk"]);
      expect((await store.secrets.list(app.id)).map((s) => s.id)).toEqual([secret.id]);
      const r = await store.secrets.replaceFloor(app.id, secret.id, { maxTtlSeconds: 30 });
      expect(r?.before.policyFloor).toEqual({ maxTtlSeconds: 60 });
      expect(r?.after.policyFloor).toEqual({ maxTtlSeconds: 30 });
      expect((await store.secrets.get(app.id, secret.id))?.policyFloor).toEqual({ maxTtlSeconds: 30 });
      expect(await store.secrets.replaceFloor(app.id, "nope", {})).toBeUndefined();
    });

    it("grants: listed by provider; a policy update sees the grant as it stands and changes nothing when refused", async () => {
      const { store } = await harness().fresh();
      const { app, grant } = await seed(store);
      expect((await store.grants.listAll(app.id, "github")).map((g) => g.id)).toEqual([grant.id]);
      expect(await store.grants.listAll(app.id, "slack")).toEqual([]);
      const updated = await store.grants.updatePolicy(app.id, grant.id, (g) => {
        expect(g.policyFloor).toEqual({ maxTtlSeconds: 60 });
        return { policy: { maxTtlSeconds: 10 }, expiresAt: "2026-05-02T00:00:00.000Z" };
      });
      expect(updated).toMatchObject({ id: grant.id, policy: { maxTtlSeconds: 10 }, expiresAt: "2026-05-02T00:00:00.000Z" });
      await expect(store.grants.updatePolicy(app.id, grant.id, () => { throw new Error("over the floor"); })).rejects.toThrow("over the floor");
      expect((await store.grants.get(app.id, grant.id))?.policy).toEqual({ maxTtlSeconds: 10 });
      await store.grants.revoke(app.id, grant.id, null, T0);
      expect(await store.grants.updatePolicy(app.id, grant.id, () => ({ policy: {}, expiresAt: null }))).toBeUndefined();
    });

    it("grants: policy updates from two instances at once each see the other's (no lost update)", async () => {
      const { store, another } = await harness().fresh();
      const other = await another();
      const { app, grant } = await seed(store);
      const bump = (s: Store) => s.grants.updatePolicy(app.id, grant.id, (g) => ({ policy: { maxTtlSeconds: (g.policy.maxTtlSeconds ?? 0) + 1 }, expiresAt: null }));
      await Promise.all(Array.from({ length: 12 }, (_, i) => bump(i % 2 ? other : store)));
      expect((await store.grants.get(app.id, grant.id))?.policy).toEqual({ maxTtlSeconds: 12 });
      await other.close();
    });
  });
}

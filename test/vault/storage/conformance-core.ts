// Conformance cases of the repositories the hot path and its infrastructure moved onto (issue 14,
// branch store-core): a page of grants, issuing a grant inside a transaction, and the stored
// operations of a provider outside the catalog. Run on both engines by conformance.ts.
import { describe, expect, it } from "vitest";
import type { Store } from "../../../vault/storage/store/index.js";
import type { NewGrant } from "../../../vault/storage/grants.js";
import { HASHED_COLUMNS } from "../../../vault/crypto/audit-chain.js";
import { chainRow, type StoreHarness } from "./conformance.js";

const T0 = Date.parse("2026-05-01T10:00:00.000Z");

async function appWithUser(store: Store) {
  const app = await store.apps.create("core", T0);
  const issuer = "https://idp.example";
  const user = await store.users.ensure(app.id, issuer, "alice", T0);
  const base = { appId: app.id, account: null, scopes: [], source: "oauth" as const, policy: {}, expiresAt: null };
  return { app, issuer, user, base };
}

export function coreConformance(harness: () => StoreHarness): void {
  describe("grants listed page by page (GET /v1/grants)", () => {
    it("filters by provider, principal type and identity, in (created_at, id) order across pages", async () => {
      const { store } = await harness().fresh();
      const { app, issuer, user, base } = await appWithUser(store);
      const made: NewGrant[] = [
        { ...base, id: "g-3", provider: "slack", principalType: "user", principalId: user.id, principalLabel: "mine" },
        { ...base, id: "g-1", provider: "slack", principalType: "group", principalId: "eng", principalIssuer: issuer, principalLabel: "eng" },
        { ...base, id: "g-2", provider: "slack", principalType: "system", principalId: null, principalLabel: "ci" },
        { ...base, id: "g-4", provider: "github", principalType: "user", principalId: user.id, principalLabel: "gh" },
        { ...base, id: "g-5", provider: "slack", principalType: "group", principalId: "ops", principalIssuer: issuer, principalLabel: "ops" },
      ];
      // g-1..g-3 share one creation time: the id breaks the tie.
      for (const [i, g] of made.entries()) await store.grants.insert(g, i < 3 ? T0 : T0 + i);
      const ids = (gs: { id: string }[]) => gs.map((g) => g.id);
      expect(ids(await store.grants.page(app.id))).toEqual(["g-1", "g-2", "g-3", "g-4", "g-5"]);
      expect(ids(await store.grants.page(app.id, { provider: "slack" }))).toEqual(["g-1", "g-2", "g-3", "g-5"]);
      expect(ids(await store.grants.page(app.id, { principalType: "group" }))).toEqual(["g-1", "g-5"]);
      const identity = { userId: user.id, issuer, groups: ["eng"] };
      expect(ids(await store.grants.page(app.id, { identity }))).toEqual(["g-1", "g-3", "g-4"]);
      const first = await store.grants.page(app.id, { limit: 2 });
      expect(ids(first)).toEqual(["g-1", "g-2"]);
      const last = first[first.length - 1]!;
      expect(ids(await store.grants.page(app.id, { after: { createdAt: last.createdAt, id: last.id }, limit: 2 }))).toEqual(["g-3", "g-4"]);
      expect(await store.grants.page("other-app")).toEqual([]);
    });
  });

  describe("a grant issued inside a transaction", () => {
    it.each([
      ["commits", false],
      ["rolls back", true],
    ] as const)("%s with it, reading its secret and user through the transaction", async (_name, fail) => {
      const { store } = await harness().fresh();
      const { app, user, base } = await appWithUser(store);
      const secret = await store.secrets.insert({ appId: app.id, provider: "github", label: "bot", type: "token", value: { token: "t" } }, T0);
      const issued = store.sql.transaction(async (tx) => {
        expect((await store.secrets.get(app.id, secret.id, tx))?.provider).toBe("github");
        const g = await store.grants.insert({ ...base, provider: "github", principalType: "user", principalId: user.id, principalLabel: "a", source: "managed_secret", managedSecretId: secret.id }, T0, tx);
        expect(g.principalIssuer).toBe("https://idp.example");
        if (fail) throw new Error("after the insert");
        return g;
      });
      if (fail) {
        await expect(issued).rejects.toThrow("after the insert");
        expect(await store.grants.page(app.id)).toEqual([]);
      } else {
        const g = await issued;
        expect((await store.grants.get(app.id, g.id))?.managedSecretId).toBe(secret.id);
      }
    });
  });

  describe("stored operations of a provider outside the catalog", () => {
    it("are saved, replaced and read per app and provider", async () => {
      const { store } = await harness().fresh();
      const app = await store.apps.create("core", T0);
      expect(await store.providerOperations.get(app.id, "acme")).toBeUndefined();
      await store.providerOperations.save(app.id, "acme", [["items/list", "GET", "/items"]], T0);
      await store.providerOperations.save(app.id, "acme", [["items/create", "POST", "/items"], ["items/get", "GET", "/items/{id}"]], T0 + 1);
      expect(await store.providerOperations.get(app.id, "acme")).toEqual({
        operations: [["items/create", "POST", "/items"], ["items/get", "GET", "/items/{id}"]],
        updatedAt: new Date(T0 + 1).toISOString(),
      });
      expect(await store.providerOperations.get("other-app", "acme")).toBeUndefined();
    });
  });
  describe("the audit chain read as arrays of values (the verifier's long scan)", () => {
    it("holds the rows read() holds, in HASHED_COLUMNS order then the hash, page by page", async () => {
      const { store } = await harness().fresh();
      await store.audit.append([1, 2, 3, 4, 5].map((i) => chainRow(i)));
      const objects = await store.audit.read(1, 3);
      const values = await store.audit.readValues(1, 3);
      expect(values).toEqual(objects.map((r) => [...HASHED_COLUMNS.map((c) => r[c]), r.hash]));
      expect(values.map((v) => v[0])).toEqual([2, 3, 4]);
      expect(await store.audit.readValues(5)).toEqual([]);
    });
  });
}

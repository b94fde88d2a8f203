// Master-key rotation through the store (crypto/sealed-columns.ts resealAll), on SQLite and on a
// real PostgreSQL: every sealed value opens under the new key after the transaction commits, and a
// value that does not open under the old key rolls every change back.
import { describe, expect, it } from "vitest";
import { AtRest } from "../../../vault/crypto/at-rest.js";
import { resealAll, sealedColumns } from "../../../vault/crypto/sealed-columns.js";
import { checkMasterKeyIn, writeMasterKeyCheck } from "../../../vault/crypto/key-check.js";
import { createStore } from "../../../vault/storage/store/index.js";
import { CANARY, crypto as oldKey, type StoreHarness } from "./conformance.js";

const T0 = Date.parse("2026-05-01T10:00:00.000Z");
const newKey = new AtRest(Buffer.alloc(32, 9));

export function rotationConformance(harness: () => StoreHarness): void {
  describe("master-key rotation through the store", () => {
    it("the master-key check: written (and rewritten) through the store, opened by its key only", async () => {
      const { store } = await harness().fresh();
      await expect(checkMasterKeyIn(store.sql, oldKey)).rejects.toThrow(/no master key check/);
      await store.sql.transaction((tx) => writeMasterKeyCheck(tx, newKey));
      await writeMasterKeyCheck(store.sql, oldKey);
      await checkMasterKeyIn(store.sql, oldKey);
      await expect(checkMasterKeyIn(store.sql, newKey)).rejects.toThrow(/does not open this vault's data/);
    });

    it("re-seals every sealed column in one transaction; a value the old key cannot open changes nothing", async () => {
      const { store, raw } = await harness().fresh();
      const app = await store.apps.create("rotation", T0);
      const secret = await store.secrets.insert({ appId: app.id, provider: "github", label: null, type: "token", value: { token: CANARY } }, T0);
      await store.providers.set(app.id, "acme", { clientSecret: `${CANARY}-client` }, T0);
      await store.approvalWebhooks.save({
        app_id: app.id, url_sealed: oldKey.sealJson("approval-webhook-url", app.id, "https://hooks.example/x"), url_shown: "https://hooks.example/***",
        secret_sealed: oldKey.sealJson("approval-webhook-secret", app.id, "whsec_x"), created_at: "t",
      });

      // A row sealed under a third key: the rotation must stop and leave everything as it was.
      const stranger = new AtRest(Buffer.alloc(32, 3));
      await store.sql.run("INSERT INTO meta (key, value) VALUES (?, ?)", ["sealed:foreign", stranger.seal("meta", "sealed:foreign", "x")]);
      const before = await raw<{ sealed: string }>("SELECT sealed FROM managed_secrets");
      await expect(store.sql.transaction((tx) => resealAll(tx, oldKey, newKey))).rejects.toThrow();
      expect(await raw<{ sealed: string }>("SELECT sealed FROM managed_secrets")).toEqual(before);
      expect(await store.secrets.open(secret.id)).toEqual({ token: CANARY });

      await store.sql.run("DELETE FROM meta WHERE key = ?", ["sealed:foreign"]);
      const n = await store.sql.transaction((tx) => resealAll(tx, oldKey, newKey));
      expect(n).toBe(4);
      const rotated = createStore(store.sql, newKey);
      expect(await rotated.secrets.open(secret.id)).toEqual({ token: CANARY });
      expect(await rotated.providers.openClientSecret(app.id, "acme")).toBe(`${CANARY}-client`);
      const hook = await rotated.approvalWebhooks.get(app.id);
      expect(newKey.openJson("approval-webhook-secret", app.id, hook!.secret_sealed)).toBe("whsec_x");
      expect(newKey.openJson("approval-webhook-url", app.id, hook!.url_sealed!)).toBe("https://hooks.example/x");
      await expect(store.secrets.open(secret.id)).rejects.toThrow(); // the old key no longer opens it
      expect(sealedColumns.length).toBeGreaterThan(3);
    });
  });
}

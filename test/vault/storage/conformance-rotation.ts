// Master-key rotation through the store, on SQLite and on a real PostgreSQL: the master-key
// check, the KEK state instances adopt (one current KEK however many open at once, one MAC root),
// rewrapping every sealed column under a new KEK in batches (a value that does not open stops it,
// naming its place, and leaves the batch unchanged), and the rotation lease (one holder at a time,
// an expired one taken over).
import { describe, expect, it } from "vitest";
import { AtRest } from "../../../vault/crypto/at-rest.js";
import { kekIdOf } from "../../../vault/crypto/folder-keyring.js";
import { adoptKeyState, keks } from "../../../vault/crypto/kek-state.js";
import { checkMasterKeyIn, writeMasterKeyCheck } from "../../../vault/crypto/key-check.js";
import { countNotUnder, rewrapAll } from "../../../vault/crypto/rewrap.js";
import { takeRotationLease } from "../../../vault/crypto/rotation-lease.js";
import { createStore } from "../../../vault/storage/store/index.js";
import { CANARY, crypto as oldKey, type StoreHarness } from "./conformance.js";

const T0 = Date.parse("2026-05-01T10:00:00.000Z");
const OLD = Buffer.alloc(32, 7);
const NEXT = Buffer.alloc(32, 9);
const newKey = new AtRest(Buffer.from(NEXT));

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

    it("instances opening at once record one current KEK and adopt one MAC root", async () => {
      const { store } = await harness().fresh();
      const instances = [0, 1, 2].map(() => new AtRest(Buffer.from(OLD)));
      await Promise.all(instances.map((c) => adoptKeyState(store.sql, c, { now: T0 })));
      expect(await keks(store.sql)).toEqual([{ id: kekIdOf(OLD), status: "current" }]);
      const macs = instances.map((c) => c.mac("approval-page-csrf", "x"));
      expect(new Set(macs).size).toBe(1);
      // A vault from before envelopes: the root is the one its MACs were always made under.
      expect(macs[0]).toBe(new AtRest(Buffer.from(OLD)).mac("approval-page-csrf", "x"));
    });

    it("rewraps every sealed column under the current KEK in batches; a value that does not open stops it and changes nothing of its batch", async () => {
      const { store, raw } = await harness().fresh();
      const app = await store.apps.create("rotation", T0);
      const secret = await store.secrets.insert({ appId: app.id, provider: "github", label: null, type: "token", value: { token: CANARY } }, T0);
      await store.providers.set(app.id, "acme", { clientSecret: `${CANARY}-client` }, T0);
      await store.approvalWebhooks.save({
        app_id: app.id, url_sealed: oldKey.sealJson("approval-webhook-url", app.id, "https://hooks.example/x"), url_shown: "https://hooks.example/***",
        secret_sealed: oldKey.sealJson("approval-webhook-secret", app.id, "whsec_x"), created_at: "t",
      });
      // The rotation's ring holds both KEKs, the new one current.
      const rotation = new AtRest(Buffer.from(OLD));
      const next = rotation.keyring.adopt(NEXT);
      expect(rotation.keyring.useCurrent(next)).toBe(true);

      // A row sealed under a third key: the rotation stops there, naming it, and its batch is unchanged.
      const stranger = new AtRest(Buffer.alloc(32, 3));
      await store.sql.run("INSERT INTO meta (key, value) VALUES (?, ?)", ["sealed:foreign", stranger.seal("meta", "sealed:foreign", "x")]);
      const before = await raw<{ value: string }>("SELECT value FROM meta WHERE key = 'sealed:foreign'");
      await expect(rewrapAll(store.sql, rotation, { batchSize: 1 })).rejects.toThrow(/meta\.value of record "sealed:foreign" \(mk-[0-9a-f]{16}\): a sealed meta value does not open/);
      expect(await raw<{ value: string }>("SELECT value FROM meta WHERE key = 'sealed:foreign'")).toEqual(before);
      expect(await store.secrets.open(secret.id)).toEqual({ token: CANARY });

      await store.sql.run("DELETE FROM meta WHERE key = ?", ["sealed:foreign"]);
      let batches = 0;
      const n = await rewrapAll(store.sql, rotation, { batchSize: 1, afterBatch: () => void batches++ });
      expect(n).toBe(4);
      expect(batches).toBe(4);
      expect(await countNotUnder(store.sql, next)).toBe(0);
      // Only the new KEK is needed now; the old one alone opens nothing.
      const rotated = createStore(store.sql, newKey);
      expect(await rotated.secrets.open(secret.id)).toEqual({ token: CANARY });
      expect(await rotated.providers.openClientSecret(app.id, "acme")).toBe(`${CANARY}-client`);
      const hook = await rotated.approvalWebhooks.get(app.id);
      expect(newKey.openJson("approval-webhook-secret", app.id, hook!.secret_sealed)).toBe("whsec_x");
      expect(newKey.openJson("approval-webhook-url", app.id, hook!.url_sealed!)).toBe("https://hooks.example/x");
      await expect(store.secrets.open(secret.id)).rejects.toThrow(/does not open/);
      // Nothing left to do: a second pass rewrites nothing.
      expect(await rewrapAll(store.sql, rotation)).toBe(0);
    });

    it("the rotation lease: one holder at a time, taken again once released or expired", async () => {
      const { store } = await harness().fresh();
      let now = T0;
      const first = await takeRotationLease(store.sql, () => now, 10_000);
      await expect(takeRotationLease(store.sql, () => now)).rejects.toThrow(/Another master-key rotation is running \(pid \d+ on .+, since 2026-05-01T10:00:00.000Z\)/);
      now += 5_000;
      await first.renew();
      now += 9_000;
      await expect(takeRotationLease(store.sql, () => now)).rejects.toThrow(/Another master-key rotation is running/);
      now += 2_000;
      const second = await takeRotationLease(store.sql, () => now, 10_000);
      await expect(first.renew()).rejects.toThrow(/lost its lease/);
      await second.release();
      const third = await takeRotationLease(store.sql, () => now);
      await third.release();
    });
  });
}

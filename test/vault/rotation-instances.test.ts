// Master-key rotation while two vault instances serve one PostgreSQL database (issue 14). Each
// instance is a server over its own data folder (a copy: its own master.key, later its own
// keyring.json) with a PostgreSQL store of its own, as another machine would run. Clients
// retrieve a credential and proxy calls to a GitHub stand-in through both while the rotation
// runs: add a KEK (--add-only), the operator copies keyring.json to the other folder, then the
// rest (make current, rewrap in batches, retire). Every call succeeds, both instances follow the new KEK, a second rotation is
// refused meanwhile, nothing references the old KEK afterwards, dropping it from every keyring
// keeps every call working, and MACs issued before the rotation still verify on both.
import { copyFileSync, cpSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type PgCluster } from "../support/postgres.js";
import { postgresStore, type Store } from "../../vault/storage/store/index.js";
import { migratePostgres } from "../../vault/storage/sql/pg-migrate.js";
import { initVault } from "../../vault/index.js";
import { openVaultState } from "../../vault/state.js";
import { createVaultServer } from "../../vault/http/server.js";
import { allRoutes } from "../../vault/http/routes/index.js";
import { ApiKey } from "../../runtime/internal/keys.js";
import type { OpenedVault } from "../../vault/context.js";
import { AtRest } from "../../vault/crypto/at-rest.js";
import { adoptKeyState, keks } from "../../vault/crypto/kek-state.js";
import { writeMasterKeyCheck } from "../../vault/crypto/key-check.js";
import { openSealingOn } from "../../vault/crypto/open-sealing.js";
import { KEYRING_FILE, readKeyringFile } from "../../vault/crypto/folder-keyring.js";
import { countNotUnder, envelopePrefix } from "../../vault/crypto/rewrap.js";
import { writeMasterKeyFile, masterKeyPath } from "../../vault/crypto/master-key.js";
import { sealedColumns } from "../../vault/crypto/sealed-columns.js";
import { rotateKeks } from "../../vault/admin/rotate-keks.js";
import { nowSec, send, sign, tempDir, unsealFor } from "./helpers.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";

const CANARY = "ghp_CANARY_rotation_instances_9e2b";
let cluster: PgCluster;
let url = "";
const tmp = tempDir("alter-rotation-instances-");
const dirs = [join(tmp.dir, "a"), join(tmp.dir, "b")];
const stores: Store[] = [];
const states: OpenedVault[] = [];
const servers: Server[] = [];
const urls: string[] = [];
let apiKey = "";
let grantId = "";
let standin: Standin;

beforeAll(async () => {
  cluster = await startPostgres();
  url = await cluster.createDatabase();
  await migratePostgres({ url });
  const init = await initVault({ dataDir: dirs[0]!, env: {} });
  apiKey = init.apiKey;
  cpSync(dirs[0]!, dirs[1]!, { recursive: true });
  for (let i = 0; i < 2; i++) {
    const state = await openVaultState(dirs[i]!, { env: {} });
    const store = await postgresStore(url, state.crypto);
    if (i === 0) {
      const key = ApiKey.parse(init.apiKey);
      await store.apps.create("app", Date.now(), init.appId);
      await store.apiKeys.insert(
        { id: init.keyId, appId: init.appId, label: null, derived: key.derivedKeys, kind: "service", scopes: ["call", "provision", "manage"], ed25519PublicKey: null },
        Date.now(),
      );
      await writeMasterKeyCheck(store.sql, state.crypto);
    }
    // The instance takes the KEK state and MAC root from PostgreSQL and follows it from now on.
    await adoptKeyState(store.sql, state.crypto, { follow: true });
    state.store = store;
    state.startedAt = Date.now() + 3_600_000;
    const server = createVaultServer(state, { routes: allRoutes(), log: () => {} });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    stores.push(store);
    states.push(state);
    servers.push(server);
  }
  standin = await startProviderStandin("github", { credential: CANARY });
  // The provider's settings carry a sealed client secret too (one more column to rewrap).
  await stores[0]!.providers.set(init.appId, "github", { baseUrl: standin.url, clientSecret: `${CANARY}-client` }, Date.now());
  const secret = await stores[0]!.secrets.insert({ appId: init.appId, provider: "github", label: "octocat", type: "token", value: { token: CANARY } }, Date.now());
  for (let i = 0; i < 3; i++) {
    const res = await send(sign(apiKey, { method: "POST", url: `${urls[i % 2]}/v1/grants`, body: { managedSecretId: secret.id, principal: { type: "system", label: `g${i}` } } }));
    expect(res.status).toBe(201);
    grantId = res.json.grant.grantId;
  }
}, 120_000);

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  for (const s of stores) await s.close().catch(() => {});
  for (const s of states) await s.close();
  await cluster?.stop();
  await standin?.close();
  tmp.remove();
});

/** Clients calling through both instances until stopped: retrieve and proxy (to the stand-in) in turn. */
function callers(perInstance: number) {
  let stop = false;
  const results: boolean[] = [];
  const errors: string[] = [];
  let turn = 0;
  const loops = urls.flatMap((u) =>
    Array.from({ length: perInstance }, async () => {
      while (!stop) {
        try {
          const proxy = turn++ % 2 === 1;
          const req = sign(apiKey, {
            method: "POST",
            url: `${u}${proxy ? "/v1/proxy" : "/v1/credentials/retrieve"}`,
            created: nowSec(),
            body: proxy
              ? { grant: { grantId }, provider: "github", request: { operationId: "repos/get", method: "GET", url: `${standin.url}/repos/octo/hello`, headers: { accept: "application/vnd.github+json" }, body: null } }
              : { grant: { grantId }, provider: "github", request: { method: "GET", url: `${standin.url}/user` } },
          });
          const res = await send(req);
          const ok = res.status === 200 && (proxy ? res.json.status === 200 : unsealFor<{ token: string }>(apiKey, req.nonce, res.json.credential).token === CANARY);
          results.push(ok);
          if (!ok) errors.push(`${u} ${res.status} ${JSON.stringify(res.json)}`);
        } catch (e) {
          results.push(false);
          errors.push(`${u} ${String(e)}`);
        }
      }
    }),
  );
  return {
    results,
    errors,
    async stop() {
      stop = true;
      await Promise.all(loops);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MAC_INPUTS = [
  ["approval-page-csrf", "approval-1\npage-token"],
  ["approver-session", "cookie-body"],
  ["audit-checkpoint", "alter-audit-checkpoint/v1\nchain\n1\nhash\ntime"],
] as const;

describe("master-key rotation while two instances serve one PostgreSQL database", () => {
  it("every call succeeds; the old KEK is retired, referenced by nothing, and can be dropped everywhere; MACs still verify", async () => {
    const oldKek = states[0]!.crypto.keyring.currentId;
    expect(states[1]!.crypto.keyring.currentId).toBe(oldKek);
    const macsBefore = states.map((s) => MAC_INPUTS.map(([p, d]) => s.crypto.mac(p, d)));
    expect(macsBefore[1]).toEqual(macsBefore[0]);
    // The rotation's own connection and sealing object, over instance A's folder.
    const rotStore = await postgresStore(url, new AtRest(Buffer.alloc(32, 1)));
    const rotCrypto = await openSealingOn(rotStore.sql, dirs[0]!, {}, { follow: false });
    const load = callers(2);
    try {
      await sleep(200);
      // (a) The new KEK goes into A's keyring.json and the database as known; nothing wraps under it yet.
      const added = await rotateKeks({ sql: rotStore.sql, crypto: rotCrypto, dataDir: dirs[0]!, addOnly: true });
      expect(added.phase).toBe("added");
      expect(Object.fromEntries((await keks(rotStore.sql)).map((k) => [k.id, k.status]))).toEqual({ [oldKek]: "current", [added.kekId]: "known" });
      // Adding again adds nothing more: the same KEK, still only known.
      expect((await rotateKeks({ sql: rotStore.sql, crypto: rotCrypto, dataDir: dirs[0]!, addOnly: true })).kekId).toBe(added.kekId);
      expect((await keks(rotStore.sql)).map((k) => k.status).sort()).toEqual(["current", "known"]);
      // The operator copies keyring.json to the other instance's folder.
      copyFileSync(join(dirs[0]!, KEYRING_FILE), join(dirs[1]!, KEYRING_FILE));
      await sleep(200);

      // (b)-(d), with a second rotation attempted while the first is between batches.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let batches = 0;
      const rotation = rotateKeks({
        sql: rotStore.sql,
        crypto: rotCrypto,
        dataDir: dirs[0]!,
        batchSize: 1,
        afterBatch: async () => {
          if (++batches === 1) await held;
        },
      });
      while (batches === 0) await sleep(20);
      // Both instances follow the current KEK within the bound the rotation waited out.
      expect(states.map((s) => s.crypto.keyring.currentId)).toEqual([added.kekId, added.kekId]);
      const other = await postgresStore(url, new AtRest(Buffer.alloc(32, 1)));
      try {
        await expect(rotateKeks({ sql: other.sql, crypto: await openSealingOn(other.sql, dirs[1]!, {}, { follow: false }), dataDir: dirs[1]! })).rejects.toThrow(
          /Another master-key rotation is running \(pid \d+ on .*, since /,
        );
      } finally {
        await other.close();
      }
      release();
      const done = await rotation;
      expect([done.phase, done.kekId, done.retired]).toEqual(["retired", added.kekId, [oldKek]]);
      expect(done.rewrapped).toBeGreaterThanOrEqual(4);
      await sleep(300);
    } finally {
      await load.stop();
      await rotStore.close();
    }
    expect(load.errors).toEqual([]);
    expect(load.results.length).toBeGreaterThan(20);
    expect(standin.requests.length).toBeGreaterThan(5);
    for (const seen of standin.requests) expect([seen.problems, seen.headers.authorization]).toEqual([[], `Bearer ${CANARY}`]);

    const newKek = states[0]!.crypto.keyring.currentId;
    expect(Object.fromEntries((await keks(stores[0]!.sql)).map((k) => [k.id, k.status]))).toEqual({ [oldKek]: "retired", [newKek]: "current" });
    expect(await countNotUnder(stores[0]!.sql, newKek)).toBe(0);
    for (const c of sealedColumns) {
      const rows = await stores[0]!.sql.all<{ v: string }>(`SELECT ${c.column} AS v FROM ${c.table} WHERE ${c.column} IS NOT NULL${c.where ? ` AND ${c.where}` : ""}`);
      for (const r of rows) expect(r.v.startsWith(envelopePrefix(newKek)), `${c.table}.${c.column}`).toBe(true);
    }

    // The old KEK leaves every keyring: A's folder was settled by the rotation; B's operator
    // puts the new master.key in place and removes keyring.json; both processes forget it.
    expect(existsSync(join(dirs[0]!, KEYRING_FILE))).toBe(false);
    writeMasterKeyFile(masterKeyPath(dirs[1]!), readKeyringFile(dirs[1]!).get(newKek)!);
    rmSync(join(dirs[1]!, KEYRING_FILE));
    for (const s of states) {
      s.crypto.keyring.drop([oldKek]);
      expect(s.crypto.keyring.ids).toEqual([newKek]);
    }
    // A value sealed now by either instance is under the new KEK.
    for (const s of states) expect(s.crypto.seal("meta", "x", "y").startsWith(envelopePrefix(newKek))).toBe(true);
    const after = callers(1);
    await sleep(400);
    await after.stop();
    expect(after.errors).toEqual([]);
    expect(after.results.length).toBeGreaterThan(2);
    // MACs made before the rotation verify on both instances, and on a fresh opener of B's folder.
    expect(states.map((s) => MAC_INPUTS.map(([p, d]) => s.crypto.mac(p, d)))).toEqual(macsBefore);
    const fresh = await openSealingOn(stores[1]!.sql, dirs[1]!, {}, { follow: false });
    expect(MAC_INPUTS.map(([p, d]) => fresh.mac(p, d))).toEqual(macsBefore[0]);
  }, 120_000);
});

// Case 5 of issue 14's multi-instance list: master-key rotation while three vault processes serve
// one PostgreSQL database keeps every call working. SDK calls (retrieve and proxy mode in turn)
// run through the balancer the whole time while the operator, in a shell, runs
// `vault rotate-master-key --database-url … --add-only` in instance A's folder, copies
// keyring.json into B's and C's folders, and runs `vault rotate-master-key` again (make the new
// KEK current, every instance follows it within seconds, rewrap every sealed value, retire the
// old KEK). Afterwards every sealed value in the database is under the new KEK, and an instance
// restarted with only the new master.key in its folder (as the command's last line tells the
// operator) serves the same grants.
import { chmodSync, copyFileSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createGithubClient } from "alter-gen/generated/github";
import { KEYRING_FILE } from "../../../vault/crypto/folder-keyring.js";
import { keks } from "../../../vault/crypto/kek-state.js";
import { masterKeyPath } from "../../../vault/crypto/master-key.js";
import { envelopePrefix } from "../../../vault/crypto/rewrap.js";
import { sealedColumns } from "../../../vault/crypto/sealed-columns.js";
import { runCli } from "../../support/vault-process.js";
import { startAll, startMulti, verifyChains, withStore, type Multi } from "./harness.js";

const INSTANCES = 3;
let world: Multi;
beforeAll(async () => {
  world = await startMulti({ engine: "postgres", instances: INSTANCES });
  await startAll(world, INSTANCES);
}, 90_000);
afterAll(async () => {
  await world?.close();
});

/** SDK calls through the balancer, `workers` at a time, until stop(). */
function load(world: Multi, grantId: string, workers: number) {
  const vault = world.client({ caller: "multi-rotation" });
  const clients = [createGithubClient(vault, { baseUrl: world.github.url, mode: "retrieve" }), createGithubClient(vault, { baseUrl: world.github.url, mode: "proxy" })];
  let stop = false;
  let n = 0;
  const errors: string[] = [];
  const loops = Array.from({ length: workers }, async () => {
    while (!stop) {
      const i = n++;
      try {
        await clients[i % 2]!.repos.get(grantId, { owner: "o", repo: "r" }, { runId: `rotation-${i}` });
      } catch (e) {
        errors.push(`rotation-${i}: ${String((e as Error).message)}`);
      }
    }
  });
  return {
    errors,
    count: () => n,
    async stop() {
      stop = true;
      await Promise.all(loops);
    },
  };
}

const rotate = (extra: string[] = []) => runCli(["vault", "rotate-master-key", "--data", world.dataDirs[0]!, "--database-url", world.databaseUrl!, ...extra]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("master-key rotation while three vault processes serve", () => {
  it("every call keeps working; every sealed value ends under the new KEK; a restarted instance serves with the new key alone", async () => {
    const grantId = await world.managedGrant("ghp_MultiRotationCANARY000000001");
    const oldKek = await withStore(world, async (s) => (await keks(s.sql)).find((k) => k.status === "current")!.id);
    const calls = load(world, grantId, 8);
    try {
      await sleep(500);
      const added = await rotate(["--add-only"]);
      expect(added, added.stderr).toMatchObject({ code: 0, stderr: "" });
      const newKek = /Added KEK (\S+) to keyring\.json/.exec(added.stdout)?.[1];
      expect(newKek).toBeDefined();
      // The operator copies keyring.json into every other instance's folder.
      for (const dir of world.dataDirs.slice(1)) {
        copyFileSync(join(world.dataDirs[0]!, KEYRING_FILE), join(dir, KEYRING_FILE));
        chmodSync(join(dir, KEYRING_FILE), 0o600);
      }
      const before = calls.count();
      const done = await rotate();
      expect(done, done.stderr).toMatchObject({ code: 0, stderr: "" });
      expect(done.stdout).toMatch(new RegExp(`^Re-sealed \\d+ values under KEK ${newKek}; retired ${oldKek}\\.`));
      // The rotation ran under load: calls went on while it did (how many depends on the machine's load).
      expect(calls.count() - before).toBeGreaterThan(0);
      await sleep(500);
      await calls.stop();
      expect(calls.errors).toEqual([]);

      const state = await withStore(world, async (s) => {
        const out: Record<string, string[]> = {};
        for (const c of sealedColumns) {
          const rows = await s.sql.all<{ v: string }>(`SELECT ${c.column} AS v FROM ${c.table} WHERE ${c.column} IS NOT NULL${c.where ? ` AND ${c.where}` : ""}`);
          out[`${c.table}.${c.column}`] = rows.filter((r) => !r.v.startsWith(envelopePrefix(newKek!))).map((r) => r.v.slice(0, 12));
        }
        return { keks: Object.fromEntries((await keks(s.sql)).map((k) => [k.id, k.status])), notUnderNew: out };
      });
      expect(state.keks).toEqual({ [oldKek]: "retired", [newKek!]: "current" });
      expect(Object.values(state.notUnderNew).flat()).toEqual([]);

      // B's operator puts the new key in place and drops keyring.json; B restarts with it alone.
      const b = world.dataDirs[1]!;
      copyFileSync(masterKeyPath(world.dataDirs[0]!), masterKeyPath(b));
      rmSync(join(b, KEYRING_FILE));
      expect(readFileSync(masterKeyPath(b), "utf8")).toBe(readFileSync(masterKeyPath(world.dataDirs[0]!), "utf8"));
      await world.instances[1]!.kill("SIGTERM");
      const restarted = await world.startInstance(1);
      world.lb.pick = (_req, backends) => backends.indexOf(restarted.url);
      const after = load(world, grantId, 2);
      // Until a few calls have gone through the restarted instance (a fixed wait saw none on a loaded machine).
      await vi.waitFor(() => expect(after.count()).toBeGreaterThan(2), { timeout: 30_000, interval: 100 });
      await after.stop();
      world.lb.pick = undefined;
      expect(after.errors).toEqual([]);
      expect(after.count()).toBeGreaterThan(2);
    } finally {
      await calls.stop();
    }
    const rows = await world.auditRows();
    expect(rows.filter((r) => r.run_id?.startsWith("rotation-") && r.outcome !== "success")).toEqual([]);
    expect((await verifyChains(world)).flatMap((c) => c.problems)).toEqual([]);
  }, 120_000);
});

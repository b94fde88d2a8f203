// Case 4 of issue 14's multi-instance list: kill -9 of one vault process under load loses no
// acknowledged audit row. Three processes behind the round-robin balancer serve a steady stream
// of SDK calls (retrieve mode, a managed GitHub token, each call with its own run id); while
// about a hundred are in flight, instance B gets SIGKILL. Its connections break mid-request; the
// balancer does not resend a request that went out (it may have been acted on, and the same
// signed bytes would be a replay), it breaks the client's connection, and the SDK's retry (the
// vault leg of retrieve mode failed, so the provider saw nothing: the "not-sent" rule) signs the
// call again and lands on A or C, the balancer skipping the dead instance.
// Afterwards: every call that got a success answer has its success audit row in the database
// (matched by run id), each instance's chain verifies, and nothing was served by B after its death.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGithubClient } from "alter-gen/generated/github";
import { chainOf, startAll, startMulti, verifyChains, type Multi } from "./harness.js";

const CALLS = 600;
const CONCURRENCY = 100;
const KILL_AFTER = 150;
const INSTANCES = 3;

let world: Multi;
beforeAll(async () => {
  world = await startMulti({ engine: "postgres", instances: INSTANCES });
  await startAll(world, INSTANCES);
}, 90_000);
afterAll(async () => {
  await world?.close();
});

/** Runs `n` calls, at most `concurrency` at once; `onDone` sees each finished count. */
async function drive(n: number, concurrency: number, call: (i: number) => Promise<unknown>, onDone: (done: number) => void) {
  const outcomes: ({ ok: true } | { ok: false; error: unknown })[] = new Array(n);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      try {
        await call(i);
        outcomes[i] = { ok: true };
      } catch (error) {
        outcomes[i] = { ok: false, error };
      }
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}

describe("kill -9 of one vault process under load", () => {
  it("loses no acknowledged audit row; the chains verify; the clients' retries land on the others", async () => {
    const grantId = await world.managedGrant("ghp_MultiKillCANARY00000000001");
    // Retries as shipped (the default policy: two retries, 500 ms base backoff): the balancer skips
    // the dead instance on a new connection, so one retry lands on a live one.
    const vault = world.client({ caller: "multi-kill" });
    const gh = createGithubClient(vault, { baseUrl: world.github.url });
    const victim = world.instances[1]!;
    const lbFrom = world.lb.log.length;
    let killed: Promise<unknown> | undefined;
    let goneAt = Infinity;
    const outcomes = await drive(
      CALLS,
      CONCURRENCY,
      (i) => gh.repos.get(grantId, { owner: "o", repo: "r" }, { runId: `kill-${i}` }),
      (done) => {
        if (done === KILL_AFTER && !killed) {
          killed = victim.kill("SIGKILL").then((exit) => ((goneAt = performance.now()), exit));
        }
      },
    );
    expect(await killed).toEqual({ code: null, signal: "SIGKILL" });

    const failed = outcomes.flatMap((o, i) => (o.ok ? [] : [`kill-${i}: ${String((o.error as Error).message)}`]));
    // Every call succeeded: those cut off on B were retried elsewhere.
    expect(failed).toEqual([]);
    const log = world.lb.log.slice(lbFrom);
    // B really was serving under load, and requests really were cut off by its death.
    expect(log.filter((e) => e.backend === victim.url && typeof e.outcome === "number").length).toBeGreaterThan(10);
    expect(world.lb.broken).toBeGreaterThan(0);
    // Once B's process was gone nothing more was answered by it (later arrivals went to A and C).
    const after = log.filter((e) => e.at > goneAt);
    expect(after.filter((e) => e.backend === victim.url && typeof e.outcome === "number")).toEqual([]);
    expect(after.length).toBeGreaterThan(0);

    const rows = await world.auditRows();
    const acknowledged = new Set(rows.filter((r) => r.action === "credential.retrieve" && r.outcome === "success" && r.run_id?.startsWith("kill-")).map((r) => r.run_id));
    const missing = outcomes.flatMap((o, i) => (o.ok && !acknowledged.has(`kill-${i}`) ? [`kill-${i}`] : []));
    expect(missing).toEqual([]);
    // Each instance's chain verifies on its own, B's too, cut off mid-stream; B's holds rows of
    // this load (it served before it died), and the calls' rows are spread over all three.
    const chains = await verifyChains(world);
    expect(chains.map((c) => c.chain)).toEqual(expect.arrayContaining([chainOf(0), chainOf(1), chainOf(2)]));
    expect(chains.flatMap((c) => c.problems)).toEqual([]);
    const callChains = new Set(rows.filter((r) => r.run_id?.startsWith("kill-")).map((r) => r.chain));
    expect([...callChains].sort()).toEqual([chainOf(0), chainOf(1), chainOf(2)]);
  }, 120_000);
});

// Case 1 of issue 14's multi-instance list: a signed request one vault process accepted is
// refused as a replay (`signature_replayed`) by another process over the same PostgreSQL
// database, both ways. Clients are pinned per instance here (the request's bytes are sent to one
// instance's socket, then to the other's), not balanced: the case is about which instance saw the
// nonce first, so the test must choose it. Each request is signed for the balancer's URL, the
// --public-url every instance verifies the target URI against, as behind a real load balancer.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { nowSec, send, sign } from "../helpers.js";
import { chainOf, startAll, startMulti, verifyChains, type Multi } from "./harness.js";

let world: Multi;
beforeAll(async () => {
  world = await startMulti({ engine: "postgres", instances: 2 });
  await startAll(world, 2);
  // Past the second the last instance started in: on SQLite's in-process guard a request signed
  // then is refused anyway, which would hide a missing shared nonce table.
  await new Promise((r) => setTimeout(r, 1100));
}, 90_000);
afterAll(async () => {
  await world?.close();
});

const path = "/v1/grants";
const at = (i: number) => `${world.instances[i]!.url}${path}`;

describe("a signed request replayed to another vault process over one PostgreSQL database", () => {
  // [instance that sees it first, instance it is replayed to]
  it.each([
    [0, 1],
    [1, 0],
    [0, 0],
  ])("accepted by instance %i, refused as a replay by instance %i", async (first, replay) => {
    const req = sign(world.apiKey, { method: "GET", url: `${world.lb.url}${path}`, created: nowSec() });
    const ok = await send(req, { url: at(first) });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ grants: [] });
    const again = await send(req, { url: at(replay) });
    expect(again.status).toBe(401);
    expect(again.json.error.code).toBe("signature_replayed");
  });

  it("a fresh nonce goes through on either instance; each refusal is an audit row, and the chains verify", async () => {
    for (const i of [0, 1]) expect((await send(sign(world.apiKey, { method: "GET", url: `${world.lb.url}${path}` }), { url: at(i) })).status).toBe(200);
    // A refusal's row is group-committed without holding the answer (anyone can send refusals, so
    // they never wait on the database): it may land just after the 401.
    const refusedRows = async () => (await world.auditRows()).filter((r) => r.action === "request.refused");
    await vi.waitFor(async () => expect(await refusedRows()).toHaveLength(3), { timeout: 5000, interval: 50 });
    const refused = await refusedRows();
    // Each refusal is on the chain of the instance that refused: [0,1] on B, [1,0] and [0,0] on A.
    expect(refused.map((r) => r.chain).sort()).toEqual([chainOf(0), chainOf(0), chainOf(1)]);
    const chains = await verifyChains(world);
    expect(chains.map((c) => c.chain)).toEqual(expect.arrayContaining([chainOf(0), chainOf(1)]));
    expect(chains.flatMap((c) => c.problems)).toEqual([]);
  });
});

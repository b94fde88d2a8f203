// vault.withUserToken(token, fn): the identity of one incoming request (a web app's or an MCP
// server's) for everything called inside `fn`. Many interleaved scopes for two users on ONE
// AlterVault must each reach only their own grant and be audited under their own user; nested
// scopes let the inner one win; the scope beats authenticate()'s token and userTokenGetter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterValueError, asUser, type AlterVault } from "alter-gen/runtime";
import { createSlackClient } from "alter-gen/generated/slack";
import { APP_CLIENT, auditDuring, callRows, startE2E, type E2E } from "../support/e2e.js";

const SLACK = { alice: "xoxp-alice-CANARY-wut-7310", bob: "xoxp-bob-CANARY-wut-4471" };

let world: E2E;
let vault: AlterVault;
const jwt: Record<"alice" | "bob", string> = { alice: "", bob: "" };
const grant: Record<"alice" | "bob", string> = { alice: "", bob: "" };

beforeAll(async () => {
  world = await startE2E({ providers: ["slack"] });
  vault = world.client({ caller: "e2e-with-user-token", retry: false });
  for (const user of ["alice", "bob"] as const) {
    jwt[user] = (await world.idp.login(user, { clientId: APP_CLIENT.clientId })).idToken;
    grant[user] = await world.managedGrant("slack", SLACK[user], { principal: `user:${user}`, account: `${user}-workspace` });
  }
}, 120_000);

afterAll(async () => {
  await world?.close();
});

const slack = (mode: "retrieve" | "proxy") => createSlackClient(vault, { baseUrl: world.standins.slack!.url, mode });
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("withUserToken", () => {
  it.each(["retrieve", "proxy"] as const)("keeps 40 interleaved requests of two users apart, each audited under its own user (%s)", async (mode) => {
    const st = world.standins.slack!;
    const from = st.requests.length;
    const users = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? "bob" : "alice") as "alice" | "bob");
    const { result, rows } = await auditDuring(world, () =>
      Promise.all(
        users.map((user, i) =>
          vault.withUserToken(jwt[user], async () => {
            // Yield between steps so that other users' scopes run in between.
            await tick((i * 7) % 5);
            const res = await slack(mode).chat.postMessage(asUser(), { body: { channel: "C1", text: `${user} ${i}` } }, { runId: `run-${i}` });
            await tick((i * 3) % 4);
            return { user, i, res };
          }),
        ),
      ),
    );
    expect(result).toHaveLength(40);
    const sent = st.requests.slice(from);
    expect(sent).toHaveLength(40);
    for (const req of sent) {
      // The stand-in hands over the parsed body (JSON or form); the message text names the user.
      const user = /"text":"(alice|bob) \d+"/.exec(JSON.stringify(req.body))?.[1] as "alice" | "bob";
      expect(req.headers.authorization).toBe(`Bearer ${SLACK[user]}`);
    }
    const calls = callRows(rows);
    expect(calls).toHaveLength(40);
    for (const row of calls) {
      const i = Number(row.runId!.slice(4));
      expect(row.grantId).toBe(grant[users[i]!]);
      expect(row.principalType).toBe("user");
    }
  });

  it("lets an inner scope win over an outer one, and restores the outer one after it", async () => {
    const seen: string[] = [];
    await vault.withUserToken(jwt.alice, async () => {
      seen.push((await slack("retrieve").chat.postMessage(asUser(), { body: { channel: "C1", text: "outer" } }, { runId: "nest-1" })) ? "a" : "");
      await vault.withUserToken(jwt.bob, () => slack("retrieve").chat.postMessage(asUser(), { body: { channel: "C1", text: "inner" } }, { runId: "nest-2" }));
      await slack("retrieve").chat.postMessage(asUser(), { body: { channel: "C1", text: "outer again" } }, { runId: "nest-3" });
    });
    const rows = callRows(await world.audit()).filter((r) => r.runId?.startsWith("nest-"));
    expect(rows.map((r) => [r.runId, r.grantId])).toEqual([
      ["nest-1", grant.alice],
      ["nest-2", grant.bob],
      ["nest-3", grant.alice],
    ]);
    expect(seen).toEqual(["a"]);
  });

  it("wins over userTokenGetter, and outside any scope the getter is used again", async () => {
    const withGetter = world.client({ caller: "e2e-with-user-token", retry: false, userTokenGetter: () => jwt.alice });
    const client = createSlackClient(withGetter, { baseUrl: world.standins.slack!.url });
    await withGetter.withUserToken(jwt.bob, () => client.chat.postMessage(asUser(), { body: { channel: "C1", text: "scoped" } }, { runId: "getter-1" }));
    await client.chat.postMessage(asUser(), { body: { channel: "C1", text: "getter" } }, { runId: "getter-2" });
    const rows = callRows(await world.audit()).filter((r) => r.runId?.startsWith("getter-"));
    expect(rows.map((r) => r.grantId)).toEqual([grant.bob, grant.alice]);
  });

  it("lists only the scope's user's grants", async () => {
    const mine = await vault.withUserToken(jwt.bob, async () => {
      const ids: string[] = [];
      for await (const g of vault.listGrants()) ids.push(g.grantId);
      return ids;
    });
    expect(mine).toEqual([grant.bob]);
  });

  it.each([
    ["an empty token", ""],
    ["a token with a line break", "a\nb"],
    ["a number", 42 as unknown as string],
  ])("refuses %s with AlterValueError before any network call", (_name, token) => {
    expect(() => vault.withUserToken(token, () => 1)).toThrow(AlterValueError);
  });
});

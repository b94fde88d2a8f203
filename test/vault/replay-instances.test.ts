// Two vault instances over one PostgreSQL database (issue 14): a signed request one instance
// accepted is refused as a replay by the other, through the real server and verifier. Each
// instance is the server over its own opened state on the database (openVaultState with the
// URL: its own pool, as another process would hold), the data folder holding only the key.
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type PgCluster } from "../support/postgres.js";
import { migratePostgres } from "../../vault/storage/sql/pg-migrate.js";
import { initVault } from "../support/vault-admin.js";
import { openVaultState } from "../../vault/state.js";
import { createVaultServer } from "../../vault/http/server.js";
import { allRoutes } from "../../vault/http/routes/index.js";
import type { OpenedVault } from "../../vault/context.js";
import { nowSec, send, sign, tempDir } from "./helpers.js";

let cluster: PgCluster;
const tmp = tempDir("alter-replay-instances-");
const states: OpenedVault[] = [];
const servers: Server[] = [];
const urls: string[] = [];
let apiKey = "";

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase();
  await migratePostgres({ url });
  const dataDir = join(tmp.dir, "data");
  const init = await initVault({ dataDir, env: {}, databaseUrl: url });
  apiKey = init.apiKey;
  for (let i = 0; i < 2; i++) {
    const state = await openVaultState(dataDir, { env: {}, databaseUrl: url });
    // Durable nonces outlive a process: a request signed before this one started is no replay.
    state.startedAt = Date.now() + 3_600_000;
    const server = createVaultServer(state, { routes: allRoutes(), log: () => {} });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    states.push(state);
    servers.push(server);
  }
}, 120_000);

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  for (const s of states) await s.close();
  await cluster?.stop();
  tmp.remove();
});

describe("a signed request replayed to another instance over one PostgreSQL database", () => {
  // [instance that sees it first, instance it is replayed to]
  it.each([
    [0, 1],
    [1, 0],
    [0, 0],
  ])("accepted by instance %i, refused as a replay by instance %i", async (first, replay) => {
    const path = "/v1/grants";
    const req = sign(apiKey, { method: "GET", url: `${urls[first]}${path}`, created: nowSec() });
    const ok = await send(req);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ grants: [] });
    // The same bytes, sent to the other instance; its Host differs, so the target URI is
    // rebuilt from the URL the request was signed for (as a load balancer would keep it).
    const again = await send(req, { url: `${urls[replay]}${path}`, headers: { ...req.headers, host: new URL(urls[first]!).host } });
    expect(again.status).toBe(401);
    expect(again.json.error.code).toBe("signature_replayed");
  });

  it("a fresh nonce goes through on either instance", async () => {
    for (const u of urls) expect((await send(sign(apiKey, { method: "GET", url: `${u}/v1/grants` }))).status).toBe(200);
  });
});

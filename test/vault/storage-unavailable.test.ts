// What a caller gets while the vault's database is out of reach (docs/protocol.md, error table):
// `storage_unavailable`, 503, retryable, so that behind a balancer the SDK's retry can land on an
// instance that still reaches it; the vault logs why, and serves again once the database is back.
// SQLite: another process holds the file's write lock past the busy timeout. PostgreSQL: the
// server is stopped under a running vault; and a partition (bytes silently dropped between the
// instance and its database), which only the vault's own database timeout turns into an answer.
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { ERROR_TABLE } from "../../protocol/errors.js";
import { initVault, startVault } from "../../vault/index.js";
import { startPostgres, type PgCluster } from "../support/postgres.js";
import { startBlackhole, type Blackhole } from "../support/tcp-blackhole.js";
import { call, startTestVault, tempDir, verifyResponse, type TestVault } from "./helpers.js";
import { vaultInProcess } from "./vault-in-process.js";

/** A retrieval of a grant that does not exist: refused, and audited (a write). */
const retrieval = {
  grant: { grantId: "5b1f4c1e-0000-4000-8000-000000000000" },
  provider: "github",
  request: { operationId: "repos/get", method: "GET", url: "https://api.github.com/repos/o/r" },
  context: { caller: "storage-test" },
};

/** Waits past the second the vault started in: it refuses requests signed in it (possible replays). */
const pastStartSecond = () => new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));

describe("the error table", () => {
  it("storage_unavailable is a retryable 503 the SDK reads as a NetworkError", () => {
    expect(ERROR_TABLE.storage_unavailable).toEqual({ status: 503, retryable: true, sdkClass: "NetworkError" });
  });
});

describe("SQLite: the file locked by another process", () => {
  const logs: string[] = [];
  let v: TestVault;
  afterAll(async () => v?.close());

  it("a request that must write answers a signed storage_unavailable, then serves again once the lock is gone", async () => {
    v = await startTestVault({ log: (line) => logs.push(line) });
    await pastStartSecond();
    expect((await call(v, "GET", "/v1/grants?limit=1")).status).toBe(200);

    const other = new Database(join(v.dataDir, "vault.db"));
    other.exec("BEGIN EXCLUSIVE");
    try {
      const res = await call(v, "POST", "/v1/credentials/retrieve", retrieval);
      expect(res.status, JSON.stringify(res.json)).toBe(503);
      expect((res.json as { error: { code: string } }).error.code).toBe("storage_unavailable");
      verifyResponse(v.apiKey, res.req, res);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect(logs.join("\n")).toMatch(/the database is out of reach (on|writing the audit row of) POST \/v1\/credentials\/retrieve: SqliteError: database is locked/);
    expect(logs.join("\n")).not.toMatch(/internal error/);
    const after = await call(v, "POST", "/v1/credentials/retrieve", retrieval);
    expect((after.json as { error: { code: string } }).error.code).toBe("grant_not_found");
  }, 60_000);
});

describe("PostgreSQL: the server stopped under a running vault", () => {
  const tmp = tempDir("alter-pg-gone-");
  const logs: string[] = [];
  let cluster: PgCluster | undefined;
  let running: Awaited<ReturnType<typeof startVault>> | undefined;
  afterAll(async () => {
    await running?.close().catch(() => {});
    await cluster?.stop();
    tmp.remove();
  });

  it("answers storage_unavailable (503) instead of an internal error, and the process keeps serving its health route", async () => {
    cluster = await startPostgres();
    const url = await cluster.createDatabase();
    const migrated = await vaultInProcess(["migrate", "--database-url", url]);
    expect(migrated.code, migrated.output).toBe(0);
    const dataDir = join(tmp.dir, "data");
    const init = await initVault({ dataDir, databaseUrl: url, env: {} });
    running = await startVault({ dataDir, port: 0, databaseUrl: url, log: (line) => logs.push(line) });
    const v = { url: running.url, apiKey: init.apiKey } as TestVault;
    await pastStartSecond();
    expect((await call(v, "GET", "/v1/grants?limit=1")).status).toBe(200);

    await cluster.stop();
    cluster = undefined;
    const res = await call(v, "GET", "/v1/grants?limit=1");
    expect(res.status, JSON.stringify(res.json)).toBe(503);
    expect((res.json as { error: { code: string } }).error.code).toBe("storage_unavailable");
    expect(logs.join("\n")).toMatch(/the database is out of reach/);
    expect(logs.join("\n")).not.toMatch(/internal error/);
    const health = await fetch(`${running.url}/v1/health`);
    expect(health.status).toBe(200);
  }, 120_000);
});

describe("PostgreSQL: a partition between the instance and its database", () => {
  const tmp = tempDir("alter-pg-cut-");
  const logs: string[] = [];
  let cluster: PgCluster | undefined;
  let hole: Blackhole | undefined;
  let running: Awaited<ReturnType<typeof startVault>> | undefined;
  afterAll(async () => {
    await running?.close().catch(() => {});
    await hole?.close();
    await cluster?.stop();
    tmp.remove();
  });

  it("answers storage_unavailable once the database timeout passes, and serves again when the network heals", async () => {
    cluster = await startPostgres();
    const url = await cluster.createDatabase();
    expect((await vaultInProcess(["migrate", "--database-url", url])).code).toBe(0);
    const dataDir = join(tmp.dir, "data");
    const init = await initVault({ dataDir, databaseUrl: url, env: {} });
    const direct = new URL(url);
    hole = await startBlackhole({ host: direct.hostname, port: Number(direct.port) });
    direct.port = String(hole.port);
    running = await startVault({ dataDir, port: 0, databaseUrl: direct.toString(), databaseTimeoutMs: 1500, log: (line) => logs.push(line) });
    const v = { url: running.url, apiKey: init.apiKey } as TestVault;
    await pastStartSecond();
    const code = async () => ((await call(v, "POST", "/v1/credentials/retrieve", retrieval)).json as { error: { code: string } }).error.code;
    expect(await code()).toBe("grant_not_found");

    hole.cut();
    const res = await call(v, "POST", "/v1/credentials/retrieve", retrieval);
    expect(res.status, JSON.stringify(res.json)).toBe(503);
    expect((res.json as { error: { code: string } }).error.code).toBe("storage_unavailable");
    expect(logs.join("\n")).toMatch(/the database is out of reach .*Query read timeout|the database is out of reach .*timeout/);

    hole.heal();
    // Connections that lost bytes in the cut are discarded as their statements time out; new ones serve.
    let after = "";
    for (let i = 0; i < 5 && after !== "grant_not_found"; i++) after = await code();
    expect(after).toBe("grant_not_found");
  }, 120_000);
});

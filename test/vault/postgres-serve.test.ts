// The vault served from PostgreSQL as an operator runs it (issue 14): `vault migrate` as the
// schema's owner, `vault init --database-url` as the runtime role, then two `vault start`
// processes over that one database and one data folder (one given the URL by flag, one by
// ALTER_VAULT_DATABASE_URL), while admin commands run from a second folder holding only a copy
// of master.key. The runtime SDK's generated client
// makes signed retrievals and proxy calls through both, admin commands change what both serve,
// `vault audit` reads the rows back from PostgreSQL, and stopping one instance leaves the other
// serving. Real parts throughout: the CLI's entry, a real cluster, a stand-in provider that
// validates requests against GitHub's pinned document.
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault, GrantRevokedError, type CallMode } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { startProviderStandin, type Standin } from "../../standins/index.js";
import { asRole, queryRows, startPostgres, type PgCluster } from "../support/postgres.js";
import { addManagedSecret, initVault, issueGrant, setProviderConfig } from "../../vault/index.js";
import { startVaultCli } from "./cli-run.js";
import { vaultInProcess } from "./vault-in-process.js";
import { tempDir } from "./helpers.js";

const TOKEN = "ghp_PgServeManagedCANARY0001";
const PASSWORD = "rt-pw-CANARY-52c0";
const ENV = "ALTER_VAULT_DATABASE_URL";

let cluster: PgCluster;
let standin: Standin;
const tmp = tempDir("alter-pg-serve-");
const dirA = join(tmp.dir, "a");
const dirB = join(tmp.dir, "b");
let owner = "";
let runtime = "";
let apiKey = "";
let grantId = "";
type Instance = Awaited<ReturnType<typeof startVaultCli>>;
const instances: Instance[] = [];
const clients: AlterVault[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
  await cluster.sql("postgres", `CREATE ROLE vault_rt LOGIN PASSWORD '${PASSWORD}'`);
  owner = await cluster.createDatabase();
  runtime = asRole(owner, "vault_rt", PASSWORD);
  const migrated = await vaultInProcess(["migrate", "--database-url", owner, "--runtime-role", "vault_rt"]);
  expect(migrated.code, migrated.output).toBe(0);
  const init = await vaultInProcess(["init", "--data", dirA, "--database-url", runtime]);
  expect(init.code, init.output).toBe(0);
  expect(init.output).toMatch(/Vault created in the PostgreSQL database 127\.0\.0\.1:\d+\/\w+ \(app /);
  apiKey = /^\s+(alter_sk_\S+)$/m.exec(init.output)![1]!;
  // The second machine: its folder gets a copy of the key file and nothing else.
  mkdirSync(dirB, { mode: 0o700 });
  copyFileSync(join(dirA, "master.key"), join(dirB, "master.key"));

  standin = await startProviderStandin("github");
  standin.expectCredential(TOKEN);
  const at = { dataDir: dirB, databaseUrl: runtime };
  await setProviderConfig({ ...at, provider: "github", baseUrl: standin.url, hosts: [new URL(standin.url).host] });
  const secret = await addManagedSecret({ ...at, provider: "github", value: TOKEN, label: "bot" });
  grantId = (await issueGrant({ ...at, secretId: secret.id, principal: "system" })).grantId;

  instances.push(await startVaultCli(["--data", dirA, "--port", "0", "--database-url", runtime]));
  // The same folder again: on SQLite the server lock would refuse this second start.
  instances.push(await startVaultCli(["--data", dirA, "--port", "0"], { [ENV]: runtime }));
}, 240_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await Promise.allSettled(instances.map((i) => i.stop()));
  await standin?.close();
  await cluster?.stop();
  tmp.remove();
});

function client(i: number): AlterVault {
  const c = new AlterVault({ apiKey, baseUrl: instances[i]!.url, caller: "pg-serve", retry: false });
  clients.push(c);
  return c;
}

async function getRepo(vault: AlterVault, mode: CallMode, marker: string): Promise<unknown> {
  const answer = { ...(structuredClone(standin.validator.responseFor(standin.operation("repos/get")).body) as object), name: marker, full_name: `octo/${marker}` };
  standin.script("repos/get", { status: 200, body: answer });
  const got = await createGithubClient(vault, { baseUrl: standin.url, mode }).repos.get(grantId, { owner: "octo", repo: "hello" }, { runId: `run-${marker}` });
  expect(got).toEqual(answer);
  return got;
}

describe("two `vault start` processes over one PostgreSQL database", () => {
  it("both serve from one data folder (no server lock), and neither folder holds a database", () => {
    expect(instances).toHaveLength(2);
    expect(instances[0]!.url).not.toBe(instances[1]!.url);
    for (const dir of [dirA, dirB]) expect(readdirSync(dir).filter((f) => /\.db(-wal|-shm)?$/.test(f))).toEqual([]);
  });

  it.each([
    [0, "retrieve"],
    [0, "proxy"],
    [1, "retrieve"],
    [1, "proxy"],
  ] as const)("instance %i: a signed %s call through the generated client reaches the stand-in with the grant's token", async (i, mode) => {
    const from = standin.requests.length;
    await getRepo(client(i), mode, `i${i}-${mode}-${Date.now()}`);
    const seen = standin.requests.slice(from);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.problems).toEqual([]);
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("`vault audit verify --database-url` verifies every instance's chain in PostgreSQL, where the calls' rows are", async () => {
    const marker = `audit-${Date.now()}`;
    await getRepo(client(1), "proxy", marker);
    const r = await vaultInProcess(["audit", "verify", "--data", dirA, "--database-url", runtime]);
    expect(r.code, r.output).toBe(0);
    // init and the admin commands wrote rows too, before the instances' calls.
    expect(Number(/^(\d+) rows in \d+ chain\(s\):/m.exec(r.output)?.[1])).toBeGreaterThan(4);
    expect(r.output).toMatch(/^OK: every row links to the one before it and the checkpoint matches/m);
    // The call's row is in the database itself, read as its owner.
    const rows = await queryRows<{ action: string; grant_id: string; outcome: string }>(owner, "SELECT action, grant_id, outcome FROM audit WHERE run_id = $1", [`run-${marker}`]);
    expect(rows).toEqual([{ action: "proxy.call", grant_id: grantId, outcome: "success" }]);
    expect(r.output).not.toContain(PASSWORD);
  });

  it.todo("`vault audit --database-url` lists the rows from PostgreSQL (the listing moves onto the store in the pg-audit branch)");

  it("an API key created with ALTER_VAULT_DATABASE_URL signs requests to both instances at once", async () => {
    const made = await vaultInProcess(["keys", "create", "--label", "second", "--data", dirB], { [ENV]: runtime });
    expect(made.code, made.output).toBe(0);
    const second = /^\s+(alter_sk_\S+)$/m.exec(made.output)![1]!;
    for (const i of [0, 1]) {
      const c = new AlterVault({ apiKey: second, baseUrl: instances[i]!.url, caller: "pg-serve-2", retry: false });
      clients.push(c);
      await getRepo(c, "retrieve", `second-${i}-${Date.now()}`);
    }
  });

  it("a grant revoked with `vault grants revoke --database-url` is refused by both instances", async () => {
    const r = await vaultInProcess(["grants", "revoke", grantId, "--data", dirA, "--database-url", runtime]);
    expect(r.code, r.output).toBe(0);
    for (const i of [0, 1]) {
      await expect(createGithubClient(client(i), { baseUrl: standin.url }).repos.get(grantId, { owner: "octo", repo: "hello" })).rejects.toBeInstanceOf(GrantRevokedError);
    }
  });

  it("a second `vault init` on the database is refused and leaves no key file behind", async () => {
    const dirC = join(tmp.dir, "c");
    const r = await vaultInProcess(["init", "--data", dirC], { [ENV]: runtime });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/\(ALTER_VAULT_DATABASE_URL\) already holds a vault; `vault init` creates one only in an empty, migrated database/);
    expect(readdirSync(tmp.dir)).not.toContain("c");
    expect(r.output).not.toContain(PASSWORD);
  });

  it("stopping one instance (SIGTERM) ends it cleanly and the other keeps serving", async () => {
    const stopped = instances.shift()!;
    expect(await stopped.stop()).toBe(0);
    expect(stopped.stderr()).not.toContain(PASSWORD);
    const c = new AlterVault({ apiKey, baseUrl: instances[0]!.url, caller: "pg-serve", retry: false });
    clients.push(c);
    // The grant was revoked above; the instance still answers, from the database.
    await expect(createGithubClient(c, { baseUrl: standin.url }).repos.get(grantId, { owner: "octo", repo: "hello" })).rejects.toBeInstanceOf(GrantRevokedError);
  });
});

describe("vault init on PostgreSQL", () => {
  it("two inits racing on one empty database: exactly one creates the vault", async () => {
    const db = await cluster.createDatabase();
    const url = asRole(db, "vault_rt", PASSWORD);
    const m = await vaultInProcess(["migrate", "--database-url", db, "--runtime-role", "vault_rt"]);
    expect(m.code, m.output).toBe(0);
    const outcomes = await Promise.allSettled([0, 1].map((i) => initVault({ dataDir: join(tmp.dir, `race-${i}`), databaseUrl: url, env: {} })));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected")!;
    expect(String(refused.reason.message)).toMatch(/already holds a vault/);
    expect((await queryRows<{ n: number }>(db, "SELECT count(*)::int AS n FROM apps"))[0]!.n).toBe(1);
    expect((await queryRows<{ n: number }>(db, "SELECT count(*)::int AS n FROM audit WHERE action = 'admin'"))[0]!.n).toBe(1);
  });
});

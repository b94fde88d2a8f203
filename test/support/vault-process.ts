// `alter-gen vault start` as a real process (the compiled CLI, bin/alter-gen.js, as an operator
// runs it): spawn, wait for its "alter vault listening on URL" line, stop it politely (SIGTERM)
// or kill it hard (SIGKILL), and keep what it printed for the test's failure message. Every
// process started here is remembered until it has exited, so a test that fails half-way still
// leaves none behind: `stopAllVaultProcesses()` in afterAll, and a watchdog shell around each
// vault that SIGKILLs it when the test process is gone, however it ended.
//
//   const a = await startVaultProcess({ dataDir, args: ["--public-url", lb.url] });
//   a.url;                 // http://127.0.0.1:<port>
//   await a.kill("SIGKILL"); // resolves once the process is gone
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { constants } from "node:os";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/alter-gen.js");
const LISTEN_TIMEOUT_MS = 30_000;

/** $@ is the vault's command line; the first line read (or EOF) is the signal for it. */
const WATCHDOG = `"$@" & pid=$!
read sig || sig=KILL
kill -s "\${sig:-KILL}" "$pid" 2>/dev/null
wait "$pid"`;

export interface VaultProcessOptions {
  dataDir: string;
  /** `--database-url`: serve a PostgreSQL database instead of the folder's SQLite file. */
  databaseUrl?: string;
  /** More `vault start` flags (e.g. `--public-url`). */
  args?: string[];
  env?: Record<string, string>;
  /** A name for messages ("A", "B"). */
  name?: string;
  /** Default: a free loopback port chosen here (the listening line names the --public-url, when given, not the socket). */
  port?: number;
}

export interface VaultProcess {
  readonly name: string;
  /** The instance's own address (not its --public-url). */
  readonly url: string;
  /** What its listening line said (its --public-url when given). */
  readonly announced: string;
  /** The watchdog shell's pid (the vault process is its only child). */
  readonly pid: number;
  /** Everything the process wrote so far, stdout and stderr interleaved as they came. */
  output(): string;
  /** True once the process has exited. */
  readonly exited: boolean;
  /** Its exit code or signal, once exited. */
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) and resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test process that dies without its afterAll: kill what is left (synchronous, as exit needs).
  process.once("exit", () => {
    for (const child of live) child.stdin?.end();
  });
}

/** A port nobody listens on right now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startVaultProcess(opts: VaultProcessOptions): Promise<VaultProcess> {
  installExitHook();
  const name = opts.name ?? "vault";
  const port = opts.port ?? (await freePort());
  const args = [BIN, "vault", "start", "--data", opts.dataDir, "--port", String(port), ...(opts.databaseUrl ? ["--database-url", opts.databaseUrl] : []), ...(opts.args ?? [])];
  // The vault runs under a small shell that waits for a line on its standard input, our pipe: a
  // line names the signal to send the vault, and the end of the pipe (this test process gone,
  // even by SIGKILL, with no exit hook run) sends SIGKILL. So no vault outlives its test.
  const child = spawn("sh", ["-c", WATCHDOG, "vault-watchdog", process.execPath, ...args], {
    cwd: ROOT,
    // The key comes from the folder's key file, never from the test's environment.
    env: { ...process.env, ALTER_VAULT_MASTER_KEY: "", ALTER_VAULT_DATABASE_URL: "", ...opts.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin!.on("error", () => {});
  live.add(child);
  let text = "";
  child.stdout!.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (text += d.toString()));
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code) => {
      exited = true;
      live.delete(child);
      // The shell reports a vault ended by a signal as 128 + its number.
      const signal = code !== null && code > 128 ? (Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0] as NodeJS.Signals | undefined) : undefined;
      resolve(signal ? { code: null, signal } : { code, signal: null });
    }),
  );
  const kill = (signal: NodeJS.Signals = "SIGTERM") => {
    if (!exited) child.stdin!.write(`${signal.replace(/^SIG/, "")}\n`);
    return exit;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill("SIGKILL");
      reject(new Error(`vault ${name} did not print its address within ${LISTEN_TIMEOUT_MS} ms:\n${text}`));
    }, LISTEN_TIMEOUT_MS);
    void exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`vault ${name} exited (${code ?? signal}) before listening:\n${text}`));
    });
    const onData = () => {
      const m = /alter vault listening on (\S+)/.exec(text);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      resolve({
        name,
        url: `http://127.0.0.1:${port}`,
        announced: m[1]!,
        pid: child.pid!,
        output: () => text,
        get exited() {
          return exited;
        },
        exit,
        kill,
      });
    };
    child.stdout!.on("data", onData);
  });
}

/** Stops every process this module started that is still running (SIGTERM, then SIGKILL after 5 s). */
export async function stopAllVaultProcesses(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          // A line for the watchdog: TERM now, KILL (the pipe's end) if that takes over 5 s.
          const hard = setTimeout(() => child.stdin!.end(), 5_000);
          child.once("exit", () => {
            clearTimeout(hard);
            resolve();
          });
          child.stdin!.write("TERM\n");
        }),
    ),
  );
}

/** Runs one `alter-gen …` command of the compiled CLI to its end (an operator's shell). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ALTER_VAULT_MASTER_KEY: "", ALTER_VAULT_DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

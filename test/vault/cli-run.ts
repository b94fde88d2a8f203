// Runs `alter-gen vault …` as a separate process through the real CLI entry (cli/entry.ts
// under tsx), with its own environment and standard input: what an operator's shell does.
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { bindDatabase, databaseOf, freshVaultDatabase, onPostgres } from "../support/vault-engine.js";

export const ROOT = join(import.meta.dirname, "../..");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  env?: Record<string, string>;
  /** Written to standard input, which is then closed (a pipe, never a terminal). */
  stdin?: string;
}

/** The value of `--data` / `-d` in `args` (undefined when absent). */
export function dataFlag(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--data" || a === "-d") return args[i + 1];
    if (a.startsWith("--data=")) return a.slice("--data=".length);
  }
  return undefined;
}

/**
 * On the postgres test project: ALTER_VAULT_DATABASE_URL for the folder's database, as an
 * operator's environment would carry it (test/support/vault-engine.ts); `vault init` on a folder
 * without one gets a fresh database first. Empty on SQLite or when the test names a URL itself.
 */
async function engineEnv(args: string[], env: Record<string, string> | undefined): Promise<Record<string, string>> {
  if (!onPostgres() || args.includes("--database-url") || env?.ALTER_VAULT_DATABASE_URL !== undefined) return {};
  const dir = resolve(ROOT, dataFlag(args) ?? ".alter");
  let db = databaseOf(dir);
  if (!db && args[0] === "init") {
    db = await freshVaultDatabase();
    bindDatabase(dir, db);
  }
  return db ? { ALTER_VAULT_DATABASE_URL: db.url } : {};
}

export async function runVaultCli(args: string[], opts: CliRunOptions = {}): Promise<CliRun> {
  const engine = await engineEnv(args, opts.env);
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "cli/entry.ts"), "vault", ...args], {
    cwd: ROOT,
    env: { ...process.env, ALTER_VAULT_MASTER_KEY: "", ...engine, ...opts.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin.on("error", () => {});
  child.stdin.end(opts.stdin ?? "");
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

/** Starts `vault start …args`; resolves once it printed its address, with a way to stop it. */
export async function startVaultCli(args: string[], env: Record<string, string> = {}): Promise<{ url: string; line: string; stderr: () => string; stop(): Promise<number | null> }> {
  const engine = await engineEnv(args, env);
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "cli/entry.ts"), "vault", "start", ...args], {
    cwd: ROOT,
    env: { ...process.env, ALTER_VAULT_MASTER_KEY: "", ...engine, ...env },
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.once("close", (code) => reject(new Error(`vault start exited (${code}) before listening: ${err}`)));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)[^\n]*/.exec(out);
      if (m)
        resolve({
          url: m[1]!,
          line: m[0],
          stderr: () => err,
          stop: () => {
            child.kill("SIGTERM");
            return new Promise((r) => child.once("close", r));
          },
        });
    });
  });
}

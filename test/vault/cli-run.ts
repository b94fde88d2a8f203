// Runs `alter-gen vault …` as a separate process through the real CLI entry (cli/entry.ts
// under tsx), with its own environment and standard input: what an operator's shell does.
import { spawn } from "node:child_process";
import { join } from "node:path";

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

export function runVaultCli(args: string[], opts: CliRunOptions = {}): Promise<CliRun> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "cli/entry.ts"), "vault", ...args], {
    cwd: ROOT,
    env: { ...process.env, ALTER_VAULT_MASTER_KEY: "", ...opts.env },
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
export function startVaultCli(args: string[], env: Record<string, string> = {}): Promise<{ url: string; stderr: () => string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "cli/entry.ts"), "vault", "start", ...args], {
    cwd: ROOT,
    env: { ...process.env, ALTER_VAULT_MASTER_KEY: "", ...env },
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.once("close", (code) => reject(new Error(`vault start exited (${code}) before listening: ${err}`)));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m)
        resolve({
          url: m[1]!,
          stderr: () => err,
          stop: () => {
            child.kill("SIGTERM");
            return new Promise((r) => child.once("close", r));
          },
        });
    });
  });
}

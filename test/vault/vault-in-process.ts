// `alter-gen vault …` through the CLI's real entry (cli/main.ts main) in this test process, with
// environment variables set for the one run and stdout and stderr captured together: fast enough
// for tables of rows. (test/vault/cli-run.ts spawns a process instead, for stdin and signals.)
import { main } from "../../cli/main.js";

export interface InProcessRun {
  code: number;
  output: string;
}

export async function vaultInProcess(args: string[], env: Record<string, string> = {}, cwd = process.cwd()): Promise<InProcessRun> {
  let output = "";
  const capture = (chunk: string | Uint8Array) => {
    output += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  };
  const saved = { out: process.stdout.write, err: process.stderr.write, env: { ...process.env } };
  Object.assign(process.env, { ALTER_VAULT_MASTER_KEY: "", ALTER_VAULT_DATABASE_URL: "" }, env);
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    const code = await main(["vault", ...args], { stdout: capture, stderr: capture, cwd });
    return { code, output };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    for (const k of Object.keys(process.env)) if (!(k in saved.env)) delete process.env[k];
    Object.assign(process.env, saved.env);
  }
}

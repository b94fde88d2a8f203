// Shared pieces of the vault commands: the --data option, output, and turning expected
// failures into one paragraph with exit code 2 (CommanderError, which the alter-gen CLI prints).
import { CommanderError, type Command } from "commander";
import { VaultError, VaultUsageError } from "../errors.js";
import { DEFAULT_DATA_DIR } from "../admin/open.js";
import { flagValue, looksSecret, maskSecrets } from "../quote.js";

export interface DataFlags {
  data?: string;
  /** --database-url: PostgreSQL instead of the folder's SQLite file (vault/storage/database-url.ts). */
  databaseUrl?: string;
}

export const DATABASE_URL_HELP =
  "run on this PostgreSQL database instead of SQLite in --data (default: $ALTER_VAULT_DATABASE_URL): postgres://role@host:5432/db, the password in PGPASSWORD or ~/.pgpass; --data then holds only the master key file";

/** --data, and --database-url: every command that opens the vault (`vault import` takes --data only). */
export function withData(cmd: Command): Command {
  return withDataFolder(cmd).option("--database-url <url>", DATABASE_URL_HELP);
}

/** --data alone. */
export function withDataFolder(cmd: Command): Command {
  return cmd.option("-d, --data <dir>", "vault data folder", DEFAULT_DATA_DIR);
}

/** Where an admin function finds the vault: the data folder and, when given, the database URL. */
export function vaultAt(flags: DataFlags): { dataDir: string | undefined; databaseUrl?: string } {
  return flags.databaseUrl !== undefined ? { dataDir: flags.data, databaseUrl: flags.databaseUrl } : { dataDir: flags.data };
}

export function out(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : text + "\n");
}

export function usage(message: string): never {
  // The alter-gen CLI prints it as "alter-gen: <message>. See alter-gen vault --help." Messages
  // quote typed values through vault/quote.ts; masking here catches one that did not.
  throw new CommanderError(2, "alter.vault.usage", maskSecrets(message).replace(/\.$/, ""));
}

/** Wraps an action so VaultUsageError / client-side VaultError become exit-2 paragraphs. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (e instanceof VaultUsageError) usage(e.message);
      if (e instanceof VaultError && e.status < 500) usage(e.message);
      throw e;
    }
  };
}

/** "90", "90s", "30m", "12h", "7d" → seconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!m) usage(`${flagValue(flag, text)} is not a duration such as 3600, 30m, 12h or 7d.`);
  const n = Number(m[1]);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? "s") as "s" | "m" | "h" | "d"];
  if (n <= 0) usage(`${flag} must be positive.`);
  return n * unit;
}

export function table(head: string[], rows: string[][]): string {
  // A loop, not Math.max(...cells): spreading many thousands of arguments overflows the stack.
  const widths = head.map((h) => h.length);
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [fmt(head), ...rows.map(fmt)].join("\n");
}

/**
 * The secret held by the environment variable `name` (given to `flag`). The secret itself passed
 * instead of a name is refused without being repeated, and the operator learns it may now sit
 * in their shell history.
 */
export function readEnvSecret(name: string, flag: string): string {
  const example = `put the secret in a variable (read -rs TOKEN; export TOKEN) and pass its name: ${flag} TOKEN`;
  if (looksSecret(name)) {
    usage(`${flag} takes the name of an environment variable, not a value; what was given looks like a secret, so it is not repeated here (if it is one, it may now be in your shell history: rotate it). Instead, ${example}.`);
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) usage(`${flag} takes the name of an environment variable, not a value; ${example}.`);
  const v = process.env[name];
  if (v === undefined || v === "") usage(`${flag} ${name}: the environment variable ${name} is not set or empty.`);
  return v;
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) usage("--from-stdin needs the secret piped in (for example `printf %s \"$TOKEN\" | alter-gen vault secrets add …`).");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

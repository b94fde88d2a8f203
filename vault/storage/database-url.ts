// Which database a vault runs on: SQLite in the data folder (the default, nothing to set), or the
// PostgreSQL database a URL names: `--database-url` on the command line, else the environment
// variable ALTER_VAULT_DATABASE_URL (the flag wins, so one command can be pointed elsewhere).
// A URL may carry a password, so no message repeats one: a value that is not a URL is not
// repeated at all, and a URL is shown with its password and query replaced (redactDatabaseUrl).
import { VaultUsageError } from "../errors.js";
import { quoted } from "../quote.js";

export const DATABASE_URL_ENV = "ALTER_VAULT_DATABASE_URL";
export const DATABASE_URL_FLAG = "--database-url";
export const DATABASE_POOL_ENV = "ALTER_VAULT_DATABASE_POOL";
export const DATABASE_POOL_FLAG = "--database-pool";

/** A PostgreSQL database chosen for the vault, and where the choice came from (for messages). */
export interface DatabaseChoice {
  url: string;
  /** The flag or environment variable that named it. */
  from: typeof DATABASE_URL_FLAG | typeof DATABASE_URL_ENV;
  /** host:port/database, for messages: never the user's password. */
  where: string;
}

/**
 * The PostgreSQL database the vault runs on, or undefined for SQLite in the data folder. An empty
 * environment variable counts as unset; an empty flag is an error (it was typed on purpose).
 */
export function chooseDatabase(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): DatabaseChoice | undefined {
  if (flag !== undefined) return checkDatabaseUrl(flag, DATABASE_URL_FLAG);
  const fromEnv = env[DATABASE_URL_ENV];
  if (fromEnv === undefined || fromEnv === "") return undefined;
  return checkDatabaseUrl(fromEnv, DATABASE_URL_ENV);
}

/** Throws a VaultUsageError naming `from` unless `url` is a postgres:// URL. */
export function checkDatabaseUrl(url: string, from: DatabaseChoice["from"]): DatabaseChoice {
  const example = "postgres://role@host:5432/database (the password in PGPASSWORD or ~/.pgpass, not in the URL)";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not even a URL: it may be a bare password pasted in the wrong place, so it is not repeated.
    throw new VaultUsageError(`${from} is not a URL (its value is not shown: it may hold a password); expected ${example}.`);
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    // Only the scheme is repeated: what follows an unknown one is opaque, so a password in it
    // would not be recognised (and redacted) as one.
    throw new VaultUsageError(`${from} must be a postgres:// URL such as ${example}, not a ${quoted(parsed.protocol.slice(0, 20))} URL.`);
  }
  return { url, from, where: databaseWhere(parsed) };
}

/** host:port/database of a PostgreSQL URL, libpq's defaults filled in. */
function databaseWhere(u: URL): string {
  const host = u.hostname || u.searchParams.get("host") || "localhost";
  const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || decodeURIComponent(u.username) || "postgres";
  return `${host}:${u.port || "5432"}/${database}`;
}

/** The pool size of a PostgreSQL vault: `--database-pool`, else ALTER_VAULT_DATABASE_POOL, else `fallback`. */
export function choosePoolSize(flag: string | undefined, env: NodeJS.ProcessEnv, fallback: number): number {
  const [value, from] = flag !== undefined ? [flag, DATABASE_POOL_FLAG] : [env[DATABASE_POOL_ENV], DATABASE_POOL_ENV];
  if (value === undefined || value === "") return fallback;
  if (!/^[1-9]\d{0,2}$/.test(value) || Number(value) > 200) {
    throw new VaultUsageError(`${from} must be a number of connections from 1 to 200, not ${quoted(value)}.`);
  }
  return Number(value);
}

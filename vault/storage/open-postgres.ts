// Opening the PostgreSQL database a vault runs on (`--database-url` / ALTER_VAULT_DATABASE_URL),
// with one clear paragraph for each way that fails, naming the flag or variable the URL came
// from and never its password: the server cannot be reached, it refused the login, the database
// does not exist, or its schema is missing or older than this version (the running vault's role
// may not migrate: `vault migrate` is the owner's).
import { VaultUsageError } from "../errors.js";
import { maskSecrets } from "../quote.js";
import type { DatabaseChoice } from "./database-url.js";
import { PostgresDriver } from "./sql/postgres-driver.js";
import { pgMigrations } from "./sql/pg-migrations/index.js";
import { isStorageUnavailable } from "./sql/unavailable.js";

/**
 * How long a vault waits for its database: a new connection, or one statement's answer. A host
 * that drops packets (down, or cut off by a partition) then fails a request within this instead
 * of the operating system's minutes, and the request answers storage_unavailable while the
 * caller's retry still has time to reach another instance.
 */
export const DATABASE_TIMEOUT_MS = 10_000;

/**
 * A pool on `db` whose schema is current (every migration this version knows is applied). Its
 * connections carry `label` as their application name unless the URL (or PGAPPNAME) names one,
 * so pg_stat_activity tells the instances apart.
 */
export async function openPostgresDriver(db: DatabaseChoice, max?: number, label?: string, timeoutMs?: number): Promise<PostgresDriver> {
  const driver = await connectPostgres(label ? { ...db, url: withFallbackName(db.url, label) } : db, max, timeoutMs);
  try {
    await checkSchema(driver, db);
  } catch (error) {
    await driver.close().catch(() => {});
    throw error;
  }
  return driver;
}

function withFallbackName(url: string, label: string): string {
  const u = new URL(url);
  if (!u.searchParams.has("fallback_application_name")) u.searchParams.set("fallback_application_name", label.slice(0, 63));
  return u.toString();
}

/** A pool on `db` whose first connection worked; failures as one VaultUsageError. */
export async function connectPostgres(db: DatabaseChoice, max?: number, timeoutMs = DATABASE_TIMEOUT_MS): Promise<PostgresDriver> {
  try {
    return await PostgresDriver.open({ url: db.url, ...(max ? { max } : {}), connectTimeoutMs: timeoutMs, queryTimeoutMs: timeoutMs });
  } catch (error) {
    throw explainConnectError(error, db);
  }
}

/** Refuses a database `vault migrate` has not brought up to this version's schema. */
export async function checkSchema(driver: PostgresDriver, db: DatabaseChoice): Promise<void> {
  const migrate = `run \`alter-gen vault migrate ${db.from === "--database-url" ? "--database-url …" : "--database-url \"$ALTER_VAULT_DATABASE_URL\""}\` as the role that owns the schema`;
  let applied: Set<number>;
  try {
    applied = new Set((await driver.all<{ version: number }>("SELECT version FROM schema_migrations")).map((r) => Number(r.version)));
  } catch (error) {
    const code = pgCode(error);
    if (code === "42P01") throw new VaultUsageError(`The database ${db.where} (${db.from}) has no vault schema yet: ${migrate} first.`);
    if (code === "42501") {
      throw new VaultUsageError(
        `The role of ${db.from} may not read the vault's tables in ${db.where}: ${migrate} with --runtime-role <this role> to grant the running vault its privileges.`,
      );
    }
    throw new VaultUsageError(`Cannot read the vault schema's version in ${db.where} (${db.from}): ${scrub(error, db.url)}.`);
  }
  const missing = pgMigrations.map((m) => m.version).filter((v) => !applied.has(v));
  if (missing.length) {
    const at = applied.size ? Math.max(...applied) : 0;
    throw new VaultUsageError(
      `The vault schema in ${db.where} (${db.from}) is older than this alter-gen needs (at ${at}; missing migration${missing.length > 1 ? "s" : ""} ${missing.join(", ")}): ${migrate}.`,
    );
  }
}

/** The VaultUsageError for a failed first connection: which failure, where, from which flag. */
export function explainConnectError(error: unknown, db: DatabaseChoice): VaultUsageError {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const code = pgCode(cause);
  const at = `PostgreSQL at ${db.where} (${db.from})`;
  if (code && ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET"].includes(code)) {
    return new VaultUsageError(`Cannot reach ${at}: ${code === "ENOTFOUND" || code === "EAI_AGAIN" ? "the host name does not resolve" : `the connection failed (${code})`}. Is the server running and the host and port right?`);
  }
  if (/timeout/i.test(messageOf(cause))) return new VaultUsageError(`Cannot reach ${at}: no answer within ${DATABASE_TIMEOUT_MS / 1000} s. Is the server running and the host and port right?`);
  if (code === "28P01" || code === "28000" || /password must be a string|no password/i.test(messageOf(cause))) {
    return new VaultUsageError(
      `${at} refused the login: ${scrub(cause, db.url)}. Check the role in the URL, and its password in PGPASSWORD or ~/.pgpass (keep it out of the URL).`,
    );
  }
  if (code === "3D000") return new VaultUsageError(`${at}: the database does not exist; create it, then run \`alter-gen vault migrate\` as its owner.`);
  return new VaultUsageError(`Cannot connect to ${at}: ${scrub(cause, db.url)}.`);
}

/**
 * A VaultUsageError for an error that means the database went away or refused more work while a
 * command ran (server stopped, connection cut, too many connections), else undefined: any other
 * failure is the vault's own and stays an internal error.
 */
export function explainLostDatabase(error: unknown, db: DatabaseChoice): VaultUsageError | undefined {
  if (error instanceof VaultUsageError) return undefined;
  if (!isStorageUnavailable(error)) return undefined;
  return new VaultUsageError(`PostgreSQL at ${db.where} (${db.from}) stopped answering: ${scrub(error, db.url)}. Nothing more was done; run the command again when the database is back.`);
}

function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A driver's message without the URL's password (pg's messages do not carry it; this makes sure). */
function scrub(error: unknown, url: string): string {
  let text = messageOf(error).split("\n")[0]!.replace(/\.$/, "");
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) text = text.split(password).join("***");
  } catch {
    // an unparseable URL was refused before any connection
  }
  const fromEnv = process.env.PGPASSWORD;
  if (fromEnv && fromEnv.length >= 4) text = text.split(fromEnv).join("***");
  return maskSecrets(text);
}

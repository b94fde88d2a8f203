// Opens a data folder for one admin operation and closes it afterwards.
import { databaseOf, openVaultState, type OpenOptions } from "../state.js";
import { explainLostDatabase } from "../storage/open-postgres.js";
import type { OpenedVault } from "../context.js";

export interface AdminOptions {
  /** The data folder (default `.alter`). */
  dataDir?: string;
  /** Clock override (tests). */
  now?: () => number;
  /** Folder holding providers.yaml (default: the package's specs/). */
  specsDir?: string;
  /** A postgres:// URL: the vault's database instead of SQLite in the data folder (default: env ALTER_VAULT_DATABASE_URL). */
  databaseUrl?: string;
}

/** An admin command's pool: its own statements plus the audit log's group commit. */
const ADMIN_POOL = 4;

export const DEFAULT_DATA_DIR = ".alter";

export type AdminState = OpenedVault;

export async function withVault<T>(opts: AdminOptions, fn: (s: AdminState) => T | Promise<T>): Promise<T> {
  const o: OpenOptions = {};
  if (opts.now) o.now = opts.now;
  if (opts.specsDir) o.specsDir = opts.specsDir;
  if (opts.databaseUrl !== undefined) o.databaseUrl = opts.databaseUrl;
  o.databasePool = ADMIN_POOL;
  const state = await openVaultState(opts.dataDir ?? DEFAULT_DATA_DIR, o);
  // A database that went away mid-command is the operator's to fix, not a bug to report.
  const database = databaseOf(o);
  const explained = (e: unknown) => (database && explainLostDatabase(e, database)) || e;
  let result: T;
  try {
    result = await fn(state);
    // Closing drains the log without failing on a row that could not be written (PostgreSQL's
    // group commit tells only whoever awaits the row): the command waits for its own rows.
    await Promise.all((adminRows.get(state) ?? []).map((id) => state.audit.settled(id)));
  } catch (e) {
    await state.close().catch(() => {});
    throw explained(e);
  }
  try {
    // Closing drains the audit log: a row that cannot be written fails the command.
    await state.close();
  } catch (e) {
    throw explained(e);
  }
  return result;
}

/** The admin rows each open state wrote, which withVault waits for before the command succeeds. */
const adminRows = new WeakMap<AdminState, string[]>();

/**
 * Writes the audit row of an admin action (never with a secret in it). Inside a store transaction
 * the row joins it (the change and its row commit together); either way the command fails when
 * the row cannot be written.
 */
export function auditAdmin(s: AdminState, command: string, facts: { grantId?: string; provider?: string; details?: Record<string, unknown> } = {}): void {
  const id = s.audit.write({
    action: "admin",
    outcome: "success",
    appId: s.app.id,
    caller: "alter-gen vault",
    callerType: "service",
    grantId: facts.grantId ?? null,
    provider: facts.provider ?? null,
    details: { command, ...(facts.details ?? {}) },
  });
  const rows = adminRows.get(s);
  if (rows) rows.push(id);
  else adminRows.set(s, [id]);
}

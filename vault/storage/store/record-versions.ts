// The version counters of migration 095 (`record_versions`: one row per cached table, bumped by
// triggers in the transaction of every change), read for record-cache.ts.
import type { SqlDriver } from "../sql/driver.js";

const SQLITE_READ = "SELECT group_concat(kind || '=' || version, ',') AS v FROM record_versions";
const PG_READ = "SELECT string_agg(kind || '=' || version, ',') AS v FROM record_versions";

/** The tables whose records the vault caches; each has a counter row. */
export const VERSIONED_TABLES = ["apps", "api_keys", "providers", "managed_secrets", "grants"] as const;

export type Versions = Partial<Record<(typeof VERSIONED_TABLES)[number], number>>;

/**
 * Reads the counters. Callers at the same time share a read, but only one that STARTS after
 * their call: a read already in flight may have started before a change the caller must see
 * (a revocation whose command returned just before the request came), so latecomers wait for
 * it to end and share the next one. On PostgreSQL that makes about one round trip per round
 * trip's worth of requests instead of one per request; on SQLite a read is synchronous, so
 * each caller reads (one small statement).
 */
export class VersionReader {
  readonly #sql: SqlDriver;
  #running: Promise<Versions> | undefined;
  #next: Promise<Versions> | undefined;
  /** Reads started so far: the one in flight is the last. */
  #started = 0;

  constructor(sql: SqlDriver) {
    this.#sql = sql;
  }

  read(): Promise<Versions> {
    if (this.#next) return this.#next;
    const running = this.#running;
    if (!running) return this.#start();
    const next = running.then(
      () => this.#start(),
      () => this.#start(),
    );
    this.#next = next;
    return next;
  }

  #start(): Promise<Versions> {
    // From here on, a caller joins no read that started before it called.
    this.#next = undefined;
    const started = ++this.#started;
    const p = this.#query();
    this.#running = p;
    const done = () => {
      if (this.#started === started) this.#running = undefined;
    };
    p.then(done, done);
    return p;
  }

  async #query(): Promise<Versions> {
    // One row of one text column ("grants=12,apps=1,…"): on SQLite about half the CPU of five
    // row objects, and this read is on every request.
    const row = await this.#sql.get<{ v: string | null }>(this.#sql.dialect === "postgres" ? PG_READ : SQLITE_READ);
    const v: Record<string, number> = {};
    for (const pair of (row?.v ?? "").split(",")) {
      const eq = pair.indexOf("=");
      if (eq > 0) v[pair.slice(0, eq)] = Number(pair.slice(eq + 1));
    }
    return v as Versions;
  }
}

// The nonces of signed requests, in the database every instance shares: a nonce accepted by one
// instance is refused by all. The row lives until the request's time window has closed (after
// that the timestamp check refuses the request anyway); sweep() removes what has expired.
// On PostgreSQL the inserts of concurrent requests share a statement (nonce-batch.ts); on SQLite
// a statement is synchronous and costs no round trip, so each nonce has its own.
import type { SqlDriver } from "../sql/driver.js";
import { NonceBatcher, SINGLE_INSERT } from "./nonce-batch.js";

export class NoncesRepo {
  readonly #batcher: NonceBatcher | undefined;

  constructor(private readonly sql: SqlDriver) {
    this.#batcher = sql.dialect === "postgres" ? new NonceBatcher(sql) : undefined;
  }

  /**
   * Records (key, nonce) until `expiresAt` (epoch ms). False when it is already recorded and
   * unexpired: a replay. An expired row not yet swept is taken over, not counted as a replay.
   */
  async remember(keyId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    if (this.#batcher) return this.#batcher.remember(keyId, nonce, expiresAt, now);
    return (await this.sql.run(SINGLE_INSERT, [keyId, nonce, expiresAt, now])).changes === 1;
  }

  /** Deletes expired nonces; returns how many. */
  async sweep(now: number): Promise<number> {
    return (await this.sql.run("DELETE FROM request_nonces WHERE expires_at <= ?", [now])).changes;
  }
}

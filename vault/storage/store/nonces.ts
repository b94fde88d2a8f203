// The nonces of signed requests, in the database every instance shares: a nonce accepted by one
// instance is refused by all. The row lives until the request's time window has closed (after
// that the timestamp check refuses the request anyway); sweep() removes what has expired.
import type { SqlDriver } from "../sql/driver.js";

export class NoncesRepo {
  constructor(private readonly sql: SqlDriver) {}

  /**
   * Records (key, nonce) until `expiresAt` (epoch ms). False when it is already recorded and
   * unexpired: a replay. An expired row not yet swept is taken over, not counted as a replay.
   */
  async remember(keyId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    const r = await this.sql.run(
      `INSERT INTO request_nonces (key_id, nonce, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key_id, nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE request_nonces.expires_at <= ?`,
      [keyId, nonce, expiresAt, now],
    );
    return r.changes === 1;
  }

  /** Deletes expired nonces; returns how many. */
  async sweep(now: number): Promise<number> {
    return (await this.sql.run("DELETE FROM request_nonces WHERE expires_at <= ?", [now])).changes;
  }
}

// PostgreSQL's nonce inserts, batched: every signed request remembers its nonce before it is
// served, and one statement (one round trip, one socket write) per request was the largest share
// of a retrieval's statements. The nonces asked for in one turn of the event loop go in one
// multi-row INSERT … ON CONFLICT … RETURNING, and each caller learns from the returned rows
// whether its own nonce was fresh. The statement is autocommitted, so every nonce in it is durable
// before any caller is answered, as with one statement per nonce.
//
// Exactness (replay protection):
// - A (key, nonce) asked for twice in one batch goes in once; the second caller is refused at
//   once (a replay of the first, whatever the database says about the first).
// - The takeover of an expired, not yet swept row compares with the EARLIEST `now` of the batch:
//   a row is taken over only if it had expired for every caller in the batch, so a replay is
//   never accepted because the batch ran later than the request was checked.
// - Rows go in sorted by (key_id, nonce): two batches (two instances) racing for the same nonces
//   take their row locks in the same order, so they cannot deadlock each other.
// - A batch that fails is retried one nonce per statement, so only the nonces that fail fail.
import type { SqlDriver } from "../sql/driver.js";

/** Nonces per statement at most (the rest wait for the next one). */
const MAX_BATCH = 256;

export const SINGLE_INSERT = `INSERT INTO request_nonces (key_id, nonce, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key_id, nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE request_nonces.expires_at <= ?`;

// The batch is one JSON parameter (one named statement, whatever the batch's size).
const BATCH_INSERT = `INSERT INTO request_nonces (key_id, nonce, expires_at)
SELECT key_id, nonce, expires_at FROM json_to_recordset(?::json) AS t(key_id text, nonce text, expires_at bigint) ORDER BY key_id, nonce
ON CONFLICT (key_id, nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE request_nonces.expires_at <= ?
RETURNING key_id, nonce`;

interface Asked {
  keyId: string;
  nonce: string;
  expiresAt: number;
  now: number;
  resolve: (fresh: boolean) => void;
  reject: (e: unknown) => void;
}

/** The key under which a (key, nonce) is known in a batch (no separator can be forged: length first). */
const pairKey = (keyId: string, nonce: string) => `${keyId.length}:${keyId}${nonce}`;

export class NonceBatcher {
  readonly #sql: SqlDriver;
  #queue: Asked[] = [];
  #scheduled = false;
  #inFlight = false;

  constructor(sql: SqlDriver) {
    this.#sql = sql;
  }

  remember(keyId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.#queue.push({ keyId, nonce, expiresAt, now, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  /**
   * One statement in flight at a time: nonces asked for meanwhile wait for it and go together in
   * the next, so a busy instance sends about one statement per round trip, not one per request.
   */
  async #flush(): Promise<void> {
    if (this.#inFlight || this.#queue.length === 0) return;
    this.#inFlight = true;
    const batch = this.#queue.splice(0, MAX_BATCH);
    try {
      await this.#run(batch);
    } finally {
      this.#inFlight = false;
      this.#schedule();
    }
  }

  async #run(batch: Asked[]): Promise<void> {
    const first = new Map<string, Asked>();
    for (const a of batch) {
      const k = pairKey(a.keyId, a.nonce);
      if (first.has(k)) a.resolve(false); // the same nonce twice at once: the later one is a replay
      else first.set(k, a);
    }
    const unique = [...first.values()];
    if (unique.length === 1) return this.#runOne(unique[0]!);
    let fresh: Set<string>;
    try {
      const now = Math.min(...unique.map((a) => a.now));
      const rows = JSON.stringify(unique.map((a) => ({ key_id: a.keyId, nonce: a.nonce, expires_at: a.expiresAt })));
      fresh = new Set((await this.#sql.values(BATCH_INSERT, [rows, now])).map((r) => pairKey(r[0] as string, r[1] as string)));
    } catch {
      // Nothing of a failed statement was written: each nonce again on its own.
      for (const a of unique) await this.#runOne(a);
      return;
    }
    for (const [k, a] of first) a.resolve(fresh.has(k));
  }

  async #runOne(a: Asked): Promise<void> {
    try {
      a.resolve((await this.#sql.run(SINGLE_INSERT, [a.keyId, a.nonce, a.expiresAt, a.now])).changes === 1);
    } catch (e) {
      a.reject(e);
    }
  }
}

// Writes audit rows. A row is written (committed) before the response leaves; if it cannot be
// written the caller gets an error instead of an unaudited success. Each row gets the next
// sequence number and the hash linking it to the row before (chain.ts); after each commit the
// newest row is attested by a signed checkpoint (checkpoint.ts) before anyone is told it exists.
import type { Db } from "../storage/db.js";
import { handleRunner, storeTransaction } from "../storage/sql/sqlite-driver.js";
import type { SqlRunner } from "../storage/sql/driver.js";
import { auditRow } from "./audit-row.js";
import { genesisHash, HASHED_COLUMNS, MAIN_CHAIN, rowHash, type ChainRow } from "../crypto/audit-chain.js";
import { SqliteAuditInsert } from "./sqlite-insert.js";
import type { AlsoInTransaction, AuditEntry, AuditLog, FinishRow } from "./log.js";

export type { AlsoInTransaction, AuditAction, AuditEntry, AuditOutcome, FinishRow } from "./log.js";
import type { CheckpointFile } from "./checkpoint.js";

export interface AuditRow extends Required<Omit<AuditEntry, "details">> {
  seq: number;
  id: string;
  time: string;
  details: Record<string, unknown> | null;
  /** The row's link in the hash chain (docs/architecture.md, "Audit log"). */
  hash: string | null;
  /** PostgreSQL: the chain (instance) the row belongs to; seq counts within it. */
  chain?: string;
}

interface Pending {
  row: ChainRow;
  also: AlsoInTransaction | undefined;
  resolve: (id: string) => void;
  reject: (e: unknown) => void;
}

export interface AuditWriterOptions {
  /** Where checkpoints go; none in tests of the writer alone. */
  checkpoint?: CheckpointFile;
  /**
   * The highest seq ever attested (the checkpoint's): rows lost from the database never give
   * their numbers to new rows.
   */
  seqFloor?: number;
}

export class AuditWriter implements AuditLog {
  /** SQLite holds one chain. */
  readonly chain = MAIN_CHAIN;
  readonly #db: Db;
  readonly #insert: SqliteAuditInsert;
  readonly #head;
  readonly #now: () => number;
  #checkpoint: CheckpointFile | undefined;
  #floor: number;
  #queue: Pending[] = [];
  #scheduled = false;
  #checkpointScheduled = false;
  /** Rows written while another caller's store transaction was open, until they are in. */
  readonly #deferred = new Map<string, Promise<void>>();
  /** Group commits under way. */
  readonly #flushing = new Set<Promise<void>>();
  /** Built once: wrapping a function in a transaction costs more than a small insert. */
  readonly #insertBatch;

  constructor(db: Db, now: () => number = Date.now, opts: AuditWriterOptions = {}) {
    this.#db = db;
    this.#insert = new SqliteAuditInsert(db);
    this.#head = db.prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    this.#now = now;
    this.#checkpoint = opts.checkpoint;
    this.#floor = opts.seqFloor ?? 0;
    this.#insertBatch = db.transaction((rows: ChainRow[], also: readonly (AlsoInTransaction | undefined)[], finish?: FinishRow) => {
      for (const a of also) if (a) this.#runNow(a);
      return this.#insertChained(rows, finish);
    });
  }

  /** The checkpoint file new rows are attested in, if the log is in a state to be attested. */
  get checkpoint(): CheckpointFile | undefined {
    return this.#checkpoint;
  }

  /** Starts attesting rows in `file` (after an operator override created it afresh). */
  attestWith(file: CheckpointFile): void {
    this.#checkpoint = file;
  }

  /** The newest row's seq and hash (seq 0 and the genesis hash for an empty log). */
  head(): { seq: number; hash: string } {
    const row = this.#head.get() as { seq: number; hash: string | null } | undefined;
    return row ? { seq: row.seq, hash: row.hash ?? "" } : { seq: 0, hash: genesisHash() };
  }

  /** Raises the lowest seq new rows may take above `seq` (used after an operator override). */
  raiseFloor(seq: number): void {
    this.#floor = Math.max(this.#floor, seq);
  }

  /**
   * Inserts the row now (inside the caller's transaction, if any) and returns its id. Outside a
   * transaction it commits and is checkpointed at once; inside one, the checkpoint follows on the
   * next turn of the event loop, once the caller's transaction has committed or rolled back.
   */
  write(e: AuditEntry, finish?: FinishRow): string {
    const row = this.#row(e);
    const open = storeTransaction(this.#db);
    if (open && !open.inside) {
      // The handle is inside another caller's store transaction (this code ran between two of its
      // statements): a row inserted now would commit or roll back with it. It waits for its end.
      this.#defer(row, finish, open.ended);
    } else if (this.#db.inTransaction) {
      this.#insertChained([row], finish);
      this.#scheduleCheckpoint();
    } else {
      this.#writeCheckpoint(this.#insertBatch.immediate([row], [], finish));
    }
    return row.id as string;
  }

  /** Settles once the row `id` returned by write() is in the log; rejects if it could not be written. */
  settled(id: string): Promise<void> {
    return this.#deferred.get(id) ?? Promise.resolve();
  }

  #defer(row: ChainRow, finish: FinishRow | undefined, ended: Promise<void>): void {
    const id = row.id as string;
    const done = (async () => {
      await ended;
      // Another store transaction may have begun in between; this code is never inside one.
      for (let t = storeTransaction(this.#db); t; t = storeTransaction(this.#db)) await t.ended;
      this.#writeCheckpoint(this.#insertBatch.immediate([row], [], finish));
    })().finally(() => this.#deferred.delete(id));
    // Whoever awaits settled() sees a failure; nobody else must (no unhandled rejection).
    done.catch(() => {});
    this.#deferred.set(id, done);
  }

  /**
   * Group commit: rows queued in the same turn of the event loop are inserted in one
   * transaction, together with each row's `also` (e.g. the grant's last-used time). The promise
   * resolves once that transaction has committed and been checkpointed, so a caller that waits
   * for it before answering never acknowledges an unwritten row; it rejects if the row could not
   * be written. The batch waits for any open store transaction to end, so a caller inside one
   * must not await its commit there (use write(), whose row joins the transaction).
   */
  commit(e: AuditEntry, also?: AlsoInTransaction): Promise<string> {
    let row: ChainRow;
    try {
      row = this.#row(e);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<string>((resolve, reject) => {
      this.#queue.push({ row, also, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  /**
   * Writes now the checkpoint still due for rows written inside a caller's transaction (once it
   * has committed), so the server can attest them before it answers.
   */
  attestPending(): void {
    if (this.#checkpointScheduled && this.#db.open && !this.#db.inTransaction) {
      this.#checkpointScheduled = false;
      this.#writeCheckpoint(this.head());
    }
  }

  /** Writes a checkpoint still due and flushes it to disk; call before closing the database. */
  close(): void {
    this.attestPending();
    this.#checkpointScheduled = false;
    this.#checkpoint?.syncNow();
  }

  /** Writes the queued rows now and waits for every row still on its way; call before closing. */
  async drain(): Promise<void> {
    if (this.#queue.length > 0 && this.#db.open) void this.#flush();
    await Promise.allSettled([...this.#flushing, ...this.#deferred.values()]);
  }

  #flush(): Promise<void> {
    if (this.#queue.length === 0) return Promise.resolve();
    const batch = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    const done = this.#flushBatch(batch).finally(() => this.#flushing.delete(done));
    this.#flushing.add(done);
    return done;
  }

  async #flushBatch(batch: Pending[]): Promise<void> {
    // Never into another caller's store transaction: the batch waits for its end.
    for (let t = storeTransaction(this.#db); t; t = storeTransaction(this.#db)) await t.ended;
    try {
      this.#writeCheckpoint(this.#append(batch));
      for (const p of batch) p.resolve(p.row.id as string);
    } catch {
      // Something in the batch failed: retry one by one so only the failing rows fail.
      for (const p of batch) {
        try {
          this.#writeCheckpoint(this.#append([p]));
          p.resolve(p.row.id as string);
        } catch (err) {
          p.reject(err);
        }
      }
    }
  }

  /** One synchronous transaction: each row's `also`, then the rows, numbered and linked. */
  #append(batch: Pending[]): { seq: number; hash: string } {
    return this.#insertBatch.immediate(
      batch.map((p) => p.row),
      batch.map((p) => p.also),
    );
  }

  /**
   * Runs `also` on a runner whose statements execute at once, on this handle, inside the open
   * transaction; a statement that fails throws here, so the transaction rolls back.
   */
  #runNow(also: AlsoInTransaction): void {
    const failures: unknown[] = [];
    const now = <T>(f: () => T): Promise<T> => {
      try {
        return Promise.resolve(f());
      } catch (e) {
        failures.push(e);
        return Promise.reject(e);
      }
    };
    const out = also(handleRunner(this.#db, now));
    // Failures are thrown below; the promise's own rejection has no one else to tell.
    if (out instanceof Promise) out.catch(() => {});
    if (failures.length > 0) throw failures[0];
  }

  /** Numbers, links and inserts rows after the database's newest row; the caller holds the transaction. */
  #insertChained(rows: ChainRow[], finish?: FinishRow): { seq: number; hash: string } {
    const head = this.#head.get() as { seq: number; hash: string | null } | undefined;
    let seq = Math.max(head?.seq ?? 0, this.#floor);
    let prev = head?.hash ?? genesisHash();
    const values: (string | number | null)[] = [];
    for (const row of rows) {
      row.seq = ++seq;
      finish?.(row, prev);
      prev = rowHash(prev, row);
      for (const c of HASHED_COLUMNS) values.push(row[c] ?? null);
      values.push(prev);
    }
    this.#insert.run(values, rows.length);
    return { seq, hash: prev };
  }

  #writeCheckpoint(head: { seq: number; hash: string }): void {
    if (!this.#checkpoint) return;
    this.#checkpoint.write({ ...head, time: new Date(this.#now()).toISOString() });
  }

  #scheduleCheckpoint(): void {
    if (!this.#checkpoint || this.#checkpointScheduled) return;
    this.#checkpointScheduled = true;
    setImmediate(() => {
      if (!this.#checkpointScheduled || !this.#db.open) return;
      this.#checkpointScheduled = false;
      if (this.#db.inTransaction) return this.#scheduleCheckpoint();
      this.#writeCheckpoint(this.head());
    });
  }

  #row(e: AuditEntry): ChainRow {
    return auditRow(e, this.#now());
  }
}

// The audit log on PostgreSQL: rows go through the store's AuditRepo into this instance's chain
// (one chain per instance, docs/architecture.md "Audit log"), numbered and linked under the
// chain's advisory lock in the transaction that inserts them.
//
// - commit(): group commit. Rows queued in one turn of the event loop go in one transaction with
//   each row's `also`; a failed batch is retried row by row so only the failing rows fail.
// - write() inside a store transaction of the same driver joins it: the insert is issued on the
//   caller's connection and the transaction waits for it before COMMIT, so the row commits or
//   rolls back with the caller's change. Outside one, the row joins the next group commit and
//   settled(id) says when it is in; nothing of it waits for another caller's transaction.
import type { ChainRow } from "../crypto/audit-chain.js";
import type { PostgresDriver } from "../storage/sql/postgres-driver.js";
import type { SqlRunner } from "../storage/sql/driver.js";
import type { AuditRepo, ChainHead } from "../storage/store/audit.js";
import type { AlsoInTransaction, AuditEntry, AuditLog, FinishRow } from "./log.js";
import { auditRow } from "./audit-row.js";

/** Rows per group commit at most (a failed batch is retried row by row). */
const MAX_BATCH = 512;

interface Pending {
  row: ChainRow;
  also: AlsoInTransaction | undefined;
  finish: FinishRow | undefined;
  resolve: (id: string) => void;
  reject: (e: unknown) => void;
}

/** What is done in each appending transaction after the rows (the chain's signed checkpoint). */
export type AfterAppend = (tx: SqlRunner, head: ChainHead) => Promise<void>;

export interface PostgresAuditLogOptions {
  /** Writes the chain's checkpoint in an appending transaction. */
  attest?: AfterAppend;
  /** Whether new rows are attested from the start (the chain's checkpoint holds); else only after acceptDamage(). */
  attested?: boolean;
  /** The highest seq ever attested (the checkpoint's): rows lost never give their numbers away. */
  seqFloor?: number;
}

export class PostgresAuditLog implements AuditLog {
  readonly chain: string;
  readonly #repo: AuditRepo;
  readonly #sql: PostgresDriver;
  readonly #now: () => number;
  readonly #attest: AfterAppend | undefined;
  #after: AfterAppend | undefined;
  #floor: number;
  #queue: Pending[] = [];
  #scheduled = false;
  /** Rows of write() on their way (joined to a caller's transaction or queued), by id. */
  readonly #pending = new Map<string, Promise<void>>();
  readonly #flushing = new Set<Promise<void>>();

  constructor(repo: AuditRepo, sql: PostgresDriver, now: () => number = Date.now, opts: PostgresAuditLogOptions = {}) {
    this.#repo = repo;
    this.#sql = sql;
    this.#now = now;
    this.#attest = opts.attest;
    this.#after = opts.attested ? opts.attest : undefined;
    this.#floor = opts.seqFloor ?? 0;
    this.chain = repo.chain;
  }

  write(e: AuditEntry, finish?: FinishRow): string {
    const row = auditRow(e, this.#now());
    const id = row.id as string;
    const tx = this.#sql.joinable();
    let done: Promise<unknown>;
    if (tx) {
      done = this.#appendIn(tx.runner, [row], finish ? () => finish : () => undefined);
      tx.join(done);
    } else {
      done = this.#enqueue(row, undefined, finish);
    }
    const settled = done.then(() => undefined).finally(() => this.#pending.delete(id));
    // Whoever awaits settled() (or the joined transaction) sees a failure; nobody else must.
    settled.catch(() => {});
    this.#pending.set(id, settled);
    return id;
  }

  settled(id: string): Promise<void> {
    return this.#pending.get(id) ?? Promise.resolve();
  }

  commit(e: AuditEntry, also?: AlsoInTransaction): Promise<string> {
    let row: ChainRow;
    try {
      row = auditRow(e, this.#now());
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#enqueue(row, also, undefined);
  }

  /**
   * The operator's override of a damaged chain (override.ts): appends the signed override row
   * after every seq ever attested (`floor`) and a fresh checkpoint on it, in one transaction,
   * and attests new rows from then on. Returns the row's seq.
   */
  async acceptDamage(e: AuditEntry, finish: FinishRow, floor: number): Promise<number> {
    const attest = this.#attest;
    if (!attest) throw new Error("this audit log has no checkpoint to write");
    this.#floor = Math.max(this.#floor, floor);
    const row = auditRow(e, this.#now());
    const head = await this.#sql.transaction(async (tx) => {
      const h = await this.#repo.appendIn(tx, [row], { finish, seqFloor: this.#floor });
      await attest(tx, h);
      return h;
    });
    this.#after = attest;
    return head.seq;
  }

  /** Checkpoints commit with the rows they attest: nothing is ever left to attest. */
  attestPending(): void {}

  async drain(): Promise<void> {
    for (;;) {
      if (this.#queue.length > 0) void this.#flush();
      const waiting = [...this.#flushing, ...this.#pending.values()];
      if (waiting.length === 0) return;
      await Promise.allSettled(waiting);
    }
  }

  close(): void {}

  #enqueue(row: ChainRow, also: AlsoInTransaction | undefined, finish: FinishRow | undefined): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.#queue.push({ row, also, finish, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  /**
   * One batch at a time: batches of one chain serialise on its lock anyway, so rows queued while
   * one is in flight wait for it and go together in the next (fewer, larger transactions, and
   * one pool connection instead of one per waiting batch).
   */
  #flush(): Promise<void> {
    this.#scheduled = false;
    if (this.#queue.length === 0 || this.#flushing.size > 0) return Promise.resolve();
    const batch = this.#queue.splice(0, MAX_BATCH);
    const done = this.#flushBatch(batch).finally(() => {
      this.#flushing.delete(done);
      if (this.#queue.length > 0) void this.#flush();
    });
    this.#flushing.add(done);
    return done;
  }

  async #flushBatch(batch: Pending[]): Promise<void> {
    try {
      await this.#append(batch);
      for (const p of batch) p.resolve(p.row.id as string);
    } catch {
      // Something in the batch failed (its transaction rolled back whole): retry one by one so
      // only the failing rows fail.
      for (const p of batch) {
        try {
          await this.#append([p]);
          p.resolve(p.row.id as string);
        } catch (err) {
          p.reject(err);
        }
      }
    }
  }

  /** One transaction: each row's `also`, then the rows, numbered and linked, then the checkpoint. */
  #append(batch: Pending[]): Promise<ChainHead> {
    const finishOf = new Map(batch.map((p) => [p.row, p.finish]));
    return this.#sql.transaction(async (tx) => {
      for (const p of batch) if (p.also) await p.also(tx);
      return this.#appendIn(
        tx,
        batch.map((p) => p.row),
        (row) => finishOf.get(row),
      );
    });
  }

  async #appendIn(tx: SqlRunner, rows: ChainRow[], finishOf: (row: ChainRow) => FinishRow | undefined): Promise<ChainHead> {
    const head = await this.#repo.appendIn(tx, rows, { finish: (row, prev) => finishOf(row)?.(row, prev), seqFloor: this.#floor });
    if (this.#after) await this.#after(tx, head);
    return head;
  }
}

// The SQL driver over the vault's better-sqlite3 handle (../db.ts): the same file, schema and
// prepared-statement cache the synchronous callers use, so both kinds of caller can share one
// open database while callers move to the asynchronous repositories.
//
// better-sqlite3 runs each statement synchronously, so an asynchronous transaction would let
// statements of other callers (awaiting in between) land inside it; and a second connection to
// the same file in this process would block the thread in SQLite's busy wait while the first
// one's transaction, which only this thread can finish, waits for its turn: a deadlock until
// busy_timeout. So while a transaction is open on a file, every other statement and transaction
// of this process on that file waits for it to end (other processes wait in SQLite, as before).
import { AsyncLocalStorage } from "node:async_hooks";
import { resolve } from "node:path";
import { stmt, type Db } from "../db.js";
import type { SqlDriver, SqlRunner, SqlValue } from "./driver.js";

interface Gate {
  /** Settles when the open transaction ends; null when none is open. */
  open: Promise<void> | null;
}

/** One gate per database file in this process (an in-memory database is its own). */
const gates = new Map<string, Gate>();

/** The gate whose transaction the running code is inside (its callbacks and awaits included). */
const inside = new AsyncLocalStorage<Gate>();

/**
 * The store transaction open on `db`'s file, if any: whether the calling code runs inside it, and
 * a promise settled when it ends. Code that writes through the synchronous handle (the audit
 * writer, until issue 14 is done) uses it: the handle's `inTransaction` is also true for
 * code that merely ran between two statements of someone else's transaction, and a row written
 * there would be rolled back with it.
 */
export function storeTransaction(db: Db): { inside: boolean; ended: Promise<void> } | undefined {
  const g = gateOf(db);
  if (!g.open) return undefined;
  return { inside: inside.getStore() === g, ended: g.open };
}

/** An in-memory database's gate, by its handle (each handle is its own database). */
const memoryGates = new WeakMap<Db, Gate>();

function gateOf(db: Db): Gate {
  if (db.memory || !db.name) {
    let m = memoryGates.get(db);
    if (!m) memoryGates.set(db, (m = { open: null }));
    return m;
  }
  const key = resolve(db.name);
  let g = gates.get(key);
  if (!g) gates.set(key, (g = { open: null }));
  return g;
}

/** Runs `f` now; its result or its throw as a promise (what an async function body would give). */
function settleNow<T>(f: () => T): Promise<T> {
  try {
    return Promise.resolve(f());
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * A runner whose statements execute at once on the handle, each through `settle` (which may also
 * note a failure synchronously, as the audit writer's in-transaction runner does). No gate: for
 * code that already holds the handle's transaction.
 */
export function handleRunner(db: Db, settle: <T>(f: () => T) => Promise<T> = settleNow): SqlRunner {
  return {
    dialect: "sqlite",
    get: <T>(sql: string, p: readonly SqlValue[] = []) => settle(() => stmt(db, sql).get(...p) as T | undefined),
    all: <T>(sql: string, p: readonly SqlValue[] = []) => settle(() => stmt(db, sql).all(...p) as T[]),
    // A raw statement of its own: raw(true) would change the cached statement for every caller.
    values: (sql: string, p: readonly SqlValue[] = []) => settle(() => db.prepare(sql).raw(true).all(...p) as unknown[][]),
    run: (sql: string, p: readonly SqlValue[] = []) => settle(() => ({ changes: stmt(db, sql).run(...p).changes })),
  };
}

export class SqliteDriver implements SqlDriver {
  readonly dialect = "sqlite" as const;
  readonly db: Db;
  readonly #gate: Gate;
  readonly #direct: SqlRunner;

  constructor(db: Db) {
    this.db = db;
    this.#gate = gateOf(db);
    this.#direct = handleRunner(db);
  }

  async #idle(): Promise<void> {
    while (this.#gate.open) await this.#gate.open;
  }

  // Each statement below waits inline and then runs in the same synchronous step, so no
  // transaction can open between the last check and the statement (see transaction()).
  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    while (this.#gate.open) await this.#gate.open;
    return this.#direct.get<T>(sql, params);
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    while (this.#gate.open) await this.#gate.open;
    return this.#direct.all<T>(sql, params);
  }

  async values(sql: string, params: readonly SqlValue[] = []): Promise<unknown[][]> {
    while (this.#gate.open) await this.#gate.open;
    return this.#direct.values(sql, params);
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    while (this.#gate.open) await this.#gate.open;
    return this.#direct.run(sql, params);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    // The wait is inline, not `await this.#idle()`: returning from an async function takes
    // another turn, in which a second waiter would also find the gate open. Here the last check
    // and the claim below run in one synchronous step.
    while (this.#gate.open) await this.#gate.open;
    let end!: () => void;
    this.#gate.open = new Promise<void>((settle) => (end = settle));
    try {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const value = await inside.run(this.#gate, () => fn(this.#direct));
        this.db.exec("COMMIT");
        return value;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
    } finally {
      this.#gate.open = null;
      end();
    }
  }

  async close(): Promise<void> {
    await this.#idle();
    if (this.db.open) this.db.close();
  }
}

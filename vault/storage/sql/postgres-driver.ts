// The SQL driver over PostgreSQL (pg, pure JavaScript): a connection pool; each statement is
// prepared once per connection (a named statement), since parsing costs more than running the
// vault's small queries. BIGINT columns (seq, epoch milliseconds) come back as numbers: every
// value the vault stores there is far below 2^53.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Pool, PoolClient, QueryResult } from "pg";
import { redactDatabaseUrl, toNumbered, type SqlDriver, type SqlRunner, type SqlValue } from "./driver.js";

const INT8_OID = 20;

export interface PostgresOptions {
  /** postgres://user:password@host:port/database (the password never appears in a message). */
  url: string;
  /** Pool size; defaults to 10. */
  max?: number;
  /** How long a new connection may take before it fails (a host that drops packets). @default no limit */
  connectTimeoutMs?: number;
  /**
   * How long one statement may wait for its answer; then it fails with "Query read timeout" and
   * its connection is discarded (its socket may hang on a network partition until TCP gives up).
   * @default no limit (migrations and imports, whose statements may be long)
   */
  queryTimeoutMs?: number;
}

/** The message pg gives a statement that passed `queryTimeoutMs`. */
export const QUERY_TIMEOUT_MESSAGE = "Query read timeout";

/**
 * The transaction the running code is inside, for work that must commit or roll back with it
 * without being awaited by its caller (the audit log's write(), which returns at once): the
 * transaction waits for joined work before it commits, and a joined failure rolls it back.
 */
export interface JoinableTransaction {
  readonly runner: SqlRunner;
  join(work: Promise<unknown>): void;
}

interface OpenTransaction extends JoinableTransaction {
  joined: Promise<unknown>[];
  ended: boolean;
}

interface Named {
  name: string;
  text: string;
  rowMode?: "array";
}

export class PostgresDriver implements SqlDriver {
  readonly dialect = "postgres" as const;
  readonly #pool: Pool;
  readonly #named = new Map<string, Named>();
  readonly #open = new AsyncLocalStorage<OpenTransaction>();

  private constructor(pool: Pool) {
    this.#pool = pool;
  }

  /** Opens a pool and checks one connection, so a wrong URL fails here with a clear message. */
  static async open(opts: PostgresOptions): Promise<PostgresDriver> {
    const pg = await loadPg();
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.max ?? 10,
      ...(opts.connectTimeoutMs ? { connectionTimeoutMillis: opts.connectTimeoutMs } : {}),
      ...(opts.queryTimeoutMs ? { query_timeout: opts.queryTimeoutMs } : {}),
      // A peer gone without a word (a partition) is noticed by the operating system in time.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      types: {
        getTypeParser: ((oid: number, format?: "text" | "binary") =>
          oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection the server dropped must not crash the process; the next query reconnects.
    pool.on("error", () => {});
    try {
      const c = await pool.connect();
      c.release();
    } catch (error) {
      await pool.end().catch(() => {});
      // The cause keeps pg's error code, so a caller can say which failure it was (open-postgres.ts).
      throw new Error(`cannot connect to PostgreSQL at ${redactDatabaseUrl(opts.url)}: ${(error as Error).message}`, { cause: error });
    }
    return new PostgresDriver(pool);
  }

  #statement(sql: string): Named {
    let s = this.#named.get(sql);
    if (!s) {
      s = { name: `v${this.#named.size + 1}`, text: toNumbered(sql) };
      // Named statements are per connection and live as long as it; bound the set like stmt() does.
      if (this.#named.size < 500) this.#named.set(sql, s);
      else s = { name: "", text: s.text };
    }
    return s;
  }

  #runner(q: (s: Named, p: readonly SqlValue[]) => Promise<QueryResult>): SqlRunner {
    return {
      dialect: "postgres",
      get: async <T>(sql: string, p: readonly SqlValue[] = []) => (await q(this.#statement(sql), p)).rows[0] as T | undefined,
      all: async <T>(sql: string, p: readonly SqlValue[] = []) => (await q(this.#statement(sql), p)).rows as T[],
      values: async (sql: string, p: readonly SqlValue[] = []) => (await q({ ...this.#statement(sql), rowMode: "array" }, p)).rows as unknown[][],
      run: async (sql: string, p: readonly SqlValue[] = []) => ({ changes: (await q(this.#statement(sql), p)).rowCount ?? 0 }),
    };
  }

  readonly #poolRunner = this.#runner((s, p) => this.#pool.query(named(s, p)));

  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.#poolRunner.get<T>(sql, params);
  }

  values(sql: string, params?: readonly SqlValue[]): Promise<unknown[][]> {
    return this.#poolRunner.values(sql, params);
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.#poolRunner.all<T>(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.#poolRunner.run(sql, params);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.#pool.connect();
    let broken = false;
    // A checked-out client's connection error (server shut down, backend terminated) is emitted
    // on the client, not the pool; unheard it would end the process. The query in flight fails
    // with it anyway, and the broken client is not given back.
    const lost = () => (broken = true);
    client.on("error", lost);
    const runner = this.#runner((s, p) => client.query(named(s, p)));
    const open: OpenTransaction = { runner, joined: [], ended: false, join: (w) => void open.joined.push(w) };
    try {
      await client.query("BEGIN");
      let value: T;
      try {
        value = await this.#open.run(open, () => fn(runner));
      } catch (error) {
        await settleJoined(open);
        throw error;
      }
      await settleJoined(open, true);
      await client.query("COMMIT");
      return value;
    } catch (error) {
      // A timed-out statement still occupies the connection: a ROLLBACK would queue behind it.
      if (error instanceof Error && error.message === QUERY_TIMEOUT_MESSAGE) broken = true;
      else await client.query("ROLLBACK").catch(() => (broken = true));
      throw error;
    } finally {
      // Code that kept this context (a timer set inside fn) must not join a finished transaction.
      open.ended = true;
      client.off("error", lost);
      client.release(broken);
    }
  }

  /** The open transaction of this driver the calling code runs inside, if any. */
  joinable(): JoinableTransaction | undefined {
    const open = this.#open.getStore();
    return open && !open.ended ? open : undefined;
  }

  /** Runs a script of several statements (migrations): no parameters, no prepared statement. */
  async exec(client: PoolClient | undefined, sql: string): Promise<void> {
    await (client ?? this.#pool).query(sql);
  }

  /** A dedicated connection (migrations hold one for their advisory lock). */
  connect(): Promise<PoolClient> {
    return this.#pool.connect();
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

/** Waits for work joined to `open` (also work joined meanwhile); with `rethrow`, its first failure. */
async function settleJoined(open: OpenTransaction, rethrow = false): Promise<void> {
  while (open.joined.length > 0) {
    const results = await Promise.allSettled(open.joined.splice(0));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed && rethrow) throw failed.reason;
  }
}

function named(s: Named, params: readonly SqlValue[]) {
  const q = s.name ? { name: s.name, text: s.text, values: params as unknown[] } : { text: s.text, values: params as unknown[] };
  return s.rowMode ? { ...q, rowMode: s.rowMode } : q;
}

/** pg, loaded when a PostgreSQL vault is first used (an optional peer of @alter-gen/cli). */
async function loadPg(): Promise<typeof import("pg").default> {
  try {
    return (await import("pg")).default;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") {
      throw new Error("the PostgreSQL vault stores its data with the pg package, which is not installed. Install it: npm install --save-dev pg@8.23.1");
    }
    throw error;
  }
}

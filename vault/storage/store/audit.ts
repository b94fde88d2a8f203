// Audit rows through the asynchronous store: append (numbered and hash-linked inside the
// append's transaction), the chain's head, reading in log order, and verification.
//
// Several writers: each vault instance appends to its own chain (docs/architecture.md, "Audit
// log"): the chain id is in the genesis hash and, on PostgreSQL, in the row, and seq counts per
// chain. Instances then never wait for each other's appends; inside one chain, appends take a
// transaction-scoped lock on the chain (PostgreSQL advisory lock; SQLite's write lock), so even
// two writers given the same chain id keep one unbroken chain. SQLite holds the one chain `main`.
import type { SqlDriver, SqlRunner, SqlValue } from "../sql/driver.js";
import { genesisHash, HASHED_COLUMNS, MAIN_CHAIN, rowHash, type ChainRow } from "../../crypto/audit-chain.js";

export type StoredAuditRow = ChainRow & { hash: string | null };

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface ChainCheck {
  chain: string;
  rows: number;
  head: ChainHead;
  /** Empty when every row links to the one before and no seq is missing. */
  problems: string[];
}

const COLUMNS = [...HASHED_COLUMNS, "hash"] as const;
const PAGE = 1000;

export class AuditRepo {
  readonly chain: string;
  readonly #insert: string;
  readonly #where: string;

  constructor(
    private readonly sql: SqlDriver,
    chain: string = MAIN_CHAIN,
  ) {
    if (sql.dialect === "sqlite" && chain !== MAIN_CHAIN) {
      throw new Error(`the SQLite vault keeps one audit chain (${MAIN_CHAIN}); "${chain}" needs PostgreSQL`);
    }
    this.chain = chain;
    const cols = sql.dialect === "postgres" ? ["chain", ...COLUMNS] : [...COLUMNS];
    this.#insert = `INSERT INTO audit (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`;
    // SQLite's table has no chain column (one chain); the always-true condition keeps the
    // parameter list the same for both engines.
    this.#where = sql.dialect === "postgres" ? "WHERE chain = ?" : "WHERE ? IS NOT NULL";
  }

  /** Numbers, links and inserts `rows` after the chain's newest row, in one transaction. */
  async append(rows: ChainRow[], finish?: (row: ChainRow, prevHash: string) => void): Promise<ChainHead> {
    return this.sql.transaction((tx) => this.appendIn(tx, rows, finish));
  }

  /**
   * append() inside the caller's transaction `tx`: the rows commit or roll back with it. On
   * PostgreSQL the chain's lock is held until that transaction ends. `finish` sees each row once
   * it has its seq and link, before it is hashed (the override row signs itself).
   */
  async appendIn(tx: SqlRunner, rows: ChainRow[], finish?: (row: ChainRow, prevHash: string) => void): Promise<ChainHead> {
    if (tx.dialect === "postgres") await tx.get("SELECT pg_advisory_xact_lock(hashtext(CAST(? AS text)))", [`alter-audit:${this.chain}`]);
    let { seq, hash } = await this.#head(tx);
    for (const row of rows) {
      row.seq = ++seq;
      finish?.(row, hash);
      hash = rowHash(hash, row);
      const values: SqlValue[] = COLUMNS.map((c) => (c === "hash" ? hash : (row[c] ?? null)));
      await tx.run(this.#insert, tx.dialect === "postgres" ? [this.chain, ...values] : values);
    }
    return { seq, hash };
  }

  /** The newest row's seq and hash (seq 0 and the chain's genesis when it is empty). */
  head(): Promise<ChainHead> {
    return this.#head(this.sql);
  }

  async #head(r: SqlRunner): Promise<ChainHead> {
    const row = await r.get<{ seq: number; hash: string | null }>(`SELECT seq, hash FROM audit ${this.#where} ORDER BY seq DESC LIMIT 1`, [this.chain]);
    return row ? { seq: row.seq, hash: row.hash ?? "" } : { seq: 0, hash: genesisHash(this.chain) };
  }

  /** Rows of the chain in log order after `afterSeq`. */
  read(afterSeq = 0, limit = PAGE): Promise<StoredAuditRow[]> {
    return this.sql.all<StoredAuditRow>(
      `SELECT ${COLUMNS.join(", ")} FROM audit ${this.#where} AND seq > ? ORDER BY seq LIMIT ${Math.floor(limit)}`,
      [this.chain, afterSeq],
    );
  }

  /**
   * The same rows as read(), each as its values in HASHED_COLUMNS order followed by the hash (what
   * valuesHash() takes): a long scan then builds no object per row.
   */
  readValues(afterSeq = 0, limit = PAGE): Promise<unknown[][]> {
    return this.sql.values(`SELECT ${COLUMNS.join(", ")} FROM audit ${this.#where} AND seq > ? ORDER BY seq LIMIT ${Math.floor(limit)}`, [
      this.chain,
      afterSeq,
    ]);
  }

  /** The chains the table holds (one per instance that has written). */
  async chains(): Promise<string[]> {
    if (this.sql.dialect === "sqlite") return (await this.sql.get("SELECT 1 FROM audit LIMIT 1")) ? [MAIN_CHAIN] : [];
    return (await this.sql.all<{ chain: string }>("SELECT DISTINCT chain FROM audit ORDER BY chain")).map((r) => r.chain);
  }

  /** Walks the chain page by page: every hash against its row and the row before, seq without holes. */
  async verify(): Promise<ChainCheck> {
    const problems: string[] = [];
    let prev = genesisHash(this.chain);
    let seq = 0;
    let rows = 0;
    for (;;) {
      const page = await this.read(seq, PAGE);
      for (const row of page) {
        const s = Number(row.seq);
        if (s !== seq + 1) problems.push(`rows ${seq + 1}..${s - 1} are missing`);
        if (row.hash !== rowHash(prev, row)) problems.push(`row ${s} (${String(row.id)}) does not match its hash`);
        prev = row.hash ?? "";
        seq = s;
        rows++;
      }
      if (page.length < PAGE) break;
    }
    return { chain: this.chain, rows, head: { seq, hash: prev }, problems };
  }
}

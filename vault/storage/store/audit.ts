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

export interface AppendOptions {
  /** Called with each row once it has its seq and link, before it is hashed (the override row signs itself). */
  finish?: (row: ChainRow, prevHash: string) => void;
  /** The lowest seq new rows may follow (a checkpoint's): rows lost never give their numbers away. */
  seqFloor?: number;
}

/** A chain's checkpoint as stored: the newest attested row and its MAC (vault/audit/checkpoint.ts). */
export interface StoredCheckpoint {
  seq: number;
  hash: string;
  time: string;
  mac: string;
}

/** A row's place in the listing of every chain: by time, then chain, then seq. */
export interface AuditPosition {
  time: string;
  chain: string;
  seq: number;
}

/** What `vault audit` asks of every chain on PostgreSQL (filters as in vault/audit/read.ts). */
export interface AuditListQuery {
  grantId?: string;
  runId?: string;
  keyId?: string;
  action?: string;
  since?: string;
  until?: string;
  newestFirst: boolean;
  /** Rows strictly after this position in the chosen order. */
  after?: AuditPosition;
  limit: number;
}

export type ListedAuditRow = StoredAuditRow & { chain: string };

const LIST_FILTERS: [keyof AuditListQuery, string][] = [
  ["runId", "run_id = ?"],
  ["grantId", "grant_id = ?"],
  ["keyId", "key_id = ?"],
  ["since", "time >= ?"],
  ["until", "time < ?"],
  ["action", "action = ?"],
];

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
  async append(rows: ChainRow[], opts: AppendOptions = {}): Promise<ChainHead> {
    return this.sql.transaction((tx) => this.appendIn(tx, rows, opts));
  }

  /**
   * append() inside the caller's transaction `tx`: the rows commit or roll back with it. On
   * PostgreSQL the chain's lock is held until that transaction ends.
   */
  async appendIn(tx: SqlRunner, rows: ChainRow[], opts: AppendOptions = {}): Promise<ChainHead> {
    if (tx.dialect === "postgres") await tx.get("SELECT pg_advisory_xact_lock(hashtext(CAST(? AS text)))", [`alter-audit:${this.chain}`]);
    const head = await this.#head(tx);
    let hash = head.hash;
    let seq = Math.max(head.seq, opts.seqFloor ?? 0);
    for (const row of rows) {
      row.seq = ++seq;
      opts.finish?.(row, hash);
      hash = rowHash(hash, row);
      const values: SqlValue[] = COLUMNS.map((c) => (c === "hash" ? hash : (row[c] ?? null)));
      await tx.run(this.#insert, tx.dialect === "postgres" ? [this.chain, ...values] : values);
    }
    return { seq, hash };
  }

  /** The same repository over another chain of the table (reading and verifying every chain). */
  forChain(chain: string): AuditRepo {
    return chain === this.chain ? this : new AuditRepo(this.sql, chain);
  }

  /** The stored hash of the chain's row `seq` (undefined when there is no such row). */
  async hashAt(seq: number): Promise<string | null | undefined> {
    const row = await this.sql.get<{ hash: string | null }>(`SELECT hash FROM audit ${this.#where} AND seq = ?`, [this.chain, seq]);
    return row ? row.hash : undefined;
  }

  /** Rewrites the chain's checkpoint row (PostgreSQL; migration 092) inside the appending transaction. */
  async putCheckpoint(tx: SqlRunner, cp: StoredCheckpoint): Promise<void> {
    await tx.run(
      `INSERT INTO audit_checkpoints (chain, seq, hash, time, mac) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, time = excluded.time, mac = excluded.mac`,
      [this.chain, cp.seq, cp.hash, cp.time, cp.mac],
    );
  }

  /** The chain's stored checkpoint row, unverified (PostgreSQL; SQLite keeps it in a file). */
  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    if (this.sql.dialect === "sqlite") return undefined;
    return this.sql.get<StoredCheckpoint>("SELECT seq, hash, time, mac FROM audit_checkpoints WHERE chain = ?", [this.chain]);
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

  /**
   * Rows of every chain (PostgreSQL), ordered by time, then chain, then seq: one page after
   * `q.after`. SQLite's one chain is read in seq order by vault/audit/read.ts.
   */
  list(q: AuditListQuery): Promise<ListedAuditRow[]> {
    const where: string[] = [];
    const args: SqlValue[] = [];
    for (const [field, cond] of LIST_FILTERS) {
      const v = q[field];
      if (typeof v !== "string" || v === "") continue;
      where.push(cond);
      args.push(v);
    }
    if (q.after) {
      where.push(`(time, chain, seq) ${q.newestFirst ? "<" : ">"} (?, ?, ?)`);
      args.push(q.after.time, q.after.chain, q.after.seq);
    }
    const dir = q.newestFirst ? "DESC" : "ASC";
    return this.sql.all<ListedAuditRow>(
      `SELECT chain, ${COLUMNS.join(", ")} FROM audit${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY time ${dir}, chain ${dir}, seq ${dir} LIMIT ${Math.max(0, Math.floor(q.limit))}`,
      args,
    );
  }

  /** The chains the table holds (one per instance that has written). */
  async chains(): Promise<string[]> {
    if (this.sql.dialect === "sqlite") return (await this.sql.get("SELECT 1 FROM audit LIMIT 1")) ? [MAIN_CHAIN] : [];
    // A chain whose rows are all gone still has its checkpoint row: it is listed (and fails verification).
    const sql = "SELECT chain FROM audit UNION SELECT chain FROM audit_checkpoints ORDER BY chain";
    return (await this.sql.all<{ chain: string }>(sql)).map((r) => r.chain);
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

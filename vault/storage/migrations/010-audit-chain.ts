import type { Database } from "better-sqlite3";
import { genesisHash, HASHED_COLUMNS, rowHash, type ChainRow } from "../../crypto/audit-chain.js";
import type { Migration } from "./types.js";

export const AUDIT_CHECKPOINT_PENDING = "audit:checkpoint-pending";

// The audit hash chain (vault/audit/chain.ts): a `hash` per row, linking it to the row before.
// Rows written before this step are hashed here, in seq order (the append-only trigger is lifted
// for that one pass). The first checkpoint needs the master key, which migrations do not have:
// the marker row asks the first open that has it to write one (vault/audit/open.ts).
export const m010AuditChain: Migration = {
  version: 10,
  name: "audit-chain",
  sql: `ALTER TABLE audit ADD COLUMN hash TEXT;`,
  up(db: Database) {
    db.exec("DROP TRIGGER audit_no_update");
    const page = db.prepare(`SELECT ${HASHED_COLUMNS.join(", ")} FROM audit WHERE seq > ? ORDER BY seq LIMIT 1000`);
    const update = db.prepare("UPDATE audit SET hash = ? WHERE seq = ?");
    let prev = genesisHash();
    let last = 0;
    for (;;) {
      const rows = page.all(last) as ChainRow[];
      if (rows.length === 0) break;
      for (const r of rows) {
        prev = rowHash(prev, r);
        update.run(prev, r.seq);
        last = r.seq as number;
      }
    }
    db.exec(`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
      BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;`);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')").run(AUDIT_CHECKPOINT_PENDING);
  },
};

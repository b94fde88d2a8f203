// The audit writer of an opened data folder, with its checkpoint file. A vault created by
// `vault init`, or upgraded by the migration that introduced the chain, gets its first checkpoint
// here (the migration leaves a marker; migrations have no master key to sign with).
//
// A writer only attests new rows (writes checkpoints) when the newest checkpoint is valid and the
// row it names still has the hash it names. Otherwise a damaged log would be laundered by the next
// admin command: its checkpoint would attest the damaged chain. Such a log stays unattested until
// an operator accepts the damage (`vault start --accept-audit-damage`, override.ts).
import type { AtRest } from "../crypto/at-rest.js";
import { genesisHash } from "../crypto/audit-chain.js";
import type { Db } from "../storage/db.js";
import { AUDIT_CHECKPOINT_PENDING } from "../storage/migrations/010-audit-chain.js";
import { CheckpointFile, type CheckpointState } from "./checkpoint.js";
import { AuditWriter } from "./writer.js";
import type { AuditLog } from "./log.js";
import { PostgresAuditLog } from "./pg-log.js";
import type { Store } from "../storage/store/index.js";
import type { SqliteDriver } from "../storage/sql/sqlite-driver.js";
import type { PostgresDriver } from "../storage/sql/postgres-driver.js";
import { chainCheckpointHolds, chainCheckpointWriter, readChainCheckpoint } from "./checkpoint-rows.js";

export function openAuditWriter(dataDir: string, db: Db, crypto: AtRest, now: () => number = Date.now): AuditWriter {
  const file = new CheckpointFile(dataDir, crypto);
  if (db.prepare("SELECT 1 FROM meta WHERE key = ?").get(AUDIT_CHECKPOINT_PENDING)) {
    // Only ever creates a missing file: a marker put back into a database cannot replace a
    // checkpoint that exists.
    if (!file.exists()) file.create({ ...new AuditWriter(db).head(), time: new Date(now()).toISOString() });
    db.prepare("DELETE FROM meta WHERE key = ?").run(AUDIT_CHECKPOINT_PENDING);
  }
  const state = file.read();
  return new AuditWriter(db, now, {
    ...(checkpointHolds(db, state) ? { checkpoint: file } : {}),
    seqFloor: state.status === "ok" ? state.checkpoint.seq : 0,
  });
}

/** Whether the checkpoint is valid and the row it attests still carries the hash it attests. */
export function checkpointHolds(db: Db, state: CheckpointState): boolean {
  if (state.status !== "ok") return false;
  const cp = state.checkpoint;
  if (cp.seq === 0) return cp.hash === genesisHash();
  const row = db.prepare("SELECT hash FROM audit WHERE seq = ?").get(cp.seq) as { hash: string | null } | undefined;
  return row?.hash === cp.hash;
}

export interface OpenAuditLogOptions {
  dataDir: string;
  store: Store;
  crypto: AtRest;
  now?: () => number;
}

/** The audit log of an opened vault, by the store's engine. */
export async function openAuditLog(opts: OpenAuditLogOptions): Promise<AuditLog> {
  const { store, crypto } = opts;
  const now = opts.now ?? Date.now;
  // The SQLite log writes on the store's own better-sqlite3 handle (one file, one write lock).
  if (store.sql.dialect === "sqlite") return openAuditWriter(opts.dataDir, (store.sql as SqliteDriver).db, crypto, now);
  // PostgreSQL: this instance's chain, attested by its checkpoint row only while that holds (as above).
  const state = await readChainCheckpoint(store.audit, crypto);
  const holds = await chainCheckpointHolds(store.audit, state);
  return new PostgresAuditLog(store.audit, store.sql as PostgresDriver, now, {
    ...(holds ? { after: chainCheckpointWriter(store.audit, crypto, now) } : {}),
    seqFloor: state.status === "ok" ? state.checkpoint.seq : 0,
  });
}

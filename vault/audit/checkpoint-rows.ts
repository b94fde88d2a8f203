// Signed checkpoints of the audit chains on PostgreSQL: one row per chain in audit_checkpoints
// (migration 092), written by the instance appending to the chain in the same transaction as the
// rows it attests, MAC'd like the SQLite vault's checkpoint file (checkpoint.ts) under a key
// derived from the master key. Why in the database: several instances on several machines
// append to one database; a file per data folder attests one machine's chain at most, and a
// checkpoint every instance and `vault audit verify` can read must live where the rows live.
// What it stops and what it cannot: docs/architecture.md, "Audit log".
import type { AtRest } from "../crypto/at-rest.js";
import { genesisHash } from "../crypto/audit-chain.js";
import type { SqlRunner } from "../storage/sql/driver.js";
import type { AuditRepo, ChainHead } from "../storage/store/audit.js";
import { checkpointMacValid, signCheckpoint, type CheckpointState } from "./checkpoint.js";

/** The chain's checkpoint row, verified: missing, invalid (no valid MAC under this key), or ok. */
export async function readChainCheckpoint(audit: AuditRepo, crypto: AtRest): Promise<CheckpointState> {
  const row = await audit.checkpoint();
  if (!row) return { status: "missing" };
  const cp = { seq: Number(row.seq), hash: row.hash, time: row.time };
  return checkpointMacValid(crypto, audit.chain, cp, row.mac) ? { status: "ok", checkpoint: cp } : { status: "invalid" };
}

/** Writes the chain's checkpoint for `head` on `tx` (the appending transaction). */
export function chainCheckpointWriter(audit: AuditRepo, crypto: AtRest, now: () => number): (tx: SqlRunner, head: ChainHead) => Promise<void> {
  return (tx, head) => {
    const cp = { seq: head.seq, hash: head.hash, time: new Date(now()).toISOString() };
    return audit.putCheckpoint(tx, { ...cp, mac: signCheckpoint(crypto, audit.chain, cp) });
  };
}

/**
 * Whether the checkpoint is valid and the row it attests still carries the hash it attests (any
 * engine: audit/open.ts has the synchronous SQLite form). A chain with no checkpoint holds only
 * while it has no rows either: a new chain starts attested, a chain whose checkpoint row is gone
 * does not.
 */
export async function chainCheckpointHolds(audit: AuditRepo, state: CheckpointState): Promise<boolean> {
  if (state.status === "missing") return (await audit.head()).seq === 0;
  if (state.status !== "ok") return false;
  const cp = state.checkpoint;
  if (cp.seq === 0) return cp.hash === genesisHash(audit.chain);
  return (await audit.hashAt(cp.seq)) === cp.hash;
}

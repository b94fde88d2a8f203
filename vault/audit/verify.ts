// Checks the audit log: every row's hash against its contents and the previous row's hash,
// sequence numbers without holes, and the newest signed checkpoint against the row it attests.
// Rows are read through the store's AuditRepo a page at a time (keyset on seq), so the log's size
// only costs time, never memory.
// Used by `vault audit verify` and by `vault start`, which refuses to serve over a problem that
// no operator override has acknowledged.
import type { AtRest } from "../crypto/at-rest.js";
import { genesisHash, HASHED_COLUMNS, valuesHash } from "../crypto/audit-chain.js";
import type { Db } from "../storage/db.js";
import { AuditRepo } from "../storage/store/audit.js";
import { SqliteDriver } from "../storage/sql/sqlite-driver.js";
import type { CheckpointState } from "./checkpoint.js";
import type { AuditProblem, AuditReport } from "./report.js";

export type { AuditProblem, AuditProblemKind, AuditReport } from "./report.js";
import { overrideIsAuthentic, OVERRIDE_ACTION } from "./override.js";

const MAX_LISTED = 1000;
const PAGE = 1000;
const ACTION = HASHED_COLUMNS.indexOf("action");
const DETAILS = HASHED_COLUMNS.indexOf("details");
const TIME = HASHED_COLUMNS.indexOf("time");

/**
 * `log`: the store's audit repository (ctx.store.audit), or a SQLite handle (callers not yet on
 * the store, issue 14).
 */
export async function verifyAuditChain(
  log: AuditRepo | Db,
  crypto: AtRest,
  checkpoint: CheckpointState,
  /** What the checkpoint is, in messages (PostgreSQL: the chain's checkpoint row). */
  checkpointName = "the checkpoint file (audit.checkpoint)",
  /**
   * Check only the rows after this one, taking its hash as given (a verified mark's row, whose
   * hash the caller has compared; the checkpoint must not be older than it). Default: every row.
   */
  from?: { seq: number; hash: string },
): Promise<AuditReport> {
  const audit =
    log instanceof AuditRepo ? log : new AuditRepo(new SqliteDriver(log));
  const open: AuditProblem[] = [];
  const listed: AuditProblem[] = [];
  let acknowledged = 0;
  let unacknowledged = 0;
  const add = (p: AuditProblem) => {
    open.push(p);
    if (listed.length < MAX_LISTED) listed.push(p);
  };
  const cp = checkpoint.status === "ok" ? checkpoint.checkpoint : null;
  let cpRowHash: string | undefined;
  const genesis = genesisHash(audit.chain);
  let prev = from?.hash ?? genesis;
  let expected = (from?.seq ?? 0) + 1;
  if (cp && from && cp.seq === from.seq) cpRowHash = from.hash;
  let rows = 0;
  const overrides: AuditReport["overrides"] = [];
  for (
    let page = await audit.readValues(expected - 1, PAGE);
    page.length > 0;
    page = page.length < PAGE ? [] : await audit.readValues(expected - 1, PAGE)
  ) {
    for (const r of page) {
      rows++;
      const seq = Number(r[0]);
      const stored = r[HASHED_COLUMNS.length] as string | null;
      const gap = seq > expected;
      if (gap)
        add({
          kind: "missing_rows",
          seq: expected,
          through: seq - 1,
          message: missingMessage(expected, seq - 1),
        });
      // After a hole the row links to a row that is gone, so its own hash cannot be checked; rows
      // the vault wrote after an accepted hole link to the row before the hole and do check out.
      if (stored !== valuesHash(prev, r) && !gap) {
        add({
          kind: "hash_mismatch",
          seq,
          message: `row ${seq}: its hash does not match its contents and the hash of the row before it (row ${seq} or the row before it was changed, or rows were re-ordered)`,
        });
      }
      if (r[ACTION] === OVERRIDE_ACTION) {
        const details = r[DETAILS] as string | null;
        if (overrideIsAuthentic(crypto, seq, prev, details)) {
          const count = (JSON.parse(details!) as { problemCount?: unknown })
            .problemCount;
          overrides.push({
            seq,
            time: r[TIME] as string,
            problemCount: typeof count === "number" ? count : 0,
          });
          for (const p of open) p.acknowledgedBy = seq;
          acknowledged += open.length;
          open.length = 0;
        } else
          add({
            kind: "override_invalid",
            seq,
            message: `row ${seq}: an operator override whose signature does not verify (not written by this vault)`,
          });
      }
      if (cp && seq === cp.seq) cpRowHash = stored ?? "";
      prev = stored ?? "";
      expected = seq + 1;
    }
  }
  const head = { seq: expected - 1, hash: prev };
  checkCheckpoint(checkpoint, head, rows, cpRowHash, add, checkpointName);
  unacknowledged = open.length;
  return {
    rows,
    head,
    checkpoint: cp,
    unattested: cp && head.seq > cp.seq ? head.seq - cp.seq : 0,
    firstBroken: open[0] ?? null,
    unacknowledged,
    acknowledged,
    problems: listed,
    overrides,
  };
}

function checkCheckpoint(
  state: CheckpointState,
  head: { seq: number },
  rows: number,
  cpRowHash: string | undefined,
  add: (p: AuditProblem) => void,
  name: string,
): void {
  if (state.status === "missing") {
    if (rows > 0)
      add({
        kind: "checkpoint_missing",
        seq: head.seq,
        message: `${name} is missing, so rows lost or rewritten up to row ${head.seq} (the last row) cannot be ruled out`,
      });
    return;
  }
  if (state.status === "invalid") {
    add({
      kind: "checkpoint_invalid",
      seq: head.seq,
      message: `${name} carries no checkpoint signed with this vault's master key, so rows lost or rewritten up to row ${head.seq} (the last row) cannot be ruled out`,
    });
    return;
  }
  const cp = state.checkpoint;
  if (cp.seq > head.seq) {
    add({
      kind: "checkpoint_ahead",
      seq: head.seq + 1,
      through: cp.seq,
      message: `${missingMessage(head.seq + 1, cp.seq)}: the log ends at row ${head.seq} but row ${cp.seq} was written and checkpointed (${cp.time}); acknowledged rows were lost (a truncated or damaged WAL, or a restored database)`,
    });
  } else if (cpRowHash !== undefined && cpRowHash !== cp.hash) {
    add({
      kind: "checkpoint_mismatch",
      seq: cp.seq,
      message: `row ${cp.seq} does not have the hash its signed checkpoint (${cp.time}) attests: rows up to ${cp.seq} were rewritten`,
    });
  }
}

function missingMessage(from: number, through: number): string {
  return from === through
    ? `row ${from} is missing`
    : `rows ${from}-${through} are missing`;
}

// What a verification of the audit log found: a type shared by the verifier and the override
// that acknowledges its problems (kept apart so neither imports the other).
import type { Checkpoint } from "./checkpoint.js";

export type AuditProblemKind =
  | "hash_mismatch"
  | "missing_rows"
  | "checkpoint_missing"
  | "checkpoint_invalid"
  | "checkpoint_ahead"
  | "checkpoint_mismatch"
  | "override_invalid";

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The first row concerned. */
  seq: number;
  /** The last row concerned, for a range of missing rows. */
  through?: number;
  /** One sentence: what is wrong. */
  message: string;
  /** The seq of the operator override that accepted it, if one did. */
  acknowledgedBy?: number;
}

export interface AuditReport {
  rows: number;
  head: { seq: number; hash: string };
  checkpoint: Checkpoint | null;
  /** Rows after the newest checkpoint (normal only right after a crash). */
  unattested: number;
  /** The first problem no override acknowledged: the first broken link. */
  firstBroken: AuditProblem | null;
  /** Counts of all problems found. */
  unacknowledged: number;
  acknowledged: number;
  /** The first problems found, in seq order (at most MAX_LISTED). */
  problems: AuditProblem[];
  /** Every operator override in the log: when damage was accepted, and how much. */
  overrides: { seq: number; time: string; problemCount: number }[];
  /**
   * PostgreSQL: each chain's own report (the fields above then sum them, and `head` and
   * `checkpoint` are each chain's). Absent on SQLite's one chain.
   */
  chains?: ChainReport[];
}

/** The report of one chain of several, named. */
export type ChainReport = AuditReport & { chain: string };

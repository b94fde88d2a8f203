// The operator's override of a damaged audit log (`vault start --accept-audit-damage`): an audit
// row that lists what was found and acknowledges every problem before it. The row is signed
// (a MAC under a key derived from the master key, over its seq, its link and its details), so
// whoever can edit the database but lacks the master key cannot append an override that hides
// their edits. A new checkpoint follows it.
import { timingSafeEqual } from "node:crypto";
import type { AtRest } from "../crypto/at-rest.js";
import type { ChainRow } from "../crypto/audit-chain.js";
import { CheckpointFile } from "./checkpoint.js";
import type { AuditProblem, AuditReport } from "./report.js";
import type { AuditWriter } from "./writer.js";
import type { PostgresAuditLog } from "./pg-log.js";
import type { AuditEntry, FinishRow } from "./log.js";

export const OVERRIDE_ACTION = "audit.override";
const MAC_PURPOSE = "audit-override";
const LISTED = 20;

function macInput(seq: number, prevHash: string, detailsWithoutMac: string): string {
  return `alter-audit-override/v1\n${seq}\n${prevHash}\n${detailsWithoutMac}`;
}

/** Writes the override row for `report`'s open problems and a fresh checkpoint after it; returns its seq. */
export function writeOverride(
  dataDir: string,
  audit: AuditWriter,
  crypto: AtRest,
  report: AuditReport,
  facts: { appId: string; command: string },
  now: () => number,
): number {
  // Rows lost after the checkpoint keep their numbers: the override comes after all of them.
  if (report.checkpoint) audit.raiseFloor(report.checkpoint.seq);
  const { entry, finish } = overrideRow(crypto, report, facts);
  audit.write(entry, finish);
  const head = audit.head();
  const file = new CheckpointFile(dataDir, crypto);
  file.create({ ...head, time: new Date(now()).toISOString() });
  audit.attestWith(file);
  return head.seq;
}

/** The same on PostgreSQL: the override row and its chain's fresh checkpoint row in one transaction. */
export function writeOverrideOnPostgres(audit: PostgresAuditLog, crypto: AtRest, report: AuditReport, facts: { appId: string; command: string }): Promise<number> {
  const { entry, finish } = overrideRow(crypto, report, facts);
  return audit.acceptDamage(entry, finish, report.checkpoint?.seq ?? 0);
}

/** The override row: the open problems listed, its details MAC'd over its seq and link once it has them. */
function overrideRow(crypto: AtRest, report: AuditReport, facts: { appId: string; command: string }): { entry: AuditEntry; finish: FinishRow } {
  const open = report.problems.filter((p) => p.acknowledgedBy === undefined);
  const details = {
    command: facts.command,
    problemCount: report.unacknowledged,
    problems: open.slice(0, LISTED).map((p: AuditProblem) => ({ kind: p.kind, seq: p.seq, ...(p.through !== undefined ? { through: p.through } : {}), message: p.message })),
  };
  return {
    entry: { action: OVERRIDE_ACTION, outcome: "success", appId: facts.appId, caller: "alter-gen vault", callerType: "service", details },
    finish: (row: ChainRow, prevHash: string) => {
      const text = JSON.stringify(details);
      const mac = crypto.mac(MAC_PURPOSE, macInput(row.seq as number, prevHash, text));
      row.details = JSON.stringify({ ...details, mac });
    },
  };
}

/** Whether an override row's details carry a valid MAC for its position in the chain. */
export function overrideIsAuthentic(crypto: AtRest, seq: number, prevHash: string, details: string | null): boolean {
  if (!details) return false;
  try {
    const parsed = JSON.parse(details) as Record<string, unknown>;
    const { mac, ...rest } = parsed;
    if (typeof mac !== "string") return false;
    const want = Buffer.from(crypto.mac(MAC_PURPOSE, macInput(seq, prevHash, JSON.stringify(rest))), "utf8");
    const got = Buffer.from(mac, "utf8");
    return got.length === want.length && timingSafeEqual(got, want);
  } catch {
    return false;
  }
}

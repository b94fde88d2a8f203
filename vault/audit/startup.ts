// The start-up check: a vault does not serve over a damaged audit log unless an operator says
// so, and saying so is itself recorded (override.ts).
import { VaultUsageError } from "../errors.js";
import type { OpenedVault } from "../context.js";
import { CheckpointFile } from "./checkpoint.js";
import { writeOverride, writeOverrideOnPostgres } from "./override.js";
import type { PostgresAuditLog } from "./pg-log.js";
import { AuditWriter } from "./writer.js";
import { verifyAuditChain, type AuditReport } from "./verify.js";
import { readChainCheckpoint } from "./checkpoint-rows.js";
import { readVerifiedMark, usableMark, writeVerifiedMark } from "./verified-mark.js";

export const ACCEPT_FLAG = "--accept-audit-damage";

/** The audit log has a problem no override acknowledged (a usage error: the operator decides). */
export class AuditDamagedError extends VaultUsageError {}

/** What start-up checked before serving, and what is left to check while serving. */
export interface AuditStartCheck {
  report: AuditReport;
  /**
   * When start checked only the rows after a verified mark: the walk of the whole chain, to run
   * while serving. It rejects with the same error a start would have thrown if it finds damage.
   */
  rest?: () => Promise<void>;
}

export async function checkAuditAtStart(
  state: OpenedVault,
  opts: { acceptDamage?: boolean; log: (line: string) => void },
): Promise<AuditStartCheck> {
  // PostgreSQL: this instance's own chain against its checkpoint row (the others are their instances' to check).
  const chain = state.audit.chain;
  const sqlite = state.store.sql.dialect === "sqlite";
  const audit = sqlite ? state.store.audit : state.store.audit.forChain(chain);
  const checkpoint = () => (sqlite ? Promise.resolve(new CheckpointFile(state.dataDir, state.crypto).read()) : readChainCheckpoint(audit, state.crypto));
  const name = sqlite ? undefined : `the checkpoint row of chain "${chain}"`;
  const verify = async (from?: { seq: number; hash: string }) => {
    const report = await verifyAuditChain(audit, state.crypto, await checkpoint(), name, from);
    if (!report.firstBroken && report.head.seq > 0) {
      await writeVerifiedMark(state.store.sql, state.crypto, chain, { ...report.head, time: new Date(state.now()).toISOString() });
    }
    return report;
  };
  // Accepting damage needs the whole chain's problems before serving (the override lists them).
  const mark = opts.acceptDamage ? undefined : await usableMark(audit, await readVerifiedMark(state.store.sql, state.crypto, chain), await checkpoint());
  const report = await verify(mark);
  await judge(state, report, opts);
  if (!mark) return { report };
  return {
    report,
    rest: async () => {
      const whole = await verify();
      if (whole.firstBroken) throw damaged(state, whole, "while serving");
    },
  };
}

/** Refuses a damaged log, or records the operator's acceptance; says what start-up found. */
async function judge(state: OpenedVault, report: AuditReport, opts: { acceptDamage?: boolean; log: (line: string) => void }): Promise<void> {
  if (report.firstBroken) {
    if (!opts.acceptDamage) throw damaged(state, report);
    const facts = { appId: state.app.id, command: `start ${ACCEPT_FLAG}` };
    const seq =
      state.audit instanceof AuditWriter
        ? writeOverride(state.dataDir, state.audit, state.crypto, report, facts, state.now)
        : await writeOverrideOnPostgres(state.audit as PostgresAuditLog, state.crypto, report, facts);
    opts.log(`alter vault: WARNING: serving over a damaged audit log (${problemText(report)}); accepted by ${ACCEPT_FLAG}, recorded as audit row ${seq}.`);
  } else if (report.unattested > 0) {
    opts.log(`alter vault: ${report.unattested} audit row(s) after the last checkpoint (written just before the previous process stopped); they are attested from now on.`);
  }
}

function problemText(report: AuditReport): string {
  const more = report.unacknowledged > 1 ? ` (and ${report.unacknowledged - 1} more problem${report.unacknowledged > 2 ? "s" : ""})` : "";
  return `${report.firstBroken!.message}${more}`;
}

function damaged(state: OpenedVault, report: AuditReport, when: "at start" | "while serving" = "at start"): AuditDamagedError {
  const what =
    when === "at start"
      ? "Nothing was served."
      : "Found while serving (start-up checked the rows since the log was last verified, then the whole log): the vault stopped serving.";
  return new AuditDamagedError(
    `The audit log of ${state.dataDir} is damaged: ${problemText(report)}. ${what} See \`alter-gen vault audit verify --data ${state.dataDir}\`; to serve anyway, start with ${ACCEPT_FLAG} (the override is recorded in the audit log).`,
  );
}

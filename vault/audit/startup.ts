// The start-up check: a vault does not serve over a damaged audit log unless an operator says
// so, and saying so is itself recorded (override.ts).
import { VaultUsageError } from "../errors.js";
import type { OpenedVault } from "../context.js";
import { CheckpointFile } from "./checkpoint.js";
import { writeOverride } from "./override.js";
import { AuditWriter } from "./writer.js";
import { verifyAuditChain, type AuditReport } from "./verify.js";
import { verifyChain } from "./verify-store.js";

export const ACCEPT_FLAG = "--accept-audit-damage";

export async function checkAuditAtStart(
  state: OpenedVault,
  opts: { acceptDamage?: boolean; log: (line: string) => void },
): Promise<AuditReport> {
  // PostgreSQL: this instance's own chain against its checkpoint row (the others are their instances' to check).
  const report =
    state.store.sql.dialect === "sqlite"
      ? await verifyAuditChain(state.store.audit, state.crypto, new CheckpointFile(state.dataDir, state.crypto).read())
      : await verifyChain(state.store, state.audit.chain, state.crypto);
  if (report.firstBroken) {
    const first = report.firstBroken.message;
    const more = report.unacknowledged > 1 ? ` (and ${report.unacknowledged - 1} more problem${report.unacknowledged > 2 ? "s" : ""})` : "";
    if (!opts.acceptDamage) {
      throw new VaultUsageError(
        `The audit log of ${state.dataDir} is damaged: ${first}${more}. Nothing was served. See \`alter-gen vault audit verify --data ${state.dataDir}\`; to serve anyway, start with ${ACCEPT_FLAG} (the override is recorded in the audit log).`,
      );
    }
    if (!(state.audit instanceof AuditWriter)) {
      throw new VaultUsageError(`The audit log of ${state.dataDir} is damaged: ${first}${more}. ${ACCEPT_FLAG} is not available on PostgreSQL yet; nothing was served.`);
    }
    const seq = writeOverride(state.dataDir, state.audit, state.crypto, report, { appId: state.app.id, command: `start ${ACCEPT_FLAG}` }, state.now);
    opts.log(`alter vault: WARNING: serving over a damaged audit log (${first}${more}); accepted by ${ACCEPT_FLAG}, recorded as audit row ${seq}.`);
  } else if (report.unattested > 0) {
    opts.log(`alter vault: ${report.unattested} audit row(s) after the last checkpoint (written just before the previous process stopped); they are attested from now on.`);
  }
  return report;
}

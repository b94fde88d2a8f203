// Verifies every audit chain of a store against its checkpoint: on SQLite the one chain and the
// checkpoint file of the data folder; on PostgreSQL each chain (one per instance that has written)
// against its signed checkpoint row (checkpoint-rows.ts). The report of several chains sums them:
// its first broken link is the first of any chain, and `chains` holds each chain's own report.
import type { AtRest } from "../crypto/at-rest.js";
import type { Store } from "../storage/store/index.js";
import { CheckpointFile } from "./checkpoint.js";
import { readChainCheckpoint } from "./checkpoint-rows.js";
import type { AuditReport, ChainReport } from "./report.js";
import { verifyAuditChain } from "./verify.js";

/** Verifies one chain of a PostgreSQL store against its checkpoint row. */
export async function verifyChain(store: Store, chain: string, crypto: AtRest): Promise<ChainReport> {
  const audit = store.audit.forChain(chain);
  const checkpoint = await readChainCheckpoint(audit, crypto);
  return { chain, ...(await verifyAuditChain(audit, crypto, checkpoint, `the checkpoint row of chain "${chain}"`)) };
}

export async function verifyStoreAudit(store: Store, crypto: AtRest, dataDir: string): Promise<AuditReport> {
  if (store.sql.dialect === "sqlite") return verifyAuditChain(store.audit, crypto, new CheckpointFile(dataDir, crypto).read());
  const chains: ChainReport[] = [];
  for (const chain of await store.audit.chains()) chains.push(await verifyChain(store, chain, crypto));
  return combine(chains);
}

/** One report over several chains: counts summed, problems in chain order, each message naming its chain. */
function combine(chains: ChainReport[]): AuditReport {
  const named = (r: ChainReport) => r.problems.map((p) => ({ ...p, message: `chain "${r.chain}": ${p.message}` }));
  const problems = chains.flatMap(named);
  const broken = chains.find((r) => r.firstBroken);
  return {
    rows: chains.reduce((n, r) => n + r.rows, 0),
    // Several chains have no one head or checkpoint: each chain's report has its own.
    head: { seq: 0, hash: "" },
    checkpoint: null,
    unattested: chains.reduce((n, r) => n + r.unattested, 0),
    firstBroken: broken ? { ...broken.firstBroken!, message: `chain "${broken.chain}": ${broken.firstBroken!.message}` } : null,
    unacknowledged: chains.reduce((n, r) => n + r.unacknowledged, 0),
    acknowledged: chains.reduce((n, r) => n + r.acknowledged, 0),
    problems,
    overrides: chains.flatMap((r) => r.overrides),
    chains,
  };
}

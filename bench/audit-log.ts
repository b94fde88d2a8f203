// `npm run bench:audit`: audit rows per second through the audit log (vault/audit/log.ts) with
// 64 callers each awaiting its row's commit, on SQLite (the AuditWriter on the file) and on
// PostgreSQL (PostgresAuditLog: group commit through AuditRepo, the chain's checkpoint row in the
// same transaction), beside one transaction per row through AuditRepo.append (what group commit
// saves). PostgreSQL runs in a throwaway cluster on this machine (test/support/postgres.ts), so
// its server competes with this process for the cores.
import { loadavg } from "node:os";
import { chainRow } from "../test/vault/storage/conformance.js";
import { postgresStore, type Store } from "../vault/storage/store/index.js";
import { onBothEngines } from "./lib/store-engines.js";
import { openAuditLog } from "../vault/audit/open.js";
import { AtRest } from "../vault/crypto/at-rest.js";

const crypto = new AtRest(Buffer.alloc(32, 7));
const TOTAL = Number(process.env.BENCH_AUDIT_N ?? 5000);
const CONCURRENCY = 64;

async function measure(name: string, one: (i: number) => Promise<unknown>): Promise<string> {
  for (let i = 0; i < 200; i++) await one(-i);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL) await one(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return `| ${name} | ${CONCURRENCY} | ${Math.round(TOTAL / seconds).toLocaleString("en")} | ${Math.round((cpu.user + cpu.system) / TOTAL)} µs |`;
}

async function logRow(engine: string, store: Store, dataDir: string): Promise<string> {
  const log = await openAuditLog({ dataDir, store, crypto });
  const line = await measure(`${engine}: audit log, group commit`, (i) => log.commit({ action: "credential.retrieve", outcome: "success", runId: `r${i}` }));
  await log.drain();
  log.close();
  return line;
}

const rows: string[] = [];
const load = loadavg().map((l) => l.toFixed(2)).join(" ");
await onBothEngines("bench-audit-", crypto, {
  async sqlite(store, dir) {
    rows.push(await logRow("SQLite", store, dir));
  },
  async postgres(url, engine) {
    const pg = await postgresStore(url, crypto, { max: 16, auditChain: "bench" });
    const single = await postgresStore(url, crypto, { max: 16, auditChain: "bench-single" });
    try {
      // PostgreSQL's log keeps its checkpoints in the database: no data folder.
      rows.push(await logRow(engine, pg, ""));
      rows.push(await measure(`${engine}: one transaction per row (AuditRepo.append)`, (i) => single.audit.append([chainRow(i)])));
    } finally {
      await pg.close();
      await single.close();
    }
  },
});
console.log(`Measured ${new Date().toISOString()}; Node ${process.version}; load average at start ${load}; ${TOTAL} rows per line.\n`);
console.log("| what | concurrent callers | rows/s | this process's CPU / row |\n| --- | ---: | ---: | ---: |");
console.log(rows.join("\n"));

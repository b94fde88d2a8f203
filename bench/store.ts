// `npm run bench:store`: the database work of one signed retrieval through the asynchronous store
// (vault/storage/store/), on SQLite and on PostgreSQL, in this one process: remember the nonce,
// read the key (derived keys opened), the grant (with its secret's floor), the provider settings,
// open the managed secret, append one audit row. No HTTP, no signatures: the part of the vault's
// cost issue 14 moves between engines. PostgreSQL runs in a throwaway cluster on this machine
// (test/support/postgres.ts), so its server's CPU competes with this process for the cores.
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { chainRow } from "../test/vault/storage/conformance.js";
import { postgresStore, type Store } from "../vault/storage/store/index.js";
import { onBothEngines } from "./lib/store-engines.js";
import { AtRest } from "../vault/crypto/at-rest.js";

const crypto = new AtRest(Buffer.alloc(32, 7));
const TOTAL = Number(process.env.BENCH_STORE_N ?? 3000);

async function seed(s: Store) {
  const now = Date.now();
  const app = await s.apps.create("bench", now);
  const keyId = "k" + randomUUID().slice(0, 8);
  const derived = { requestSigning: Buffer.alloc(32, 1), responseSigning: Buffer.alloc(32, 2), credentialSealing: Buffer.alloc(32, 3) };
  await s.apiKeys.insert({ id: keyId, appId: app.id, label: null, derived, kind: "service", scopes: ["call"] }, now);
  const secret = await s.secrets.insert({ appId: app.id, provider: "github", label: null, type: "token", value: { token: "t" } }, now);
  const grant = await s.grants.insert(
    { appId: app.id, provider: "github", account: null, principalType: "system", principalId: null, principalLabel: null, scopes: [], source: "managed_secret", managedSecretId: secret.id, policy: {}, expiresAt: null },
    now,
  );
  await s.providers.set(app.id, "github", { baseUrl: "https://api.example" }, now);
  return { appId: app.id, keyId, secretId: secret.id, grantId: grant.id };
}

let n = 0;
async function retrieval(s: Store, ids: Awaited<ReturnType<typeof seed>>, audit: boolean): Promise<void> {
  const i = ++n;
  await s.nonces.remember(ids.keyId, `n${i}`, Date.now() + 300_000, Date.now());
  await s.apiKeys.getWithKeys(ids.keyId);
  await s.grants.get(ids.appId, ids.grantId);
  await s.providers.get(ids.appId, "github");
  await s.secrets.open(ids.secretId);
  if (audit) await s.audit.append([chainRow(i)]);
}

async function row(engine: string, s: Store, concurrency: number, audit: boolean): Promise<string> {
  const ids = await seed(s);
  for (let i = 0; i < 200; i++) await retrieval(s, ids, audit);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let left = TOTAL;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (left-- > 0) await retrieval(s, ids, audit);
  }));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const perOp = Math.round((cpu.user + cpu.system) / TOTAL);
  return `| ${engine} | ${concurrency} | ${audit ? "yes" : "no"} | ${Math.round(TOTAL / seconds).toLocaleString("en")} | ${perOp} µs |`;
}

const rows: string[] = [];
const load = loadavg().map((l) => l.toFixed(2)).join(" ");
await onBothEngines("bench-store-", crypto, {
  async sqlite(store) {
    for (const [c, a] of [[1, true], [16, true], [16, false]] as const) rows.push(await row("SQLite", store, c, a));
  },
  async postgres(url, engine) {
    const pg = await postgresStore(url, crypto, { max: 16 });
    try {
      for (const [c, a] of [[1, true], [16, true], [16, false]] as const) rows.push(await row(engine, pg, c, a));
    } finally {
      await pg.close();
    }
  },
});
console.log(`Measured ${new Date().toISOString()}; Node ${process.version}; load average at start ${load}; ${TOTAL} paths per row.\n`);
console.log("| engine | concurrency | audit append | paths/s | this process's CPU / path |\n| --- | ---: | --- | ---: | ---: |");
console.log(rows.join("\n"));

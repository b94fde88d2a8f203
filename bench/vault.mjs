#!/usr/bin/env node
// `npm run bench:vault`: signed credential retrievals per second and p50/p99 latency at
// concurrency 64 on loopback, against the local vault in processes of its own (built package,
// one audit row per retrieval), on SQLite (one instance) and on PostgreSQL (one instance, and two
// over one database; bench/lib/vault-deployments.mjs):
//   (a) GET /v1/health, unsigned (the HTTP floor of the same server),
//   (b) retrieve by grant id (a system grant): sign, verify, resolve, seal, audit, sign the answer,
//   (c) retrieve by identity: the same plus the end user's JWT (ES256) verified against the IDP's
//       JWKS (served from this process) and the user's grants looked up.
// The client is the runtime's VaultTransport (signs requests, verifies response signatures) and
// unseals every credential. CPU per request comes from /proc/<pid>/stat: the vault processes of
// the row, and PostgreSQL's server processes.
//
// Flags: --requests N (default 20000), --concurrency C (default 64), --rounds R (default 3),
//        --no-readme, --no-build, --only health,byId,byIdentity (scenarios to run),
//        --engines sqlite,postgres (default both), --cpu-prof DIR (each vault process writes a V8
//        CPU profile there when it exits; summarise it with bench/lib/cpu-profile.mjs).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { cpuMsOf, postgresDeployment, sqliteDeployment } from "./lib/vault-deployments.mjs";
import { machine, machineLine, ourVersion, ROOT } from "./lib/env.mjs";
import { fmtInt, markdownTable } from "./lib/format.mjs";
import { runLoad } from "./lib/load.mjs";
import { writeSection } from "./lib/readme.mjs";
import { median } from "./lib/stats.mjs";

const { values: opts } = parseArgs({
  options: {
    requests: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "64" },
    rounds: { type: "string", default: "3" },
    "no-readme": { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    only: { type: "string" },
    "cpu-prof": { type: "string" },
    engines: { type: "string", default: "sqlite,postgres" },
  },
});
const TOTAL = Number(opts.requests);
const CONCURRENCY = Number(opts.concurrency);
const ROUNDS = Math.max(1, Number(opts.rounds));
const log = (...a) => console.error("[bench:vault]", ...a);
const env0 = machine();

let buildNote = "";
if (!opts["no-build"]) {
  log("npm run build");
  const r = spawnSync("npm", ["run", "build", "--silent"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) buildNote = `\`npm run build\` exited ${r.status} (type errors elsewhere); dist/ was still emitted and used.`;
}
const DIST = path.join(ROOT, "dist");
const dist = (p) => {
  const file = path.join(DIST, p);
  if (!existsSync(file)) throw new Error(`dist/${p} does not exist; run npm run build`);
  return import(pathToFileURL(file).href);
};
const vaultApi = await dist("vault/index.js");
const { setIdp } = await dist("vault/admin/identity.js");
const { VaultTransport } = await dist("runtime/internal/transport.js");
const { unseal } = await dist("protocol/seal.js");
const { ApiKey } = await dist("runtime/internal/keys.js");
const { request, Agent } = await import("undici");
const jose = await import("jose");

// ---------------------------------------------------------------------------------------------
// A minimal OIDC issuer in this process: discovery + JWKS, ES256.

const { publicKey, privateKey } = await jose.generateKeyPair("ES256");
const jwk = { ...(await jose.exportJWK(publicKey)), kid: "bench-1", alg: "ES256", use: "sig" };
const idpServer = createServer((req, res) => {
  const issuer = `http://127.0.0.1:${idpServer.address().port}`;
  if (req.url === "/.well-known/openid-configuration") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ["ES256"], response_types_supported: ["code"], subject_types_supported: ["public"] }));
  } else if (req.url === "/jwks") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: [jwk] }));
  } else {
    res.writeHead(404).end();
  }
});
await new Promise((r) => idpServer.listen(0, "127.0.0.1", r));
const issuer = `http://127.0.0.1:${idpServer.address().port}`;
const userToken = await new jose.SignJWT({ groups: ["eng"] })
  .setProtectedHeader({ alg: "ES256", kid: "bench-1" })
  .setIssuer(issuer)
  .setAudience("bench-app")
  .setSubject("bench-user")
  .setIssuedAt()
  .setExpirationTime("2h")
  .sign(privateKey);

// ---------------------------------------------------------------------------------------------
// The vaults (bench/lib/vault-deployments.mjs): SQLite, one instance; PostgreSQL, one and two.

const tmp = mkdtempSync(path.join(os.tmpdir(), "alter-bench-vault-"));
const execArgv = opts["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(opts["cpu-prof"])] : [];
const engines = new Set(opts.engines.split(","));
const setupArgs = { dist: DIST, tmp, vaultApi, setIdp, issuer, execArgv };
const deployments = [];
if (engines.has("sqlite")) deployments.push(await sqliteDeployment(setupArgs));
if (engines.has("postgres")) {
  try {
    deployments.push(await postgresDeployment(setupArgs));
  } catch (e) {
    log(`PostgreSQL: not measured: ${String(e?.message ?? e).split("\n")[0]}`);
  }
}
for (const d of deployments) log(`${d.engine}: vault pids ${d.instances.map((i) => i.pid).join(", ")}`);
// Requests signed in the second a SQLite vault started are refused (possible replays from before).
await new Promise((r) => setTimeout(r, 1100));

const requestFor = (grant, i) => ({
  grant,
  provider: "github",
  request: { operationId: "repos/get", method: "GET", url: "https://api.github.com/repos/octocat/Hello-World" },
  context: { caller: "bench", callerType: "service", runId: `run-${i}` },
});

/** The instances of a row, with the connections spread over them; call i goes to instance i mod n. */
function transports(d, n) {
  return d.instances.slice(0, n).map((s) => new VaultTransport({ baseUrl: `http://127.0.0.1:${s.port}`, apiKey: d.apiKey, connections: Math.ceil(CONCURRENCY / n) }));
}

const scenarios = [
  {
    key: "health",
    label: "(a) GET /v1/health, unsigned (HTTP floor)",
    async setup(d, n) {
      const agents = d.instances.slice(0, n).map((s) => ({ url: `http://127.0.0.1:${s.port}/v1/health`, agent: new Agent({ connections: Math.ceil(CONCURRENCY / n), keepAliveTimeout: 60_000 }) }));
      return {
        async call(i) {
          const a = agents[i % agents.length];
          const res = await request(a.url, { dispatcher: a.agent });
          const data = await res.body.json();
          if (!data.ok) throw new Error("health not ok");
        },
        close: () => Promise.all(agents.map((a) => a.agent.close())),
      };
    },
  },
  {
    key: "byId",
    label: "(b) retrieve by grant id (signed, sealed, audited)",
    async setup(d, n) {
      const ts = transports(d, n);
      const sealingKey = ApiKey.parse(d.apiKey).derivedKeys.credentialSealing;
      return {
        async call(i) {
          const res = await ts[i % ts.length].request("POST", "/v1/credentials/retrieve", { body: requestFor({ grantId: d.grantId }, i) });
          const c = unseal(res.data.credential, sealingKey, res.nonce);
          if (typeof c.token !== "string") throw new Error("no token");
        },
        close: () => Promise.all(ts.map((t) => t.close())),
      };
    },
  },
  {
    key: "byIdentity",
    label: "(c) retrieve by identity (+ end-user JWT, ES256 via JWKS)",
    async setup(d, n) {
      const ts = transports(d, n);
      const sealingKey = ApiKey.parse(d.apiKey).derivedKeys.credentialSealing;
      return {
        async call(i) {
          const res = await ts[i % ts.length].request("POST", "/v1/credentials/retrieve", { body: requestFor({ provider: "github", account: "bench-bot" }, i), userToken });
          const c = unseal(res.data.credential, sealingKey, res.nonce);
          if (typeof c.token !== "string") throw new Error("no token");
        },
        close: () => Promise.all(ts.map((t) => t.close())),
      };
    },
  },
];

// Rows: each deployment with one instance, and PostgreSQL with two; each scenario on each.
const only = opts.only ? new Set(opts.only.split(",")) : undefined;
const rows = [];
for (const d of deployments) {
  for (const n of d.instances.length > 1 ? [1, 2] : [1]) {
    for (const s of scenarios.filter((x) => !only || only.has(x.key))) rows.push({ d, n, s, rounds: [], label: `${d.engine}, ${n} instance${n > 1 ? "s" : ""}` });
  }
}
for (const r of rows) {
  try {
    r.inst = await r.s.setup(r.d, r.n);
    for (let i = 0; i < r.n; i++) await r.inst.call(i);
  } catch (e) {
    r.failure = String(e?.message ?? e).split("\n")[0].slice(0, 300);
    log(`${r.label} ${r.s.key}: not measured: ${r.failure}`);
  }
}
const vaultCpuMs = (r) => r.d.instances.slice(0, r.n).reduce((sum, i) => sum + cpuMsOf(i.pid), 0);
const WARMUP = Math.min(2000, TOTAL / 10);
for (let round = 0; round < ROUNDS; round++) {
  for (const r of rows.filter((x) => x.inst)) {
    log(`round ${round + 1}/${ROUNDS}: ${r.label}, ${r.s.key} (${TOTAL} requests, concurrency ${CONCURRENCY})`);
    const cpu0 = vaultCpuMs(r);
    const db0 = r.d.databaseCpuMs();
    const m = await runLoad((i) => r.inst.call(i), { concurrency: CONCURRENCY, total: TOTAL, warmup: WARMUP });
    m.vaultCpuUs = ((vaultCpuMs(r) - cpu0) * 1000) / (m.requests + WARMUP);
    m.dbCpuUs = ((r.d.databaseCpuMs() - db0) * 1000) / (m.requests + WARMUP);
    if (m.errors) log(`${r.label} ${r.s.key}: ${m.errors} errors, first: ${m.firstError?.message ?? m.firstError}`);
    r.rounds.push(m);
  }
}
for (const r of rows) await r.inst?.close();
const auditRows = {};
for (const d of deployments) {
  await d.close();
  if (d.engine !== "SQLite") continue;
  auditRows[d.engine] = (await vaultApi.readAudit({ dataDir: d.dataDir, action: "credential.retrieve" })).length;
}
idpServer.close();
rmSync(tmp, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------
// Report

const summary = (r) => ({
  rps: median(r.rounds.map((x) => x.rps)),
  p50: median(r.rounds.map((x) => x.p50)),
  p99: median(r.rounds.map((x) => x.p99)),
  errors: r.rounds.reduce((n, x) => n + x.errors, 0),
  clientCpu: median(r.rounds.map((x) => x.cpuUsPerCall)),
  vaultCpu: median(r.rounds.map((x) => x.vaultCpuUs)),
  dbCpu: median(r.rounds.map((x) => x.dbCpuUs)),
});
const us = (v) => (Number.isFinite(v) ? `${v.toFixed(0)} µs` : "n/a");
const table = rows.map((r) => {
  if (!r.inst) return [r.label, r.s.label, `not measured: ${r.failure}`, "", "", "", "", "", ""];
  const m = summary(r);
  return [r.label, r.s.label, fmtInt(m.rps), `${m.p50.toFixed(2)} ms`, `${m.p99.toFixed(2)} ms`, us(m.vaultCpu), r.d.engine === "SQLite" ? "" : us(m.dbCpu), us(m.clientCpu), fmtInt(m.errors)];
});

const lines = [];
lines.push(`Measured ${machineLine(env0)}; commit ${commit()}.`);
lines.push("");
lines.push(
  `alter-gen ${ourVersion()} (built dist/), the vault in processes of its own (\`bench/lib/vault-server.mjs\`): SQLite (better-sqlite3, WAL, synchronous=NORMAL) in a data folder; ` +
    "PostgreSQL in a throwaway cluster on this machine (`test/support/postgres.ts`: fsync and synchronous_commit off), migrated by `vault migrate`, served as its runtime role by two instances over the one database. " +
    `The client in the benchmark process through the runtime's \`VaultTransport\` (${CONCURRENCY} connections, spread over the row's instances), all on one 2-core machine. ` +
    `Each row: ${fmtInt(TOTAL)} requests at concurrency ${CONCURRENCY} after a warm-up, ${ROUNDS} rounds interleaved across rows, median of the rounds. ` +
    "Every retrieval is verified (RFC 9421 HMAC, Content-Digest, nonce), resolved, policy-checked, sealed (AES-256-GCM), audited (one row, committed before the answer is sent; rows arriving together share one transaction), answered with a signed response, then the response signature is verified and the credential unsealed by the client.",
);
lines.push("");
lines.push(markdownTable(["vault", "path", "requests/s", "p50", "p99", "vault CPU / request", "PostgreSQL server CPU / request", "client CPU / request", "errors"], table, ["l", "l", "r", "r", "r", "r", "r", "r", "r"]));
lines.push("");
for (const [engine, n] of Object.entries(auditRows)) lines.push(`- ${engine}: audit rows written for retrievals during the run: ${fmtInt(n)} (one per retrieval, warm-ups included).`);
lines.push("- Client, vault and PostgreSQL share the 2 cores, so requests/s is bounded by their sum of CPU per request; the CPU columns say where the time goes.");
const load1 = Number(env0.loadavg.split(" ")[0]);
if (load1 > env0.nproc) {
  lines.push(
    `- The load average was ${load1.toFixed(1)} on ${env0.nproc} cores when the run started (other work on the machine), so the rates are what was left of it; ` +
      "the CPU per request columns are the figures to compare across runs.",
  );
}
if (buildNote) lines.push(`- ${buildNote}`);

const body = lines.join("\n");
console.log(body);
if (!opts["no-readme"]) writeSection("Vault", body);

function commit() {
  const r = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "unknown";
}

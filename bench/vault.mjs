#!/usr/bin/env node
// `npm run bench:vault`: signed credential retrievals per second and p50/p99 latency at
// concurrency 64 on loopback, against the local vault in its own process (built package, a
// fresh data folder, SQLite in WAL mode, one audit row per retrieval):
//   (a) GET /v1/health, unsigned (the HTTP floor of the same server),
//   (b) retrieve by grant id (a system grant): sign, verify, resolve, seal, audit, sign the answer,
//   (c) retrieve by identity: the same plus the end user's JWT (ES256) verified against the IDP's
//       JWKS (served from this process) and the user's grants looked up.
// The client is the runtime's VaultTransport (signs requests, verifies response signatures) and
// unseals every credential. Vault CPU per request comes from /proc/<pid>/stat.
//
// Flags: --requests N (default 20000), --concurrency C (default 64), --rounds R (default 3),
//        --no-readme, --no-build, --only health,byId,byIdentity (rows to run),
//        --cpu-prof DIR (the vault process writes a V8 CPU profile there when it exits; summarise
//        it with bench/lib/cpu-profile.mjs).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { startChildServer } from "./lib/child-server.mjs";
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
// The vault: a fresh data folder, a managed secret, a system grant and a user grant.

const tmp = mkdtempSync(path.join(os.tmpdir(), "alter-bench-vault-"));
const dataDir = path.join(tmp, "data");
const init = await vaultApi.initVault({ dataDir, env: {} });
const secret = await vaultApi.addManagedSecret({ dataDir, provider: "github", value: "ghp_bench_0123456789abcdefghij", label: "bench-bot" });
const systemGrant = await vaultApi.issueGrant({ dataDir, secretId: secret.id, principal: "system" });
// A user grant names an identity at the app's IDP, so the IDP is set first.
await setIdp({ dataDir, issuer, audience: "bench-app" });
await vaultApi.issueGrant({ dataDir, secretId: secret.id, principal: "user:bench-user" });
const execArgv = opts["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(opts["cpu-prof"])] : [];
const server = await startChildServer(path.join(ROOT, "bench/lib/vault-server.mjs"), [DIST, dataDir], { env: { ...process.env, ALTER_VAULT_MASTER_KEY: "" }, execArgv });
const vaultUrl = `http://127.0.0.1:${server.port}`;
log(`vault (pid ${server.pid}) at ${vaultUrl}`);
// Requests signed in the second the vault started are refused (possible replays from before).
await new Promise((r) => setTimeout(r, 1100));

function vaultCpuMs() {
  try {
    const f = readFileSync(`/proc/${server.pid}/stat`, "utf8");
    const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime+stime, USER_HZ = 100
  } catch {
    return Number.NaN;
  }
}

const sealingKey = ApiKey.parse(init.apiKey).derivedKeys.credentialSealing;
const requestFor = (grant, i) => ({
  grant,
  provider: "github",
  request: { operationId: "repos/get", method: "GET", url: "https://api.github.com/repos/octocat/Hello-World" },
  context: { caller: "bench", callerType: "service", runId: `run-${i}` },
});

const scenarios = [
  {
    key: "health",
    label: "(a) GET /v1/health, unsigned (HTTP floor)",
    async setup() {
      const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 60_000 });
      return {
        async call() {
          const res = await request(`${vaultUrl}/v1/health`, { dispatcher: agent });
          const data = await res.body.json();
          if (!data.ok) throw new Error("health not ok");
        },
        close: () => agent.close(),
      };
    },
  },
  {
    key: "byId",
    label: "(b) retrieve by grant id (signed, sealed, audited)",
    async setup() {
      const t = new VaultTransport({ baseUrl: vaultUrl, apiKey: init.apiKey, connections: CONCURRENCY });
      return {
        async call(i) {
          const res = await t.request("POST", "/v1/credentials/retrieve", { body: requestFor({ grantId: systemGrant.grantId }, i) });
          const c = unseal(res.data.credential, sealingKey, res.nonce);
          if (typeof c.token !== "string") throw new Error("no token");
        },
        close: () => t.close(),
      };
    },
  },
  {
    key: "byIdentity",
    label: "(c) retrieve by identity (+ end-user JWT, ES256 via JWKS)",
    async setup() {
      const t = new VaultTransport({ baseUrl: vaultUrl, apiKey: init.apiKey, connections: CONCURRENCY });
      return {
        async call(i) {
          const res = await t.request("POST", "/v1/credentials/retrieve", { body: requestFor({ provider: "github", account: "bench-bot" }, i), userToken });
          const c = unseal(res.data.credential, sealingKey, res.nonce);
          if (typeof c.token !== "string") throw new Error("no token");
        },
        close: () => t.close(),
      };
    },
  },
];

const only = opts.only ? new Set(opts.only.split(",")) : undefined;
const live = [];
for (const s of scenarios.filter((x) => !only || only.has(x.key))) {
  try {
    const inst = await s.setup();
    await inst.call(0);
    live.push({ ...s, inst, rounds: [] });
  } catch (e) {
    s.failure = String(e?.message ?? e).split("\n")[0].slice(0, 300);
    log(`${s.key}: not measured: ${s.failure}`);
  }
}
for (let round = 0; round < ROUNDS; round++) {
  for (const s of live) {
    log(`round ${round + 1}/${ROUNDS}: ${s.key} (${TOTAL} requests, concurrency ${CONCURRENCY})`);
    const cpu0 = vaultCpuMs();
    const r = await runLoad((i) => s.inst.call(i), { concurrency: CONCURRENCY, total: TOTAL, warmup: Math.min(2000, TOTAL / 10) });
    r.vaultCpuUs = ((vaultCpuMs() - cpu0) * 1000) / (r.requests + Math.min(2000, TOTAL / 10));
    if (r.errors) log(`${s.key}: ${r.errors} errors, first: ${r.firstError?.message ?? r.firstError}`);
    s.rounds.push(r);
  }
}
for (const s of live) await s.inst.close();
await server.close();
idpServer.close();

const auditRows = (await vaultApi.readAudit({ dataDir, action: "credential.retrieve" })).length;
rmSync(tmp, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------
// Report

const summary = (s) => ({
  rps: median(s.rounds.map((r) => r.rps)),
  p50: median(s.rounds.map((r) => r.p50)),
  p99: median(s.rounds.map((r) => r.p99)),
  errors: s.rounds.reduce((n, r) => n + r.errors, 0),
  clientCpu: median(s.rounds.map((r) => r.cpuUsPerCall)),
  vaultCpu: median(s.rounds.map((r) => r.vaultCpuUs)),
});
const rows = scenarios.filter((x) => !only || only.has(x.key)).map((s) => {
  const l = live.find((x) => x.key === s.key);
  if (!l) return [s.label, `not measured: ${s.failure}`, "", "", "", "", ""];
  const m = summary(l);
  return [s.label, fmtInt(m.rps), `${m.p50.toFixed(2)} ms`, `${m.p99.toFixed(2)} ms`, Number.isFinite(m.vaultCpu) ? `${m.vaultCpu.toFixed(0)} µs` : "n/a", `${m.clientCpu.toFixed(0)} µs`, fmtInt(m.errors)];
});

const lines = [];
lines.push(`Measured ${machineLine(env0)}.`);
lines.push("");
lines.push(
  `alter-gen ${ourVersion()} (built dist/), better-sqlite3 (WAL, synchronous=NORMAL), the vault in its own process (\`bench/lib/vault-server.mjs\`), ` +
    `the client in the benchmark process through the runtime's \`VaultTransport\` (${CONCURRENCY} connections), both on one 2-core machine. ` +
    `Each row: ${fmtInt(TOTAL)} requests at concurrency ${CONCURRENCY} after a warm-up, ${ROUNDS} rounds interleaved across rows, median of the rounds. ` +
    "Every retrieval is verified (RFC 9421 HMAC, Content-Digest, nonce), resolved, policy-checked, sealed (AES-256-GCM), audited (one SQLite row, committed before the answer is sent; rows arriving together share one transaction), answered with a signed response, then the response signature is verified and the credential unsealed by the client.",
);
lines.push("");
lines.push(markdownTable(["path", "requests/s", "p50", "p99", "vault CPU / request", "client CPU / request", "errors"], rows, ["l", "r", "r", "r", "r", "r", "r"]));
lines.push("");
lines.push(`- Audit rows written for retrievals during the run: ${fmtInt(auditRows)} (one per retrieval, warm-ups included).`);
lines.push("- Client and vault share the 2 cores, so requests/s is bounded by their sum of CPU per request; the CPU columns say where the time goes.");
const load1 = Number(env0.loadavg.split(" ")[0]);
if (load1 > env0.nproc) {
  lines.push(
    `- The load average was ${load1.toFixed(1)} on ${env0.nproc} cores when the run started (other work on the machine), so the rates are what was left of it; ` +
      "vault + client CPU per retrieval is the figure to compare across runs.",
  );
}
if (buildNote) lines.push(`- ${buildNote}`);

const body = lines.join("\n");
console.log(body);
if (!opts["no-readme"]) writeSection("Vault", body);

#!/usr/bin/env node
// `npm run bench:runtime`: throughput and latency of provider calls at concurrency 64 against a
// loopback provider (a separate process), in one run:
//   (a) raw undici request() with the token in hand, (b) global fetch,
//   (c) the provider leg alone through the runtime (credential already in hand),
//   (d) a generated-client call through the runtime with the local vault (retrieve mode),
// each in its own client process (so one path's JIT state cannot slow another), plus the CPU the runtime adds per call (signing, verifying, injecting), from process.cpuUsage().
//
// Flags: --requests N (default 20000), --concurrency C (default 64), --rounds R (default 3),
//        --cpu-iterations N (default 20000), --no-readme, --no-build.
import { fork, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { startChildServer } from "./lib/child-server.mjs";
import { machine, machineLine, ourVersion, packageVersion, ROOT } from "./lib/env.mjs";
import { fmtInt, fmtPct, markdownTable } from "./lib/format.mjs";
import { contenders as contenderTable } from "./lib/runtime-contenders.mjs";
import { scrubCpu } from "./lib/scrub-cpu.mjs";
import { writeSection } from "./lib/readme.mjs";
import { median } from "./lib/stats.mjs";

const { values: opts } = parseArgs({
  options: {
    requests: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "64" },
    rounds: { type: "string", default: "3" },
    "cpu-iterations": { type: "string", default: "20000" },
    "no-readme": { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
  },
});
const TOTAL = Number(opts.requests);
const CONCURRENCY = Number(opts.concurrency);
const ROUNDS = Math.max(1, Number(opts.rounds));
const CPU_ITERATIONS = Number(opts["cpu-iterations"]);
// A round stops at this many milliseconds even if not every request was sent (a slow path on a
// busy machine); requests/s is then over the requests that completed.
const MAX_MS = 180_000;
const log = (...a) => console.error("[bench:runtime]", ...a);
const env0 = machine();

const TOKEN = "bench-provider-token-0123456789";
const provider = await startChildServer(path.join(ROOT, "bench/lib/provider-server.mjs"), [TOKEN]);
const providerOrigin = `http://127.0.0.1:${provider.port}`;
const targetPath = "/repos/octocat/Hello-World";
const targetUrl = `${providerOrigin}${targetPath}`;
log(`provider stand-in (pid ${provider.pid}) at ${providerOrigin}`);

const undiciVersion = JSON.parse(readFileSync(path.join(ROOT, "node_modules/undici/package.json"), "utf8")).version;

// Our side loads from dist/ (built here), exactly as an installed package runs.
let ourNote = "";
if (!opts["no-build"]) {
  log("npm run build");
  const r = spawnSync("npm", ["run", "build", "--silent"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) ourNote = `\`npm run build\` failed (exit ${r.status}); used whatever dist/ held.`;
}
const distUrl = (p) => pathToFileURL(path.join(ROOT, "dist", p)).href;
async function importDist(p) {
  if (!existsSync(path.join(ROOT, "dist", p))) throw new Error(`dist/${p} does not exist (not landed or not built)`);
  return import(distUrl(p));
}
const ourSide = await import("./lib/runtime-ours.mjs");

// ---------------------------------------------------------------------------------------------
// The contenders (bench/lib/runtime-contenders.mjs), each in its own process.

let localVault;
try {
  localVault = await ourSide.startLocalVault({ importDist, providerOrigin, token: TOKEN, log });
} catch (e) {
  log(`local vault: ${e?.message ?? e}`);
}
const ctx = { providerOrigin, targetPath, token: TOKEN, vault: localVault };
const contenders = Object.entries(contenderTable).map(([key, c]) => ({ key, label: c.label() }));

function startContender(key) {
  const child = fork(path.join(ROOT, "bench/lib/runtime-contender-process.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = (msg) =>
    new Promise((resolve, reject) => {
      const onExit = (code) => reject(new Error(`${key}: its process exited (${code})`));
      child.once("exit", onExit);
      child.once("message", (reply) => {
        child.off("exit", onExit);
        if (reply.type === "failed") reject(new Error(reply.message));
        else resolve(reply);
      });
      child.send(msg);
    });
  return { ask, close: () => new Promise((r) => (child.connected ? (child.once("exit", r), child.disconnect()) : r())) };
}

// ---------------------------------------------------------------------------------------------
// Throughput: every contender once per round, rounds interleaved so background load hits all.

const live = [];
for (const c of contenders) {
  const proc = startContender(c.key);
  try {
    await proc.ask({ type: "setup", key: c.key, ctx });
    live.push({ ...c, proc, rounds: [] });
  } catch (e) {
    log(`${c.key}: not measured: ${e?.message ?? e}`);
    c.failure = String(e?.message ?? e).split("\n")[0].slice(0, 300);
    await proc.close();
  }
}
for (let round = 0; round < ROUNDS; round++) {
  for (const c of live) {
    log(`round ${round + 1}/${ROUNDS}: ${c.key} (${TOTAL} requests, concurrency ${CONCURRENCY})`);
    const options = { concurrency: CONCURRENCY, total: TOTAL, warmup: Math.min(2000, TOTAL / 10), maxMs: MAX_MS };
    const { result: r } = await c.proc.ask({ type: "round", options });
    if (r.errors) log(`${c.key}: ${r.errors} errors, first: ${r.firstError}`);
    c.rounds.push(r);
  }
}
for (const c of live) await c.proc.close();

// ---------------------------------------------------------------------------------------------
// CPU the runtime adds per call.

let cpuRows = [];
let cpuFailure;
try {
  cpuRows = await ourSide.cpuPerCall({ importDist, iterations: CPU_ITERATIONS, providerOrigin, targetPath, token: TOKEN, log });
} catch (e) {
  cpuFailure = String(e?.message ?? e).split("\n")[0];
  log(`cpu: not measured: ${cpuFailure}`);
}
let scrubRows = [];
try {
  scrubRows = await scrubCpu({ importDist, iterations: CPU_ITERATIONS, token: TOKEN, log });
} catch (e) {
  log(`cpu: scrubbing not measured: ${String(e?.message ?? e).split("\n")[0]}`);
}
await ourSide.closeAll?.();
await provider.close();

// ---------------------------------------------------------------------------------------------
// Report

const summary = (c) => ({
  rps: median(c.rounds.map((r) => r.rps)),
  p50: median(c.rounds.map((r) => r.p50)),
  p99: median(c.rounds.map((r) => r.p99)),
  errors: c.rounds.reduce((n, r) => n + r.errors, 0),
  requests: c.rounds.reduce((n, r) => n + r.requests, 0),
  cpu: median(c.rounds.map((r) => r.cpuUsPerCall)),
});
const raw = live.find((c) => c.key === "undici");
const rawRps = raw ? summary(raw).rps : Number.NaN;
const rows = contenders.map((c) => {
  const l = live.find((x) => x.key === c.key);
  if (!l) return [c.label, `not measured: ${c.failure}`, "", "", "", "", "", ""];
  const s = summary(l);
  return [c.label, fmtInt(s.rps), `${s.p50.toFixed(2)} ms`, `${s.p99.toFixed(2)} ms`, fmtPct(s.rps / rawRps), `${s.cpu.toFixed(0)} µs`, fmtInt(s.requests), fmtInt(s.errors)];
});

const lines = [];
lines.push(`Measured ${machineLine(env0)}.`);
lines.push("");
lines.push(`Versions: alter-gen ${ourVersion()}; undici ${undiciVersion} (project dependency); Node ${process.version} (bundled undici ${process.versions.undici} behind fetch).`);
lines.push("");
lines.push(
  `Loopback provider: \`bench/lib/provider-server.mjs\` (node:http, its own process, a fixed 283-byte JSON body, 401 without the bearer token). ` +
    `Each row runs in its own client process (bench/lib/runtime-contenders.mjs): ${fmtInt(TOTAL)} requests at concurrency ${CONCURRENCY} after a warm-up, ${ROUNDS} rounds interleaved across rows, median of the rounds. ` +
    "The client process's CPU per request (user+system, all of its work: HTTP, JSON, runtime) is in the last-but-one column.",
);
lines.push("");
lines.push(markdownTable(["path", "requests/s", "p50", "p99", "vs raw undici", "client CPU / request", "requests (all rounds)", "errors"], rows, ["l", "r", "r", "r", "r", "r", "r", "r"]));
lines.push("");
const cpuOf = (key) => {
  const l = live.find((c) => c.key === key);
  return l ? summary(l).cpu : Number.NaN;
};
const legExtra = cpuOf("leg") - cpuOf("undici");
const vaultExtra = cpuOf("vault") - cpuOf("leg");
if (Number.isFinite(legExtra)) lines.push(`- Client CPU the runtime adds on the provider leg, (c) − (a): ${legExtra.toFixed(0)} µs per request (URL building, audit context, host and scheme checks, injection, response scrubbing and decoding; it can be negative because the runtime sends with the Agent's request(), which skips the top-level request()'s URL parsing and option copying).`);
const legOverAgent = cpuOf("leg") - cpuOf("undici-agent");
if (Number.isFinite(legOverAgent)) lines.push(`- Against the same Agent.request() call without the runtime, (c) − (a1): ${legOverAgent.toFixed(0)} µs per request: the runtime's own work on the provider leg.`);
if (Number.isFinite(vaultExtra)) lines.push(`- Client CPU of the vault round trip, (d) − (c): ${vaultExtra.toFixed(0)} µs per request (signed HTTP request to the vault, response verification, unsealing, JSON).`);
const vaultBeyondHttp = cpuOf("vault") - cpuOf("leg") - cpuOf("undici-agent");
if (Number.isFinite(vaultBeyondHttp)) {
  lines.push(
    `- In-situ estimate of the runtime's own work on the vault leg, (d) − (c) − (a1): ${vaultBeyondHttp.toFixed(0)} µs per call ` +
      "(the vault round trip's client CPU minus one plain Agent.request(), the call the transport makes; includes signing, verifying, unsealing, JSON and the transport's bookkeeping, on a loaded machine).",
  );
}
lines.push(...ourSide.notes());
if (ourNote) lines.push(`- ${ourNote}`);
lines.push("");
lines.push("### CPU the runtime adds per call");
lines.push("");
if (cpuRows.length) {
  lines.push(`\`process.cpuUsage()\` (user+system) over ${fmtInt(CPU_ITERATIONS)} iterations of each step, after a warm-up, in this process.`);
  lines.push("");
  lines.push(markdownTable(["step", "µs per call"], cpuRows.map((r) => [r.label, r.us.toFixed(1)]), ["l", "r"]));
} else lines.push(`Not measured: ${cpuFailure ?? "no runtime functions available"}.`);
lines.push("");
if (scrubRows.length) {
  lines.push("Scrubbing the provider's answer of the injected credential (protocol/scrub.ts; part of the provider leg, (c) above, so not added to the total):");
  lines.push("");
  lines.push(markdownTable(["step", "µs per call"], scrubRows.map((r) => [r.label, r.us.toFixed(2)]), ["l", "r"]));
  lines.push("");
}
lines.push("### Targets");
lines.push("");
const leg = live.find((c) => c.key === "leg");
const yesNo = (b) => (b ? "**met**" : "**not met**");
if (leg && raw) {
  const share = summary(leg).rps / rawRps;
  lines.push(`- Provider leg at >= 80% of raw undici's throughput: ${fmtPct(share)} — ${yesNo(share >= 0.8)}.`);
  const agentRow = live.find((c) => c.key === "undici-agent");
  if (agentRow) {
    const vsAgent = summary(leg).rps / summary(agentRow).rps;
    lines.push(`- The same against (a1), undici's faster Agent.request() that the runtime itself uses: ${fmtPct(vsAgent)} (${vsAgent >= 0.8 ? "also" : "not"} >= 80%).`);
  }
} else lines.push(`- Provider leg vs raw undici: not measured (${contenders.find((c) => c.key === "leg")?.failure ?? "no provider-leg entry"}).`);
const total = cpuRows.find((r) => r.total);
if (total) lines.push(`- CPU added per call (signing + verifying + unsealing + injecting) under 30 µs (issue 9; it was 50 µs before): ${total.us.toFixed(1)} µs — ${yesNo(total.us < 30)}.`);
else lines.push(`- CPU added per call: not measured (${cpuFailure ?? "runtime functions missing"}).`);

const report = lines.join("\n");
console.log(report);
if (!opts["no-readme"]) writeSection("Runtime", report);

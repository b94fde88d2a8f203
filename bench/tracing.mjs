#!/usr/bin/env node
// `npm run bench:tracing`: what tracing costs the application's process per call. Retrieve-mode
// calls through the built runtime to a local vault and a loopback provider (each its own
// process), with the runtime's tracing off, on with only @opentelemetry/api (no SDK: its no-op
// tracer), on with the SDK (AsyncLocalStorage context manager, batch processor, an exporter that
// drops spans), and on with the SDK plus undici's instrumentation (whose spans alter-gen
// suppresses). Each variant runs in a fresh process, variants interleaved round by round; CPU is
// user+sys of that process per call. Writes the "Tracing" section of bench/README.md.
//
// Flags: --calls N (default 4000), --warmup N (500), --concurrency C (16), --rounds R (3),
//        --no-build, --no-readme.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { startChildServer } from "./lib/child-server.mjs";
import { machine, machineLine, ourVersion, packageVersion, ROOT } from "./lib/env.mjs";
import { markdownTable } from "./lib/format.mjs";
import { writeSection } from "./lib/readme.mjs";
import { closeAll, startLocalVault } from "./lib/runtime-ours.mjs";
import { median } from "./lib/stats.mjs";

const { values: opts } = parseArgs({
  options: {
    calls: { type: "string", default: "4000" },
    warmup: { type: "string", default: "500" },
    concurrency: { type: "string", default: "16" },
    rounds: { type: "string", default: "3" },
    "no-build": { type: "boolean", default: false },
    "no-readme": { type: "boolean", default: false },
  },
});
const log = (m) => console.error(m);
const VARIANTS = [
  ["off", "tracing off (the default: @opentelemetry/api never loaded)"],
  ["api-only", "tracing: true, no SDK registered (the API's no-op tracer)"],
  ["sdk", "tracing: true, SDK (batch processor, exporter that drops)"],
  ["sdk+undici", "tracing: true, SDK + undici's instrumentation (suppressed under our spans)"],
];

const m = machine();
if (!opts["no-build"]) execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
const token = "bench-provider-token-0123456789";
const provider = await startChildServer(path.join(ROOT, "bench/lib/provider-server.mjs"), [token]);
const providerOrigin = `http://127.0.0.1:${provider.port}`;
const importDist = (p) => import(pathToFileURL(path.join(ROOT, "dist", p)).href);
const vault = await startLocalVault({ importDist, providerOrigin, token, log });
const results = Object.fromEntries(VARIANTS.map(([v]) => [v, []]));
const spanResults = Object.fromEntries(VARIANTS.map(([v]) => [v, []]));
try {
  for (let round = 0; round < Number(opts.rounds); round++) {
    for (const [variant] of VARIANTS) {
      for (const spansOnly of [false, true]) {
        const input = { variant, spansOnly, ...vault, providerOrigin, calls: Number(opts.calls), warmup: Number(opts.warmup), concurrency: Number(opts.concurrency) };
        const out = execFileSync(process.execPath, [path.join(ROOT, "bench/lib/tracing-child.mjs"), JSON.stringify(input)], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
        const r = JSON.parse(out);
        (spansOnly ? spanResults : results)[variant].push(r);
        log(`round ${round + 1} ${variant}${spansOnly ? " (span work only)" : ""}: ${r.cpuUsPerCall.toFixed(2)} µs CPU per call`);
      }
    }
  }
} finally {
  await provider.close();
  await closeAll();
}

const off = median(results.off.map((r) => r.cpuUsPerCall));
const rows = VARIANTS.map(([v, label]) => {
  const cpu = median(results[v].map((r) => r.cpuUsPerCall));
  const wall = median(results[v].map((r) => r.wallUsPerCall));
  return [label, `${cpu.toFixed(1)} µs`, v === "off" ? "" : `${cpu - off >= 0 ? "+" : ""}${(cpu - off).toFixed(1)} µs (${((cpu / off - 1) * 100).toFixed(0)}%)`, `${wall.toFixed(1)} µs`];
});
const spanOff = median(spanResults.off.map((r) => r.cpuUsPerCall));
const spanRows = VARIANTS.map(([v, label]) => {
  const cpu = median(spanResults[v].map((r) => r.cpuUsPerCall));
  return [label, `${cpu.toFixed(2)} µs`, v === "off" ? "" : `+${(cpu - spanOff).toFixed(2)} µs`];
});
const versions = ["@opentelemetry/api", "@opentelemetry/sdk-trace-base", "@opentelemetry/context-async-hooks", "@opentelemetry/instrumentation-undici"].map((n) => `${n} ${packageVersion(n, ROOT)}`).join("; ");
const body = [
  `Measured ${m.date}; ${machineLine(m).split("; ").slice(1).join("; ")}.`,
  "",
  `Versions: alter-gen ${ourVersion()}; ${versions}.`,
  "",
  `CPU (user+sys) of the application's process per retrieve-mode call (one vault round trip and one provider call; the vault and the provider are their own processes), ${opts.calls} calls at concurrency ${opts.concurrency} after ${opts.warmup} warm-up calls, median of ${opts.rounds} rounds with the variants interleaved, each in a fresh process. A traced call makes three spans (operation, vault call, provider attempt). The SDK rows include the cost of its AsyncLocalStorage context manager, which every promise of the process pays once it is registered, not only alter-gen's.`,
  "",
  markdownTable(["variant", "CPU per call", "over tracing off", "wall per call"], rows, ["l", "r", "r", "r"]),
  "",
  `The span work alone, without I/O (so without the noise of the round trips): the runtime's own span functions around already-settled promises, ${Number(opts.calls) * 10} iterations of one operation span, one vault span and one provider attempt span, median of ${opts.rounds} rounds. "off" is the same promises untraced.`,
  "",
  markdownTable(["variant", "CPU per call", "tracing's own cost"], spanRows, ["l", "r", "r"]),
  "",
  "With tracing off the call path's only extra work is one property check (`env.tracing === undefined`); test/runtime/tracing-optional.test.ts shows that no @opentelemetry package is even resolved then.",
].join("\n");
console.log(`\n${body}`);
if (!opts["no-readme"]) writeSection("Tracing", body);

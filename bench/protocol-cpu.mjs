#!/usr/bin/env node
// `npm run bench:protocol`: only the CPU the runtime adds per vault call (sign the request, verify
// the answer, unseal and inject), the last table of `npm run bench:runtime`, in a few seconds and
// without any server. `--root <checkout>` measures another built checkout of alter-gen with its
// own bench/lib/runtime-ours.mjs (e.g. the main branch), so two builds can be compared in one
// sitting, rounds interleaved: `node bench/protocol-cpu.mjs --root ../main --root .`.
//
// Flags: --root DIR (repeatable; default this checkout), --rounds R (default 5),
//        --iterations N (default 20000).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ROOT } from "./lib/env.mjs";
import { median } from "./lib/stats.mjs";

const { values: opts } = parseArgs({
  options: {
    root: { type: "string", multiple: true },
    rounds: { type: "string", default: "5" },
    iterations: { type: "string", default: "20000" },
  },
});
const roots = (opts.root ?? [ROOT]).map((r) => path.resolve(r));
const sides = [];
for (const root of roots) {
  const ours = await import(pathToFileURL(path.join(root, "bench/lib/runtime-ours.mjs")).href);
  const importDist = (p) => import(pathToFileURL(path.join(root, "dist", p)).href);
  sides.push({ root, ours, importDist, rounds: [] });
}
const args = { iterations: Number(opts.iterations), providerOrigin: "http://127.0.0.1:9999", targetPath: "/repos/octocat/Hello-World", token: "bench-provider-token-0123456789", log: () => {} };
for (let round = 0; round < Number(opts.rounds); round++) {
  for (const side of sides) side.rounds.push(await side.ours.cpuPerCall({ ...args, importDist: side.importDist }));
}
for (const side of sides) {
  console.log(`\n${side.root} (median of ${side.rounds.length} rounds, µs per call)`);
  for (let i = 0; i < side.rounds[0].length; i++) {
    console.log(`  ${median(side.rounds.map((r) => r[i].us)).toFixed(1).padStart(6)}  ${side.rounds[0][i].label}`);
  }
}

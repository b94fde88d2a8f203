// Summarises a V8 .cpuprofile (node --cpu-prof): self time by area of the code (ours by folder,
// Node's internals, native addons, garbage collection, idle) and the functions with the most
// self time. Usage as a script: node bench/lib/cpu-profile.mjs FILE.cpuprofile [--top N].
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** The area a call frame's self time is counted under. Ordered: the first match wins. */
const AREAS = [
  ["(idle)", (f) => f.functionName === "(idle)"],
  ["(garbage collector)", (f) => f.functionName === "(garbage collector)"],
  ["(program: native, unattributed)", (f) => f.functionName === "(program)"],
  ["better-sqlite3 (statements, native)", (f) => f.url.includes("better-sqlite3")],
  ["pg (protocol)", (f) => /node_modules\/pg(-[a-z]+)?\//.test(f.url)],
  ["vault/storage", (f) => f.url.includes("/dist/vault/storage/")],
  ["vault/audit", (f) => f.url.includes("/dist/vault/audit/")],
  ["vault/http", (f) => f.url.includes("/dist/vault/http/")],
  ["vault/crypto", (f) => f.url.includes("/dist/vault/crypto/")],
  ["vault (domain: grants, policy, identity, oauth)", (f) => f.url.includes("/dist/vault/")],
  ["protocol/ (signing, digest, seal)", (f) => f.url.includes("/dist/protocol/")],
  ["jose (user tokens)", (f) => f.url.includes("node_modules/jose/")],
  ["node:http + net (parsing, sockets)", (f) => /node:(_http|http|net|stream|internal\/streams|internal\/http|_http_)/.test(f.url) || /^node:internal\/(http|streams|net|stream_base)/.test(f.url)],
  ["node:crypto", (f) => f.url.startsWith("node:internal/crypto") || f.url === "node:crypto"],
  ["node: timers, promises, async hooks", (f) => /node:internal\/(timers|process\/task_queues|async_hooks|async_local_storage|promise)/.test(f.url) || f.url === "node:async_hooks"],
  ["node: other internals", (f) => f.url.startsWith("node:")],
  ["native builtins (no url)", (f) => f.url === ""],
  ["other", () => true],
];

export function summarise(profile) {
  const total = profile.samples.length;
  const selfCount = new Map();
  for (const id of profile.samples) selfCount.set(id, (selfCount.get(id) ?? 0) + 1);
  const byArea = new Map();
  const byFn = new Map();
  for (const node of profile.nodes) {
    const n = selfCount.get(node.id) ?? 0;
    if (!n) continue;
    const f = node.callFrame;
    const area = AREAS.find(([, test]) => test(f))[0];
    byArea.set(area, (byArea.get(area) ?? 0) + n);
    const where = f.url ? `${f.url.replace(/^.*\/(dist|node_modules)\//, "$1/")}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + n);
  }
  const busy = total - (byArea.get("(idle)") ?? 0);
  const share = (n, of) => (100 * n) / Math.max(1, of);
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    total,
    busy,
    areas: sorted(byArea).map(([area, n]) => ({ area, samples: n, ofBusy: area === "(idle)" ? null : share(n, busy) })),
    functions: sorted(byFn).filter(([k]) => !k.startsWith("(idle)")).map(([fn, n]) => ({ fn, samples: n, ofBusy: share(n, busy) })),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const file = process.argv[2];
  const top = Number(process.argv[process.argv.indexOf("--top") + 1]) || 30;
  const s = summarise(JSON.parse(readFileSync(file, "utf8")));
  console.log(`${s.total} samples, ${s.busy} busy (not idle)\n\nself time by area (% of busy):`);
  for (const a of s.areas) console.log(`  ${a.ofBusy === null ? "   -  " : a.ofBusy.toFixed(1).padStart(5) + "%"}  ${a.area}`);
  console.log(`\ntop ${top} functions by self time (% of busy):`);
  for (const f of s.functions.slice(0, top)) console.log(`  ${f.ofBusy.toFixed(1).padStart(5)}%  ${f.fn}`);
}

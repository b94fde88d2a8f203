// The diff report for people: plain text for a terminal or a CI log, and markdown for a pull
// request's description. Breaking changes come first; with a consumer project, those that touch
// its code come before the rest, with the lines they touch. The JSON output is the DiffReport.
import type { ApiChange, ClientDiff, DiffReport, Impact } from "./changes.js";

const ORDER: Impact[] = ["breaking", "deprecated", "additive"];
const HEADINGS: Record<Impact, string> = { breaking: "Breaking", deprecated: "Deprecated", additive: "Added" };
/** Additions beyond this many per client are summed up in one line (GitHub adds hundreds at a time). */
const ADDITIVE_SHOWN = 30;
/** GitHub refuses a pull-request description over 65,536 characters. */
const MARKDOWN_BUDGET = 60_000;

function counts(summary: Record<Impact, number>): string {
  return `${summary.breaking} breaking, ${summary.deprecated} deprecated, ${summary.additive} additive`;
}

export function textReport(report: DiffReport): string {
  const out: string[] = [];
  for (const client of report.clients) {
    out.push(`${client.id} (${client.dir}): ${client.existed ? counts(client.summary) : `new client, ${client.summary.additive} methods`}`);
    if (!client.existed) continue;
    for (const impact of ORDER) {
      const all = client.changes.filter((c) => c.impact === impact);
      const list = impact === "additive" ? all.slice(0, ADDITIVE_SHOWN) : all;
      for (const change of list) {
        out.push(`  ${impact.padEnd(10)} ${change.message}`);
        for (const site of change.callSites ?? []) out.push(`             used at ${site.file}:${site.line}:${site.column}  ${site.text}`);
      }
      if (all.length > list.length) out.push(`  ${impact.padEnd(10)} …and ${all.length - list.length} more`);
    }
  }
  if (report.clients.length > 1) out.push(`Total: ${counts(report.summary)}`);
  return out.join("\n") + "\n";
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function row(change: ApiChange, withSites: boolean): string {
  const message = cell(change.message.replace(`\`${change.method}\`: `, ""));
  if (!withSites) return `| \`${change.method}\` | ${message} |`;
  const sites = (change.callSites ?? []).map((s) => `\`${s.file}:${s.line}\``).join("<br>");
  return `| \`${change.method}\` | ${message} | ${sites || "—"} |`;
}

/** A table of changes, as many rows as `budget` (characters) allows; the rest are counted. */
function table(changes: readonly ApiChange[], withSites: boolean, budget: { left: number }): string[] {
  const out = [withSites ? "| Method | Change | Your code |" : "| Method | Change |", withSites ? "| --- | --- | --- |" : "| --- | --- |"];
  let shown = 0;
  for (const change of changes) {
    const line = row(change, withSites);
    if (line.length + 1 > budget.left) break;
    budget.left -= line.length + 1;
    out.push(line);
    shown++;
  }
  if (shown < changes.length) out.push("", `…and ${changes.length - shown} more: \`alter-gen diff --json\` lists them all.`);
  return out;
}

function details(summary: string, body: string[]): string[] {
  return ["", "<details>", `<summary>${summary}</summary>`, "", ...body, "", "</details>"];
}

function clientSection(client: ClientDiff, withSites: boolean, budget: { left: number }): string[] {
  const out = ["", `### \`${client.id}\``, ""];
  if (!client.existed) return [...out, `A new client with ${client.summary.additive} methods.`];
  if (!client.changes.length) return [...out, "No change to the public API."];
  out.push(`${counts(client.summary)}.`);
  for (const impact of ORDER) {
    const all = client.changes.filter((c) => c.impact === impact);
    if (!all.length) continue;
    out.push("", `#### ${HEADINGS[impact]}`);
    if (impact === "additive") {
      out.push(...details(all.length === 1 ? "1 addition" : `${all.length} additions`, table(all.slice(0, ADDITIVE_SHOWN), false, budget)));
      if (all.length > ADDITIVE_SHOWN) out.push("", `…and ${all.length - ADDITIVE_SHOWN} more additions.`);
      continue;
    }
    if (!withSites) {
      out.push("", ...table(all, false, budget));
      continue;
    }
    const touching = all.filter((c) => c.callSites?.length);
    const others = all.filter((c) => !c.callSites?.length);
    out.push("", touching.length ? `${touching.length} ${touching.length === 1 ? "touches" : "touch"} your code:` : "None touches your code.");
    if (touching.length) out.push("", ...table(touching, true, budget));
    if (others.length) out.push(...details(`${others.length} ${others.length === 1 ? "touches" : "touch"} none of your code`, table(others, false, budget)));
  }
  return out;
}

export function markdownReport(report: DiffReport): string {
  const withSites = report.project !== undefined;
  const budget = { left: MARKDOWN_BUDGET };
  const out: string[] = [`## API changes from regenerating the clients`, "", `${counts(report.summary)}.`];
  if (withSites) out.push("", `Call sites are from \`${report.project}\`.`);
  for (const client of report.clients) out.push(...clientSection(client, withSites, budget));
  return out.join("\n") + "\n";
}

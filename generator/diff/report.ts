// The diff report for people: plain text for a terminal or a CI log, and markdown for a pull
// request's description. Both list breaking changes first, each with the consumer's call sites
// when there are some. The JSON output is the DiffReport itself.
import type { ApiChange, ClientDiff, DiffReport, Impact } from "./changes.js";

const ORDER: Impact[] = ["breaking", "deprecated", "additive"];
const HEADINGS: Record<Impact, string> = { breaking: "Breaking", deprecated: "Deprecated", additive: "Added" };
/** Additions beyond this many per client are summed up in one line (GitHub adds hundreds at a time). */
const ADDITIVE_SHOWN = 30;

function counts(summary: Record<Impact, number>): string {
  return `${summary.breaking} breaking, ${summary.deprecated} deprecated, ${summary.additive} additive`;
}

function shown(client: ClientDiff, impact: Impact): { list: ApiChange[]; hidden: number } {
  const all = client.changes.filter((c) => c.impact === impact);
  const limit = impact === "additive" ? ADDITIVE_SHOWN : Infinity;
  return { list: all.slice(0, limit), hidden: Math.max(0, all.length - limit) };
}

export function textReport(report: DiffReport): string {
  const out: string[] = [];
  for (const client of report.clients) {
    out.push(`${client.id} (${client.dir}): ${client.existed ? counts(client.summary) : `new client, ${client.summary.additive} methods`}`);
    if (!client.existed) continue;
    for (const impact of ORDER) {
      const { list, hidden } = shown(client, impact);
      for (const change of list) {
        out.push(`  ${impact.padEnd(10)} ${change.message}`);
        for (const site of change.callSites ?? []) out.push(`             used at ${site.file}:${site.line}:${site.column}  ${site.text}`);
      }
      if (hidden) out.push(`  ${impact.padEnd(10)} …and ${hidden} more`);
    }
  }
  if (report.clients.length > 1) out.push(`Total: ${counts(report.summary)}`);
  return out.join("\n") + "\n";
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function markdownReport(report: DiffReport): string {
  const out: string[] = [`## API changes from regenerating the clients`, "", `${counts(report.summary)}.`];
  for (const client of report.clients) {
    out.push("", `### \`${client.id}\``, "");
    if (!client.existed) {
      out.push(`A new client with ${client.summary.additive} methods.`);
      continue;
    }
    if (!client.changes.length) {
      out.push("No change to the public API.");
      continue;
    }
    out.push(`${counts(client.summary)}.`);
    for (const impact of ORDER) {
      const { list, hidden } = shown(client, impact);
      if (!list.length) continue;
      const withSites = impact !== "additive";
      out.push("", `#### ${HEADINGS[impact]}`, "", withSites ? "| Method | Change | Your code |" : "| Method | Change |", withSites ? "| --- | --- | --- |" : "| --- | --- |");
      for (const change of list) {
        const message = cell(change.message.replace(`\`${change.method}\`: `, ""));
        const sites = (change.callSites ?? []).map((s) => `\`${s.file}:${s.line}\``).join("<br>");
        out.push(withSites ? `| \`${change.method}\` | ${message} | ${sites || "—"} |` : `| \`${change.method}\` | ${message} |`);
      }
      if (hidden) out.push("", `…and ${hidden} more.`);
    }
  }
  return out.join("\n") + "\n";
}

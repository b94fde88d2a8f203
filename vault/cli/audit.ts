import type { Command } from "commander";
import { streamAudit, verifyAudit, type AuditQuery } from "../admin/audit.js";
import type { AuditRow } from "../audit/writer.js";
import type { AuditReport } from "../audit/verify.js";
import { action, out, parseDuration, usage, vaultAt, withData, type DataFlags } from "./common.js";
import { LineOut, OutputClosed, StreamingTable } from "./stream-out.js";
import { flagValue } from "../quote.js";

export interface AuditFlags extends DataFlags {
  grant?: string;
  run?: string;
  key?: string;
  action?: string;
  since?: string;
  until?: string;
  limit?: string;
  cursor?: string;
  reverse?: boolean;
  json?: boolean;
}

const HEAD = ["SEQ", "TIME", "ACTION", "OUTCOME", "STATUS", "GRANT", "PROVIDER", "CALLER", "METHOD", "URL", "ERROR"];

export function registerAudit(vault: Command): void {
  const audit = withData(
    vault
      .command("audit")
      .description("print the audit log (append-only, hash-chained), newest rows first")
      .addHelpText("after", "\nEach filter is answered from an index. With --limit, the cursor of the next page is printed on stderr.\nSee also: alter-gen vault audit verify"),
  )
    .option("--grant <id>", "only rows about this grant")
    .option("--run <id>", "only rows of this agent run (the runId of the audit context)")
    .option("--key <keyId>", "only rows of requests signed with (or naming) this API key id")
    .option("--action <action>", "only rows of this action (credential.retrieve, proxy.call, request.refused, admin, …)")
    .option("--since <when>", "rows at or after: ISO date-time, or a duration back from now (30m, 12h, 7d)")
    .option("--until <when>", "rows before: ISO date-time, or a duration back from now")
    .option("--limit <n>", "at most this many rows (a page)")
    .option("--cursor <seq>", "continue after this row: the cursor printed for the previous page")
    .option("--reverse", "oldest rows first (log order)")
    .option("--json", "print JSON lines, one row per line")
    .action(action(async (flags: AuditFlags) => printAudit(flags)));

  audit
    .command("verify")
    .description("check the audit log's hash chain and its signed checkpoint; report the first broken link (exit code 1)")
    .option("--json", "print the report as JSON")
    .addHelpText("after", "\nThe data folder is `vault audit --data <dir>` (given before or after `verify`).")
    .action(
      action(async (flags: { json?: boolean }, cmd: Command) => {
        // --data belongs to `vault audit` (commander parses it there, before or after `verify`).
        const report = await verifyAudit(vaultAt(cmd.optsWithGlobals() as DataFlags));
        if (flags.json) out(JSON.stringify(report, null, 2));
        else out(describeReport(report));
        if (report.firstBroken) process.exitCode = 1;
      }),
    );
}

function when(text: string, flag: string): string {
  if (/^\d+\s*[smhd]?$/.test(text)) return new Date(Date.now() - parseDuration(text, flag) * 1000).toISOString();
  if (!Number.isNaN(Date.parse(text))) return new Date(text).toISOString();
  usage(`${flagValue(flag, text)} is neither an ISO date-time nor a duration such as 12h.`);
}

/** The query a set of `vault audit` flags asks for (bad values exit 2 naming the flag). */
export function auditQueryFromFlags(flags: AuditFlags): AuditQuery {
  if (flags.limit !== undefined && !/^[1-9]\d*$/.test(flags.limit)) usage(`${flagValue("--limit", flags.limit)} must be a positive integer.`);
  // A row number on SQLite; on PostgreSQL (every chain, by time) one opaque word.
  if (flags.cursor !== undefined && !/^[A-Za-z0-9_-]+$/.test(flags.cursor)) usage(`${flagValue("--cursor", flags.cursor)} must be the cursor printed for the previous page.`);
  const q: AuditQuery = { order: flags.reverse ? "oldest-first" : "newest-first" };
  if (flags.grant) q.grantId = flags.grant;
  if (flags.run) q.runId = flags.run;
  if (flags.key) q.keyId = flags.key;
  if (flags.action) q.action = flags.action;
  if (flags.since !== undefined) q.since = when(flags.since, "--since");
  if (flags.until !== undefined) q.until = when(flags.until, "--until");
  if (flags.limit) q.limit = Number(flags.limit);
  if (flags.cursor) q.cursor = /^\d+$/.test(flags.cursor) ? Number(flags.cursor) : flags.cursor;
  return q;
}

async function printAudit(flags: AuditFlags): Promise<void> {
  const q = auditQueryFromFlags(flags);
  const lines = new LineOut();
  const table = flags.json ? undefined : new StreamingTable(HEAD, lines);
  let page: { nextCursor: number | string | null };
  try {
    page = await streamAudit({ ...vaultAt(flags), ...q }, (r) => (table ? table.row(cells(r)) : lines.line(JSON.stringify(r))));
    await (table ? table.end() : lines.flush());
  } catch (e) {
    if (e instanceof OutputClosed) return;
    throw e;
  }
  if (page.nextCursor !== null) process.stderr.write(`next page: --cursor ${page.nextCursor}\n`);
}

function cells(r: AuditRow): string[] {
  const caller = r.caller ? `${r.caller}${r.callerType ? ` (${r.callerType})` : ""}` : "";
  return [r.chain ? `${r.chain}:${r.seq}` : String(r.seq), r.time, r.action, r.outcome, r.status === null ? "" : String(r.status), r.grantId ?? "", r.provider ?? "", caller, r.method ?? "", r.url ?? "", r.errorCode ?? ""];
}

function describeReport(r: AuditReport): string {
  const lines = r.chains
    ? [`${r.rows} rows in ${r.chains.length} chain(s):`, ...r.chains.map((c) => `  chain "${c.chain}": ${headLine(c)}`)]
    : [headLine(r)];
  if (r.unattested > 0) lines.push(`${r.unattested} row(s) after the last checkpoint (normal only right after a crash).`);
  for (const o of r.overrides) lines.push(`Damage accepted by an operator at row ${o.seq} (${o.time}): ${o.problemCount} problem(s), listed in that row.`);
  if (r.firstBroken) lines.push(`BROKEN: first broken link at row ${r.firstBroken.seq}: ${r.firstBroken.message}.`);
  else lines.push(`OK: every row links to the one before it and the checkpoint matches${r.chains ? " (each chain)" : ""}.`);
  for (const p of r.problems) {
    lines.push(`  ${p.acknowledgedBy !== undefined ? `accepted by row ${p.acknowledgedBy}` : "open"}  ${p.kind}  ${p.message}`);
  }
  if (r.problems.length < r.acknowledged + r.unacknowledged) lines.push(`  … ${r.acknowledged + r.unacknowledged - r.problems.length} more`);
  return lines.join("\n");
}

function headLine(r: AuditReport): string {
  return `${r.rows} rows, last row ${r.head.seq}; checkpoint: ${r.checkpoint ? `row ${r.checkpoint.seq} (${r.checkpoint.time})` : "none"}.`;
}

import type { Command } from "commander";
import { readAudit } from "../admin/audit.js";
import { action, out, parseDuration, table, usage, withData, type DataFlags } from "./common.js";
import { flagValue } from "../quote.js";

export function registerAudit(vault: Command): void {
  withData(vault.command("audit").description("print the audit log (append-only)"))
    .option("--grant <id>", "only rows about this grant")
    .option("--since <when>", "ISO date-time, or a duration back from now (30m, 12h, 7d)")
    .option("--limit <n>", "at most this many rows")
    .option("--json", "print JSON lines")
    .action(
      action(async (flags: DataFlags & { grant?: string; since?: string; limit?: string; json?: boolean }) => {
        let since: string | undefined;
        if (flags.since !== undefined) {
          if (/^\d+\s*[smhd]?$/.test(flags.since)) since = new Date(Date.now() - parseDuration(flags.since, "--since") * 1000).toISOString();
          else if (!Number.isNaN(Date.parse(flags.since))) since = new Date(flags.since).toISOString();
          else usage(`${flagValue("--since", flags.since)} is neither an ISO date-time nor a duration such as 12h.`);
        }
        if (flags.limit !== undefined && !/^[1-9]\d*$/.test(flags.limit)) usage(`${flagValue("--limit", flags.limit)} must be a positive integer.`);
        const rows = await readAudit({
          dataDir: flags.data,
          ...(flags.grant ? { grantId: flags.grant } : {}),
          ...(since ? { since } : {}),
          ...(flags.limit ? { limit: Number(flags.limit) } : {}),
        });
        if (flags.json) {
          for (const r of rows) out(JSON.stringify(r));
          return;
        }
        out(
          table(
            ["TIME", "ACTION", "OUTCOME", "STATUS", "GRANT", "PROVIDER", "CALLER", "METHOD", "URL", "ERROR"],
            rows.map((r) => [r.time, r.action, r.outcome, r.status === null ? "" : String(r.status), r.grantId ?? "", r.provider ?? "", r.caller ? `${r.caller}${r.callerType ? ` (${r.callerType})` : ""}` : "", r.method ?? "", r.url ?? "", r.errorCode ?? ""]),
          ),
        );
      }),
    );
}

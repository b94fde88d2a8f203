import type { Command } from "commander";
import { approve, approverLink, deny, listApprovals } from "../admin/approvals.js";
import type { ApprovalStatus } from "../approvals/store.js";
import { action, out, table, usage, withData, type DataFlags } from "./common.js";
import { flagValue } from "../quote.js";

const STATUSES = ["pending", "approved", "denied", "expired", "executing", "executed", "failed"];

export function registerApprovals(vault: Command): void {
  const approvals = vault.command("approvals").description("calls waiting for a person's approval (proxy mode)");
  withData(approvals.command("list").description("list approvals (pending first)"))
    .option("--status <status>", STATUSES.join(", "))
    .option("--json", "print JSON")
    .action(
      action(async (flags: DataFlags & { status?: string; json?: boolean }) => {
        if (flags.status && !STATUSES.includes(flags.status)) usage(`${flagValue("--status", flags.status)} must be one of ${STATUSES.join(", ")}.`);
        const rows = await listApprovals({ dataDir: flags.data, ...(flags.status ? { status: flags.status as ApprovalStatus } : {}) });
        if (flags.json) return out(JSON.stringify(rows, null, 2));
        out(
          table(
            ["APPROVAL", "STATUS", "REQUEST", "CALLER", "REASON", "EXPIRES"],
            rows.map((a) => [a.id, a.status, `${a.method} ${a.urlRedacted}`, a.context.caller ?? "", a.context.reason ?? "", a.expiresAt]),
          ),
        );
      }),
    );
  withData(approvals.command("approve").description("approve a pending call; it runs once, now"))
    .argument("<approvalId>")
    .action(
      action(async (id: string, flags: DataFlags) => {
        const a = await approve({ dataDir: flags.data, approvalId: id });
        out(`Approval ${a.id}: ${a.status}${a.errorCode ? ` (${a.errorCode})` : ""}.`);
      }),
    );
  withData(approvals.command("link").description("print the approver link of a pending call (give it only to the person who decides)"))
    .argument("<approvalId>")
    .option("--base-url <url>", "the address people reach the vault at (default: the running server's)")
    .action(
      action(async (id: string, flags: DataFlags & { baseUrl?: string }) => {
        out(await approverLink({ dataDir: flags.data, approvalId: id, baseUrl: flags.baseUrl }));
      }),
    );
  withData(approvals.command("deny").description("deny a pending call"))
    .argument("<approvalId>")
    .action(
      action(async (id: string, flags: DataFlags) => {
        const a = await deny({ dataDir: flags.data, approvalId: id });
        out(`Approval ${a.id}: ${a.status}.`);
      }),
    );
}

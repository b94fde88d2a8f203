import type { Command } from "commander";
import { approveWithOutcome, approverLink, clearApprovalWebhook, deny, listApprovals, setApprovalWebhook, showApproval, showApprovalWebhook } from "../admin/approvals.js";
import { outcomeLine, reviewText } from "./approval-text.js";
import type { ApprovalStatus } from "../approvals/store.js";
import { action, out, table, usage, vaultAt, withData, type DataFlags } from "./common.js";
import { flagValue } from "../quote.js";

const STATUSES = ["pending", "approved", "denied", "expired", "executing", "executed", "failed"];

export function registerApprovals(vault: Command): void {
  const approvals = vault.command("approvals").description("calls waiting for a person's approval (proxy mode)");
  const webhook = approvals.command("webhook").description("where the vault announces each new approval (signed as Standard Webhooks are)");
  withData(webhook.command("set").description("announce every new approval to this URL (https, or http to loopback); prints the signing secret once"))
    .argument("<url>")
    .action(
      action(async (url: string, flags: DataFlags) => {
        const { shown, secret } = await setApprovalWebhook({ ...vaultAt(flags), url });
        // The URL can carry a token (Slack, Teams): only its origin is printed.
        out(`Approvals will be announced to ${shown}.`);
        out(`Signing secret (shown once; verify webhook-signature with it): ${secret}`);
      }),
    );
  withData(webhook.command("show").description("the webhook's origin, its path masked (never the whole URL or its secret)")).action(
    action(async (flags: DataFlags) => {
      const hook = await showApprovalWebhook({ ...vaultAt(flags) });
      out(hook ? `Approvals are announced to ${hook.shown} (set ${hook.createdAt}).` : "No approval webhook is set.");
    }),
  );
  withData(webhook.command("clear").description("stop announcing approvals")).action(
    action(async (flags: DataFlags) => {
      out((await clearApprovalWebhook({ ...vaultAt(flags) })) ? "The approval webhook is removed." : "No approval webhook was set.");
    }),
  );
  withData(approvals.command("list").description("list approvals (pending first)"))
    .option("--status <status>", STATUSES.join(", "))
    .option("--json", "print JSON")
    .action(
      action(async (flags: DataFlags & { status?: string; json?: boolean }) => {
        if (flags.status && !STATUSES.includes(flags.status)) usage(`${flagValue("--status", flags.status)} must be one of ${STATUSES.join(", ")}.`);
        const rows = await listApprovals({ ...vaultAt(flags), ...(flags.status ? { status: flags.status as ApprovalStatus } : {}) });
        if (flags.json) return out(JSON.stringify(rows, null, 2));
        out(
          table(
            ["APPROVAL", "STATUS", "REQUEST", "CALLER (STATED)", "REASON (STATED)", "EXPIRES"],
            rows.map((a) => [a.id, a.status, `${a.method} ${a.urlRedacted}`, a.context.caller ?? "", a.context.reason ?? "", a.expiresAt]),
          ),
        );
      }),
    );
  withData(approvals.command("show").description("show exactly what a call would send (what the approver's page shows) and its review hash"))
    .argument("<approvalId>")
    .option("--json", "print JSON")
    .action(
      action(async (id: string, flags: DataFlags & { json?: boolean }) => {
        const { approval, review, hash } = await showApproval({ ...vaultAt(flags), approvalId: id });
        if (flags.json) return out(JSON.stringify({ status: approval.status, review, reviewSha256: hash }, null, 2));
        out(`Approval ${approval.id}: ${approval.status}\n`);
        out(reviewText(review, hash));
      }),
    );
  withData(approvals.command("approve").description("approve a pending call; it runs once, now"))
    .argument("<approvalId>")
    .option("--expect-hash <sha256>", "refuse unless the call is still the one `approvals show` printed with this review hash")
    .action(
      action(async (id: string, flags: DataFlags & { expectHash?: string }) => {
        const { approval, outcome } = await approveWithOutcome({ ...vaultAt(flags), approvalId: id, ...(flags.expectHash ? { expectHash: flags.expectHash } : {}) });
        out(outcomeLine(approval.id, outcome));
      }),
    );
  withData(approvals.command("link").description("print the approver link of a pending call (give it only to the person who decides)"))
    .argument("<approvalId>")
    .option("--base-url <url>", "the address people reach the vault at (default: the running server's)")
    .option("--approver <name>", "a link for this named person, who decides without signing in at the app's IDP (for approvers who are not its users; audited)")
    .action(
      action(async (id: string, flags: DataFlags & { baseUrl?: string; approver?: string }) => {
        out(await approverLink({ ...vaultAt(flags), approvalId: id, baseUrl: flags.baseUrl, ...(flags.approver !== undefined ? { approver: flags.approver } : {}) }));
      }),
    );
  withData(approvals.command("deny").description("deny a pending call"))
    .argument("<approvalId>")
    .action(
      action(async (id: string, flags: DataFlags) => {
        const a = await deny({ ...vaultAt(flags), approvalId: id });
        out(`Approval ${a.id}: ${a.status}.`);
      }),
    );
}

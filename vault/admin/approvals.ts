// Approvals from the command line: list, approve (runs the stored request once), deny.
import { approveAndRun, denyApproval, loadReview, outcomeOf } from "../approvals/execute.js";
import type { ApprovalReview } from "../approvals/review.js";
import { approverToken, currentApproval, listApprovalRows, type ApprovalRecord, type ApprovalStatus } from "../approvals/store.js";
import type { ApprovalOutcome } from "../approvals/outcome.js";
import { servedUrl } from "./served-url.js";
import { VaultUsageError } from "../errors.js";
import { auditAdmin, withVault, type AdminOptions } from "./open.js";
import { deleteWebhook, getWebhook, newWebhookSecret, saveWebhook, shownWebhookUrl, type ApprovalWebhook } from "../approvals/webhook-store.js";
import { webhookUrlProblem } from "../approvals/webhook.js";
import { quoted } from "../quote.js";
import { MAX_APPROVER_NAME_CHARS, mintNamedApprover } from "../approvals/approver-session.js";
import { deciderDetails } from "../approvals/decider-rules.js";

/** The deciding identity of a decision made from the command line (decider-rules.ts: operators always may). */
const BY_OPERATOR = deciderDetails({ decider: { kind: "operator", via: "cli" }, grant: undefined, owner: undefined }, "operator");

export async function listApprovals(opts: AdminOptions & { status?: ApprovalStatus } = {}): Promise<ApprovalRecord[]> {
  return withVault(opts, async (s) => {
    await s.store.approvals.expireDue(s.app.id, s.now());
    return listApprovalRows(s.store, s.app.id, opts.status);
  });
}

/** What an approver decides on (the page shows the same) and its SHA-256. */
export async function showApproval(opts: AdminOptions & { approvalId: string }): Promise<{ approval: ApprovalRecord; review: ApprovalReview; hash: string }> {
  return withVault(opts, (s) => loadReview(s, s.app, opts.approvalId));
}

type ApproveOptions = AdminOptions & { approvalId: string; by?: string; expectHash?: string };

/** Approves and runs once. With `expectHash` (from `showApproval`), refused unless the request
 *  that would run is still the one reviewed. */
export async function approve(opts: ApproveOptions): Promise<ApprovalRecord> {
  return withVault(opts, (s) => approveAndRun(s, s.app, opts.approvalId, opts.by ?? "cli", opts.expectHash, BY_OPERATOR));
}

/** `approve`, and what became of the call (the approver's page says the same): ran and accepted,
 *  ran and refused by the provider (non-2xx, or the catalog's okField false), or did not run and why. */
export async function approveWithOutcome(opts: ApproveOptions): Promise<{ approval: ApprovalRecord; outcome: ApprovalOutcome }> {
  return withVault(opts, async (s) => {
    const approval = await approveAndRun(s, s.app, opts.approvalId, opts.by ?? "cli", opts.expectHash, BY_OPERATOR);
    return { approval, outcome: await outcomeOf(s, approval) };
  });
}

export async function deny(opts: AdminOptions & { approvalId: string; by?: string }): Promise<ApprovalRecord> {
  return withVault(opts, async (s) => denyApproval(s, s.app, opts.approvalId, opts.by ?? "cli", BY_OPERATOR));
}

/**
 * The approver link of a pending approval: the page where a person approves or denies it. For
 * operators only (it needs the master key); the SDK caller gets a status-only URL. The base URL
 * is the running server's unless given.
 */
export async function approverLink(opts: AdminOptions & { approvalId: string; baseUrl?: string; approver?: string }): Promise<string> {
  const named = opts.approver?.trim();
  if (named !== undefined && (named === "" || named.length > MAX_APPROVER_NAME_CHARS || /[\u0000-\u001f\u007f]/.test(named))) {
    throw new VaultUsageError(`--approver must be a person's name of 1 to ${MAX_APPROVER_NAME_CHARS} characters, with no control characters.`);
  }
  return withVault(opts, async (s) => {
    const a = (await currentApproval(s.store, opts.approvalId, s.now()))?.approval;
    if (!a || a.appId !== s.app.id) throw new VaultUsageError(`No approval ${opts.approvalId} in this vault.`);
    if (a.status !== "pending") throw new VaultUsageError(`Approval ${a.id} is ${a.status}; only a pending approval has an approver link.`);
    const token = await approverToken(s.store, s.crypto, a.id);
    if (!token) throw new VaultUsageError(`Approval ${a.id} predates approver links; approve it with \`vault approvals approve ${a.id}\`.`);
    const base = opts.baseUrl ?? (await servedUrl(s));
    if (!base) throw new VaultUsageError("No vault is serving this data folder (on PostgreSQL: no instance was started with --public-url); pass --base-url with the address people reach it at.");
    const link = `${base.replace(/\/$/, "")}/approvals/${a.id}?token=${token}`;
    if (named === undefined) return link;
    // Issuing a link that decides without IDP sign-in is itself an audited act.
    auditAdmin(s, "approvals link --approver", { grantId: a.grantId, provider: a.provider, details: { approvalId: a.id, approver: named } });
    return `${link}&named=${mintNamedApprover(s.crypto, a.id, token, named)}`;
  });
}

/**
 * Sets the app's approval webhook (replacing any): every new approval is announced there, signed
 * with the secret returned here, once. https, or http to a loopback address only.
 */
export async function setApprovalWebhook(opts: AdminOptions & { url: string }): Promise<{ shown: string; secret: string }> {
  const problem = webhookUrlProblem(opts.url);
  // The URL may carry a token in its path: errors name it by its masked form only.
  if (problem) throw new VaultUsageError(`The webhook URL ${quoted(shownWebhookUrl(opts.url))} ${problem}.`);
  return withVault(opts, async (s) => {
    const secret = newWebhookSecret();
    await s.store.sql.transaction(async (tx) => {
      await saveWebhook(s.store, s.crypto, s.app.id, opts.url, secret, s.now(), tx);
      // The audit row joins this transaction: the change and its row commit together, or neither.
      auditAdmin(s, "approvals webhook set", { details: { host: new URL(opts.url).host } });
    });
    return { shown: shownWebhookUrl(opts.url), secret };
  });
}

export async function showApprovalWebhook(opts: AdminOptions = {}): Promise<ApprovalWebhook | undefined> {
  return withVault(opts, (s) => getWebhook(s.store, s.crypto, s.app.id));
}

export async function clearApprovalWebhook(opts: AdminOptions = {}): Promise<boolean> {
  return withVault(opts, (s) =>
    s.store.sql.transaction(async (tx) => {
      const removed = await deleteWebhook(s.store, s.app.id, tx);
      // The audit row joins this transaction: the change and its row commit together, or neither.
      if (removed) auditAdmin(s, "approvals webhook clear");
      return removed;
    }),
  );
}

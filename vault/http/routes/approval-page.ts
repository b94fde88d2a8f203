// The browser page where a person approves or denies a pending call. Deciding needs the token of
// the approver link (valid until the decision), which only operators can print; the form also
// carries a CSRF token derived from that link token (an HMAC under the master key), so every view
// of the link carries the same valid token: a second tab or a chat app's link preview never
// invalidates the page a person is about to press. The form carries the SHA-256 of the review it
// showed too, and the decision is refused when what would run no longer matches it. Once decided,
// the link shows what became of the call; a second decision answers 409 saying what was decided.
// Without a token the page shows the status only.
import { timingSafeEqual } from "node:crypto";
import type { RouteContext, RouteDef, RouteResult } from "../context.js";
import { approverTokenHash, expireIfDue, getApproval, openApprovalResult, tokenMatches, type ApprovalRecord } from "../../approvals/store.js";
import { approveAndRun, blockedCode, currentReview, denyApproval, loadReview, ReviewMismatchError } from "../../approvals/execute.js";
import { approvalOutcome } from "../../approvals/outcome.js";
import { visible } from "../../approvals/review.js";
import { approvalErrorPage, approvalPage, approvalStatusPage, approvalWaitingPage, type ReviewLabels } from "../pages/approval.js";
import { pageFrame } from "../pages/layout.js";
import { operationSummary } from "../pages/provider-docs.js";
import { getApp } from "../../storage/apps.js";
import { VaultUsageError } from "../../errors.js";

const forbidden = (ctx: RouteContext): RouteResult => ({
  status: 403,
  html: approvalErrorPage(pageFrame(ctx), "This link does not work", "This approval link is not valid, or the form did not come from it."),
});

/** The CSRF token of every view of one approver link (stable until the decision). */
const csrfFor = (ctx: RouteContext, id: string, pageToken: string) => ctx.crypto.mac("approval-page-csrf", `${id}\n${pageToken}`);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function authorize(ctx: RouteContext, token: string | null | undefined) {
  const id = ctx.params.id!;
  expireIfDue(ctx.db, id, ctx.now());
  const a = getApproval(ctx.db, id);
  const hash = approverTokenHash(ctx.db, id);
  if (!a || !hash || !token || !tokenMatches(token, hash)) return undefined;
  const app = getApp(ctx.db, a.appId);
  return app ? { a, app } : undefined;
}

function labels(ctx: RouteContext, a: ApprovalRecord): ReviewLabels {
  const provider = ctx.vault.catalogProvider(a.provider);
  const operationId = a.operationId ?? a.context.operationId ?? null;
  return { providerName: provider?.name ?? a.provider, summary: provider && operationId ? operationSummary(provider, operationId) : null };
}

function finished(ctx: RouteContext, a: ApprovalRecord, status: number, note?: string): RouteResult {
  const result = a.status === "executed" ? openApprovalResult(ctx.db, ctx.crypto, a.id) : null;
  const outcome = approvalOutcome(a, result, ctx.vault.catalogProvider(a.provider)?.okField);
  return { status, html: approvalStatusPage(pageFrame(ctx), a, outcome, currentReview(ctx, a), labels(ctx, a), note) };
}

function show(ctx: RouteContext): RouteResult {
  const token = ctx.url.searchParams.get("token");
  if (token === null) return statusOnly(ctx);
  const found = authorize(ctx, token);
  if (!found) return forbidden(ctx);
  const { a, app } = found;
  if (a.status !== "pending") return finished(ctx, a, 200);
  const { review, hash } = loadReview(ctx.vault, app, a.id);
  const form = { hash, pageToken: token, csrf: csrfFor(ctx, a.id, token), blocked: blockedCode(ctx, a) };
  return { status: 200, html: approvalPage(pageFrame(ctx), review, labels(ctx, a), form) };
}

/** What the SDK's approvalUrl shows: the status, and how an operator decides. */
function statusOnly(ctx: RouteContext): RouteResult {
  const id = ctx.params.id!;
  expireIfDue(ctx.db, id, ctx.now());
  const a = getApproval(ctx.db, id);
  if (!a) return { status: 404, html: approvalErrorPage(pageFrame(ctx), "No such approval", "There is no approval with this id.", "Check the link, or ask the app for it again.") };
  const result = a.status === "executed" ? openApprovalResult(ctx.db, ctx.crypto, a.id) : null;
  const outcome = approvalOutcome(a, result, ctx.vault.catalogProvider(a.provider)?.okField);
  return { status: 200, html: approvalWaitingPage(pageFrame(ctx), a, outcome, labels(ctx, a)) };
}

const MAX_APPROVER_CHARS = 100;

async function decideRoute(ctx: RouteContext): Promise<RouteResult> {
  const form = ctx.form;
  const token = form?.get("token");
  const found = authorize(ctx, token);
  if (!found || !form || !token) return forbidden(ctx);
  const { a, app } = found;
  // A form posted from another site would carry a foreign Origin; browsers always send it on POST.
  const origin = ctx.req.headers.origin;
  if (origin !== undefined && origin !== "null" && origin !== ctx.url.origin) return forbidden(ctx);
  const csrf = form.get("csrf");
  if (!csrf || !sameToken(csrf, csrfFor(ctx, a.id, token))) return forbidden(ctx);
  if (a.status !== "pending") return finished(ctx, a, 409, "This call was already decided; nothing was changed.");
  const decision = form.get("decision");
  const bad = (message: string) => ({ status: 400, html: approvalErrorPage(pageFrame(ctx), "Nothing was decided", message, "Go back, reload the page and try again.") });
  if (decision !== "approve" && decision !== "deny") return bad("Choose Approve or Deny.");
  const shown = form.get("shown");
  if (decision === "approve" && !shown) return bad("The decision does not say which review it approves.");
  const approver = visible((form.get("approver") ?? "").trim(), false);
  if (approver === "" || approver.length > MAX_APPROVER_CHARS) return bad(`Give your name (1 to ${MAX_APPROVER_CHARS} characters): it is recorded with your decision.`);
  const by = `${approver} (name given on the approval page)`;
  try {
    const after = decision === "approve" ? await approveAndRun(ctx.vault, app, a.id, by, shown!) : denyApproval(ctx.vault, app, a.id, by);
    return finished(ctx, after, 200);
  } catch (e) {
    if (e instanceof ReviewMismatchError) {
      return finished(ctx, getApproval(ctx.db, a.id)!, 409, "Nothing was decided: the request that would run differs from the one this page showed. Reload the page and review it again.");
    }
    if (e instanceof VaultUsageError) return finished(ctx, getApproval(ctx.db, a.id)!, 409, "This call was already decided; nothing was changed.");
    throw e;
  }
}

export const approvalPageRoutes: RouteDef[] = [
  { method: "GET", path: "/approvals/:id", auth: "browser", handler: show },
  { method: "POST", path: "/approvals/:id/decision", auth: "browser", handler: decideRoute },
];

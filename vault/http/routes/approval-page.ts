// The browser page where a person approves or denies a pending call. Deciding needs the token of
// the approver link (valid until the decision), which only operators can print; the form also
// carries a CSRF token minted for that page view and the SHA-256 of the review it showed, and the
// decision is refused when what would run no longer matches it. Without a token the page shows
// the status only.
import { randomBytes } from "node:crypto";
import type { UnsignedContext, RouteDef, RouteResult } from "../context.js";
import { approvalTokens, expireIfDue, getApproval, hashToken, setCsrfHash, tokenMatches } from "../../approvals/store.js";
import { approveAndRun, currentReview, denyApproval, loadReview, ReviewMismatchError } from "../../approvals/execute.js";
import { approvalErrorPage, approvalPage, approvalStatusPage, approvalWaitingPage } from "../pages/approval.js";
import { getApp } from "../../storage/apps.js";
import { VaultUsageError } from "../../errors.js";

const forbidden = (): RouteResult => ({ status: 403, html: approvalErrorPage("Link not valid", "This approval link is not valid. Ask for a new link.") });

function authorize(ctx: UnsignedContext, token: string | null | undefined) {
  const id = ctx.params.id!;
  expireIfDue(ctx.db, id, ctx.now());
  const a = getApproval(ctx.db, id);
  const t = approvalTokens(ctx.db, id);
  if (!a || !t || !token || !tokenMatches(token, t.page)) return undefined;
  const app = getApp(ctx.db, a.appId);
  return app ? { a, t, app } : undefined;
}

function show(ctx: UnsignedContext): RouteResult {
  const token = ctx.url.searchParams.get("token");
  if (token === null) return statusOnly(ctx);
  const found = authorize(ctx, token);
  if (!found) return forbidden();
  const { a, app } = found;
  if (a.status !== "pending") return { status: 200, html: approvalStatusPage(a, currentReview(ctx.vault, a)) };
  const { review, hash } = loadReview(ctx.vault, app, a.id);
  const csrf = randomBytes(24).toString("base64url");
  setCsrfHash(ctx.db, a.id, hashToken(csrf));
  return { status: 200, html: approvalPage(review, hash, token, csrf) };
}

/** What the SDK's approvalUrl shows: the status, and how an operator decides. */
function statusOnly(ctx: UnsignedContext): RouteResult {
  const id = ctx.params.id!;
  expireIfDue(ctx.db, id, ctx.now());
  const a = getApproval(ctx.db, id);
  if (!a) return { status: 404, html: approvalErrorPage("Not found", "There is no approval with this id.") };
  return { status: 200, html: approvalWaitingPage(a) };
}

async function decideRoute(ctx: UnsignedContext): Promise<RouteResult> {
  const form = ctx.form;
  const found = authorize(ctx, form?.get("token"));
  if (!found || !form) return forbidden();
  const { a, t, app } = found;
  // A form posted from another site would carry a foreign Origin; browsers always send it on POST.
  const origin = ctx.req.headers.origin;
  if (origin !== undefined && origin !== "null" && origin !== ctx.url.origin) return forbidden();
  const csrf = form.get("csrf");
  if (!csrf || !tokenMatches(csrf, t.csrf)) return forbidden();
  const decision = form.get("decision");
  if (decision !== "approve" && decision !== "deny") return { status: 400, html: approvalErrorPage("Bad request", "Choose approve or deny.") };
  const shown = form.get("shown");
  if (decision === "approve" && !shown) return { status: 400, html: approvalErrorPage("Bad request", "The decision does not say which review it approves; reload the page.") };
  try {
    const after = decision === "approve" ? await approveAndRun(ctx.vault, app, a.id, "approval page", shown!) : denyApproval(ctx.vault, app, a.id, "approval page");
    const note = decision === "approve" ? "Approved; the call ran once." : "Denied; the call will not run.";
    return { status: 200, html: approvalStatusPage(after, currentReview(ctx.vault, after), note) };
  } catch (e) {
    if (e instanceof ReviewMismatchError) {
      return { status: 409, html: approvalStatusPage(getApproval(ctx.db, a.id)!, null, "Nothing was decided: the request that would run differs from the one this page showed. Reload the page and review it again.") };
    }
    if (e instanceof VaultUsageError) return { status: 409, html: approvalStatusPage(getApproval(ctx.db, a.id)!, null, "This approval was already decided.") };
    throw e;
  }
}

export const approvalPageRoutes: RouteDef[] = [
  { method: "GET", path: "/approvals/:id", auth: "browser", handler: show },
  { method: "POST", path: "/approvals/:id/decision", auth: "browser", handler: decideRoute },
];

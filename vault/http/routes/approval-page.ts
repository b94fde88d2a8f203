// The browser page where a person approves or denies a pending call. Deciding needs the token of
// the approver link (valid until the decision), which only operators can print; the form also
// carries a CSRF token derived from that link token (an HMAC under the master key), so every view
// of the link carries the same valid token: a second tab or a chat app's link preview never
// invalidates the page a person is about to press. The form carries the SHA-256 of the review it
// showed too, and the decision is refused when what would run no longer matches it. Once decided,
// the link shows what became of the call; a second decision answers 409 saying what was decided.
// Without a token the page shows the status only.
import { timingSafeEqual } from "node:crypto";
import type { UnsignedContext, RouteDef, RouteResult } from "../context.js";
import { currentApproval, getApproval, tokenMatches, type ApprovalRecord } from "../../approvals/store.js";
import { approveAndRun, blockedCode, currentReview, denyApproval, loadReview, outcomeOf, ReviewMismatchError } from "../../approvals/execute.js";
import { visible } from "../../approvals/review.js";
import { approvalErrorPage, approvalPage, approvalStatusPage, approvalWaitingPage, type ReviewLabels } from "../pages/approval.js";
import { pageFrame } from "../pages/layout.js";
import { operationSummary } from "../pages/provider-docs.js";
import { loadIdpConfig } from "../../identity/idp-config.js";
import { APPROVER_COOKIE, APPROVER_SESSION_MS, approverName, mintApproverCookie, readApproverCookie, readNamedApprover, type Approver } from "../../approvals/approver-session.js";
import { cookieValue } from "../../oauth/connect-confirmations.js";
import { judgeDecider, type Decider } from "../../approvals/decider-rules.js";
import { createAuthSession, loginRedirect, takeAuthToken } from "../../oauth/auth-sessions.js";
import { randomToken } from "../../oauth/pkce.js";
import { publicBase } from "../public-base.js";
import { VaultError, VaultUsageError } from "../../errors.js";

const forbidden = (ctx: UnsignedContext): RouteResult => ({
  status: 403,
  html: approvalErrorPage(pageFrame(ctx), "This link does not work", "This approval link is not valid, or the form did not come from it."),
});

/** The CSRF token of every view of one approver link (stable until the decision). */
const csrfFor = (ctx: UnsignedContext, id: string, pageToken: string) => ctx.crypto.mac("approval-page-csrf", `${id}\n${pageToken}`);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function authorize(ctx: UnsignedContext, token: string | null | undefined) {
  const id = ctx.params.id!;
  const found = await currentApproval(ctx.store, id, ctx.now());
  if (!found || !token || !tokenMatches(token, found.tokenHash)) return undefined;
  const a = found.approval;
  const app = await ctx.store.apps.get(a.appId);
  return app ? { a, app } : undefined;
}

function labels(ctx: UnsignedContext, a: ApprovalRecord): ReviewLabels {
  const provider = ctx.vault.catalogProvider(a.provider);
  const operationId = a.operationId ?? a.context.operationId ?? null;
  return { providerName: provider?.name ?? a.provider, summary: provider && operationId ? operationSummary(provider, operationId) : null };
}

async function finished(ctx: UnsignedContext, a: ApprovalRecord, status: number, note?: string): Promise<RouteResult> {
  const outcome = await outcomeOf(ctx.vault, a);
  return { status, html: approvalStatusPage(pageFrame(ctx), a, outcome, await currentReview(ctx.vault, a), labels(ctx, a), note) };
}

async function show(ctx: UnsignedContext): Promise<RouteResult> {
  const token = ctx.url.searchParams.get("token");
  if (token === null) return statusOnly(ctx);
  const found = await authorize(ctx, token);
  if (!found) return forbidden(ctx);
  const { a, app } = found;
  if (a.status !== "pending") return finished(ctx, a, 200);
  const { review, hash } = await loadReview(ctx.vault, app, a.id);
  const namedValue = ctx.url.searchParams.get("named");
  const named = readNamedApprover(ctx.crypto, namedValue, a.id, token);
  if (namedValue !== null && named === null) return forbidden(ctx);
  const approver = named !== null ? { named, value: namedValue! } : (await idpSignIn(ctx)) ? await signedInState(ctx, a) : null;
  const form = { hash, pageToken: token, csrf: csrfFor(ctx, a.id, token), blocked: await blockedCode(ctx, a), approver };
  return { status: 200, html: approvalPage(pageFrame(ctx), review, labels(ctx, a), form) };
}

/** What the SDK's approvalUrl shows: the status, and how an operator decides. */
async function statusOnly(ctx: UnsignedContext): Promise<RouteResult> {
  const id = ctx.params.id!;
  const a = (await currentApproval(ctx.store, id, ctx.now()))?.approval;
  if (!a) return { status: 404, html: approvalErrorPage(pageFrame(ctx), "No such approval", "There is no approval with this id.", "Check the link, or ask the app for it again.") };
  const outcome = await outcomeOf(ctx.vault, a);
  return { status: 200, html: approvalWaitingPage(pageFrame(ctx), a, outcome, labels(ctx, a)) };
}

const MAX_APPROVER_CHARS = 100;

/** The return marker an approver's sign-in carries: "approval:<id>:<link token>". */
export const APPROVER_RETURN = "approval:";

/** True when approvers sign in at the app's IDP (it has a login client), not type a name. */
const idpSignIn = async (ctx: UnsignedContext) => Boolean((await loadIdpConfig(ctx.store, ctx.app.id))?.clientId);

function signedInApprover(ctx: UnsignedContext, id: string): Approver | null {
  return readApproverCookie(ctx.crypto, cookieValue(ctx.req.headers.cookie, APPROVER_COOKIE), id, ctx.now());
}

/** Who signed in for this approval, and why they may not decide it (another user's grant). */
async function signedInState(ctx: UnsignedContext, a: ApprovalRecord): Promise<{ signedIn: string | null; refusal?: string }> {
  const who = signedInApprover(ctx, a.id);
  if (!who) return { signedIn: null };
  const { verdict } = await judgeDecider(ctx.store, a, { kind: "signed-in", approver: who });
  return { signedIn: who.label, ...(verdict.allowed ? {} : { refusal: verdict.why }) };
}

/** GET /approvals/:id/sign-in?token=…: off to the app's IDP, back to this approval. */
async function signIn(ctx: UnsignedContext): Promise<RouteResult> {
  const token = ctx.url.searchParams.get("token");
  const found = await authorize(ctx, token);
  if (!found || !token) return forbidden(ctx);
  try {
    const session = await createAuthSession(ctx, randomToken(24));
    return { status: 303, location: await loginRedirect(ctx, session, publicBase(ctx), `${APPROVER_RETURN}${found.a.id}:${token}`) };
  } catch (e) {
    if (e instanceof VaultError) return { status: 400, html: approvalErrorPage(pageFrame(ctx), "Signing in is not set up", e.message) };
    throw e;
  }
}

/** Of the person's groups, the one this approval's group grant names, if they are in it: all the
 *  decision needs, and a cookie stays small for a person in hundreds of groups. */
async function approvalGroupsOf(ctx: UnsignedContext, approvalId: string, issuer: string, subject: string): Promise<string[]> {
  const a = await getApproval(ctx.store, approvalId);
  const grant = a && (await ctx.store.grants.get(a.appId, a.grantId));
  if (grant?.principalType !== "group" || !grant.principalId) return [];
  const user = await ctx.store.users.find(ctx.app.id, issuer, subject);
  return user && (await ctx.store.users.groups(user.id)).includes(grant.principalId) ? [grant.principalId] : [];
}

/** The IDP sent the approver back (routes/auth.ts): remember who they are for this approval, with
 *  the issuer and the groups the vault recorded from the token they just signed in with (a group
 *  grant's approval is decided by its members only: decider-rules.ts). */
export async function approverSignedIn(ctx: UnsignedContext, o: { sessionId: string; subject: string; label: string; returnTo: string | null }): Promise<RouteResult> {
  // The sign-in's ID token is nobody's to collect: drop it now.
  await takeAuthToken(ctx, o.sessionId);
  const rest = (o.returnTo ?? "").slice(APPROVER_RETURN.length);
  const i = rest.indexOf(":");
  const id = rest.slice(0, i);
  const token = rest.slice(i + 1);
  const issuer = (await loadIdpConfig(ctx.store, ctx.app.id))?.issuer ?? "";
  const groups = await approvalGroupsOf(ctx, id, issuer, o.subject);
  const cookie = mintApproverCookie(ctx.crypto, { approvalId: id, label: o.label, subject: o.subject, issuer, groups, expiresAt: ctx.now() + APPROVER_SESSION_MS });
  const secure = publicBase(ctx).startsWith("https:") ? "; Secure" : "";
  return {
    status: 303,
    location: `/approvals/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`,
    // Lax: the way back from the IDP is a cross-site redirect chain, on which Strict is not sent.
    headers: { "set-cookie": `${APPROVER_COOKIE}=${cookie}; Path=/approvals/${encodeURIComponent(id)}; HttpOnly; SameSite=Lax; Max-Age=${APPROVER_SESSION_MS / 1000}${secure}` },
  };
}

async function decideRoute(ctx: UnsignedContext): Promise<RouteResult> {
  const form = ctx.form;
  const token = form?.get("token");
  const found = await authorize(ctx, token);
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
  let by: string;
  let decider: Decider;
  const named = readNamedApprover(ctx.crypto, form.get("named"), a.id, token);
  if (form.get("named") !== null && named === null) return forbidden(ctx);
  if (named !== null) {
    by = approverName({ named });
    decider = { kind: "operator", via: "named-link" };
  } else if (await idpSignIn(ctx)) {
    const who = signedInApprover(ctx, a.id);
    if (!who) return bad(`Sign in at ${ctx.app.name}'s identity provider first: your decision is recorded under your name.`);
    by = approverName(who);
    decider = { kind: "signed-in", approver: who };
  } else {
    const given = visible((form.get("approver") ?? "").trim(), false);
    if (given === "" || given.length > MAX_APPROVER_CHARS) return bad(`Give your name (1 to ${MAX_APPROVER_CHARS} characters): it is recorded with your decision.`);
    by = approverName({ given });
    decider = { kind: "named-on-page" };
  }
  const { verdict, audit: who } = await judgeDecider(ctx.store, a, decider);
  if (!verdict.allowed) {
    return { status: 403, html: approvalErrorPage(pageFrame(ctx), "You cannot decide this call", verdict.why, "Ask a person whose access the call uses, or an operator.") };
  }
  try {
    const after = decision === "approve" ? await approveAndRun(ctx.vault, app, a.id, by, shown!, who) : await denyApproval(ctx.vault, app, a.id, by, who);
    return finished(ctx, after, 200);
  } catch (e) {
    if (e instanceof ReviewMismatchError) {
      return finished(ctx, (await getApproval(ctx.store, a.id))!, 409, "Nothing was decided: the request that would run differs from the one this page showed. Reload the page and review it again.");
    }
    if (e instanceof VaultUsageError) return finished(ctx, (await getApproval(ctx.store, a.id))!, 409, "This call was already decided; nothing was changed.");
    throw e;
  }
}

export const approvalPageRoutes: RouteDef[] = [
  { method: "GET", path: "/approvals/:id", auth: "browser", handler: show },
  { method: "POST", path: "/approvals/:id/decision", auth: "browser", handler: decideRoute },
  { method: "GET", path: "/approvals/:id/sign-in", auth: "browser", handler: signIn },
];

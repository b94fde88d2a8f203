// Authenticate flow (docs/protocol.md): the SDK creates a session and polls it; the browser
// logs in at the app's IDP through the vault's /auth pages.
import type { RouteDef, RouteResult, SignedContext, UnsignedContext } from "../context.js";
import { VaultError } from "../../errors.js";
import { authSessionForPage, createAuthSession, getAuthSession, handleAuthCallback, loginRedirect, takeAuthToken, type AuthSession } from "../../oauth/auth-sessions.js";
import { randomToken } from "../../oauth/pkce.js";
import { advanceAuthDevice, startAuthDevice } from "../../oauth/auth-device.js";
import { parseFlow } from "../request-fields.js";
import { publicBase } from "../public-base.js";
import { authErrorPage, signedInPage } from "../pages/auth.js";
import { pageFrame } from "../pages/layout.js";
import { APPROVER_RETURN, approverSignedIn } from "./approval-page.js";

async function createSession(ctx: SignedContext): Promise<RouteResult> {
  const flow = parseFlow(ctx.body);
  const pageToken = randomToken(24);
  const session = await createAuthSession(ctx, pageToken);
  const loginUrl = `${publicBase(ctx)}/auth/${session.id}?state=${pageToken}`;
  const json: Record<string, unknown> = { sessionId: session.id, loginUrl, expiresAt: session.expiresAt };
  if (flow === "device") {
    // RFC 8628 at the IDP; without it the SDK prints loginUrl, and says why.
    const started = await startAuthDevice(ctx, session);
    json.device = started.prompt;
    json.deviceUnavailable = started.unavailable;
  }
  return { status: 201, json };
}

async function sessionStatus(ctx: SignedContext): Promise<RouteResult> {
  const id = ctx.params.id ?? "";
  const found = await getAuthSession(ctx.store, id, ctx.now());
  if (!found || found.appId !== ctx.app.id) throw new VaultError("not_found", "No sign-in session with this id.");
  // A headless sign-in advances as it is polled: the vault asks the IDP's token endpoint when due.
  await advanceAuthDevice(ctx, found);
  const session = (await getAuthSession(ctx.store, id, ctx.now())) ?? found;
  // Only the key that created the session may collect its token.
  const token = session.status === "completed" && session.keyId === ctx.caller.keyId ? await takeAuthToken(ctx, id) : null;
  return {
    status: 200,
    json: { status: session.status, userToken: token === null ? null : ctx.sealForCaller(token), expiresAt: session.expiresAt, error: session.error },
  };
}

async function loginPage(ctx: UnsignedContext): Promise<RouteResult> {
  const frame = pageFrame(ctx);
  const pageToken = ctx.url.searchParams.get("state") ?? "";
  const session = pageToken ? await authSessionForPage(ctx.store, ctx.params.sessionId ?? "", pageToken, ctx.now()) : undefined;
  if (!session || session.appId !== ctx.app.id) {
    return { status: 404, html: authErrorPage(frame, "This sign-in link is not valid: it may be incomplete or mistyped.", { title: "This link does not work" }) };
  }
  if (session.status === "expired") return { status: 410, html: authErrorPage(frame, "This sign-in link was not used in time.", { title: "This link has expired", outcome: "expired" }) };
  if (session.status !== "pending") return finishedPage(ctx, session);
  try {
    return { status: 303, location: await loginRedirect(ctx, session, publicBase(ctx)) };
  } catch (e) {
    if (e instanceof VaultError) return { status: 400, html: authErrorPage(frame, `${ctx.app.name} is not set up for signing in yet.`, { details: e.message }) };
    throw e;
  }
}

/** A sign-in that already ended, opened again: how it ended, not an error. */
function finishedPage(ctx: UnsignedContext, session: AuthSession): RouteResult {
  const frame = pageFrame(ctx);
  if (session.status === "completed") return { status: 200, html: signedInPage(frame, session.userLabel ?? "the person who used this link", true) };
  return { status: 200, html: authErrorPage(frame, "This sign-in link was already used, and that sign-in did not finish.", { outcome: `finished-${session.status}`, details: session.error?.message ?? null }) };
}

async function callback(ctx: UnsignedContext): Promise<RouteResult> {
  const outcome = await handleAuthCallback(ctx, ctx.url.searchParams);
  if (outcome.kind === "signed-in") {
    // An approver who signed in to decide goes back to the approval page (approval-page.ts).
    if (outcome.returnTo?.startsWith(APPROVER_RETURN)) return approverSignedIn(ctx, outcome);
    return { status: 200, html: signedInPage(pageFrame(ctx), outcome.label) };
  }
  if (outcome.kind === "finished") return finishedPage(ctx, outcome.session);
  return { status: 400, html: authErrorPage(pageFrame(ctx), "The sign-in did not finish.", { details: outcome.message }) };
}

export const authRoutes: RouteDef[] = [
  { method: "POST", path: "/v1/auth/sessions", auth: "signed", scope: "call", handler: createSession },
  { method: "GET", path: "/v1/auth/sessions/:id", auth: "signed", scope: "call", handler: sessionStatus },
  { method: "GET", path: "/auth/callback", auth: "browser", handler: callback },
  { method: "GET", path: "/auth/:sessionId", auth: "browser", handler: loginPage },
];

// Authenticate flow (docs/protocol.md): the SDK creates a session and polls it; the browser
// logs in at the app's IDP through the vault's /auth pages.
import type { RouteDef, RouteResult, SignedContext, UnsignedContext } from "../context.js";
import { VaultError } from "../../errors.js";
import { authSessionForPage, createAuthSession, getAuthSession, handleAuthCallback, loginRedirect, takeAuthToken } from "../../oauth/auth-sessions.js";
import { randomToken } from "../../oauth/pkce.js";
import { publicBase } from "../public-base.js";
import { authErrorPage, signedInPage } from "../pages/auth.js";

function createSession(ctx: SignedContext): RouteResult {
  const pageToken = randomToken(24);
  const session = createAuthSession(ctx, pageToken);
  const loginUrl = `${publicBase(ctx)}/auth/${session.id}?state=${pageToken}`;
  return { status: 201, json: { sessionId: session.id, loginUrl, expiresAt: session.expiresAt } };
}

function sessionStatus(ctx: SignedContext): RouteResult {
  const id = ctx.params.id ?? "";
  const session = getAuthSession(ctx.db, id, ctx.now());
  if (!session || session.appId !== ctx.app.id) throw new VaultError("not_found", "No sign-in session with this id.");
  // Only the key that created the session may collect its token.
  const token = session.status === "completed" && session.keyId === ctx.caller.keyId ? takeAuthToken(ctx, id) : null;
  return {
    status: 200,
    json: { status: session.status, userToken: token === null ? null : ctx.sealForCaller(token), expiresAt: session.expiresAt },
  };
}

function loginPage(ctx: UnsignedContext): RouteResult {
  const pageToken = ctx.url.searchParams.get("state") ?? "";
  const session = pageToken ? authSessionForPage(ctx.db, ctx.params.sessionId ?? "", pageToken, ctx.now()) : undefined;
  if (!session || session.appId !== ctx.app.id) return { status: 404, html: authErrorPage("This sign-in link is not valid. Start again from your application.") };
  if (session.status === "expired") return { status: 410, html: authErrorPage("This sign-in link has expired. Start again from your application.") };
  if (session.status !== "pending") return { status: 409, html: authErrorPage(`This sign-in session is already ${session.status}. You can close this window.`) };
  try {
    return { status: 303, location: loginRedirect(ctx, session, publicBase(ctx)) };
  } catch (e) {
    if (e instanceof VaultError) return { status: 400, html: authErrorPage(e.message) };
    throw e;
  }
}

async function callback(ctx: UnsignedContext): Promise<RouteResult> {
  const outcome = await handleAuthCallback(ctx, ctx.url.searchParams);
  if (outcome.kind === "signed-in") return { status: 200, html: signedInPage(outcome.subject) };
  return { status: 400, html: authErrorPage(outcome.message) };
}

export const authRoutes: RouteDef[] = [
  { method: "POST", path: "/v1/auth/sessions", auth: "signed", scope: "call", handler: createSession },
  { method: "GET", path: "/v1/auth/sessions/:id", auth: "signed", scope: "call", handler: sessionStatus },
  { method: "GET", path: "/auth/callback", auth: "browser", handler: callback },
  { method: "GET", path: "/auth/:sessionId", auth: "browser", handler: loginPage },
];

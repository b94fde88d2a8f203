// The browser half of connect: the page behind connectUrl (a picker when several providers are
// left, else a confirmation naming the app, the provider and whose grant it will be), the POST
// of its button that leaves for the provider, and the provider's callback.
import type { UnsignedContext, RouteDef, RouteResult } from "../context.js";
import { VaultError } from "../../errors.js";
import { connectSessionForPage, finishConnectSession, type ConnectSession } from "../../oauth/connect-sessions.js";
import { CONNECT_CSRF_COOKIE, consumeConfirmation, cookieValue, mintConfirmation } from "../../oauth/connect-confirmations.js";
import { authorizeUrlFor, handleConnectCallback, scopesFor } from "../../oauth/connect-flow.js";
import { resolveOAuthProvider } from "../../oauth/provider-config.js";
import { publicBase } from "../public-base.js";
import { getUser } from "../../storage/users.js";
import { cancelledPage, confirmPage, connectErrorPage, connectedPage, connectHref, deniedPage, pickerPage } from "../pages/connect.js";

const refused = (): RouteResult => ({
  status: 403,
  html: connectErrorPage("This confirmation was not sent from the vault's own page for this browser. Open the connect link again and press the button there."),
});

function providerName(ctx: UnsignedContext, id: string): string {
  return ctx.vault.catalogProvider(id)?.name ?? id;
}

/** The pending session a page token opens, or the error page to show instead. */
function openSession(ctx: UnsignedContext, pageToken: string): ConnectSession | RouteResult {
  const session = pageToken ? connectSessionForPage(ctx.db, ctx.params.sessionId ?? "", pageToken, ctx.now()) : undefined;
  if (!session || session.appId !== ctx.app.id) {
    return { status: 404, html: connectErrorPage("This connect link is not valid. Start again from your application.") };
  }
  if (session.status === "expired") return { status: 410, html: connectErrorPage("This connect link has expired. Start again from your application.") };
  if (session.status !== "pending") {
    return { status: 409, html: connectErrorPage(`This connect session is already ${session.status}. You can close this window.`) };
  }
  return session;
}

const remainingOf = (s: ConnectSession) => s.providers.filter((p) => s.grantIds[p] === undefined);

function connectPage(ctx: UnsignedContext): RouteResult {
  const pageToken = ctx.url.searchParams.get("state") ?? "";
  const session = openSession(ctx, pageToken);
  if (!("id" in session)) return session;
  const remaining = remainingOf(session);
  const chosen = ctx.url.searchParams.get("provider");
  if (chosen !== null && !remaining.includes(chosen)) {
    return { status: 400, html: connectErrorPage(`"${chosen}" is not a provider left to connect in this session.`) };
  }
  const provider = chosen ?? (remaining.length === 1 ? remaining[0]! : null);
  if (provider === null) {
    const list = session.providers.map((p) => ({ id: p, name: providerName(ctx, p), done: session.grantIds[p] !== undefined }));
    return { status: 200, html: pickerPage(session.id, pageToken, ctx.app.name, list) };
  }
  let scopes: string[];
  try {
    const config = resolveOAuthProvider(ctx, session.appId, provider);
    scopes = scopesFor(session, provider, config.defaultScopes);
  } catch (e) {
    if (e instanceof VaultError) return { status: 400, html: connectErrorPage(e.message) };
    throw e;
  }
  const csrf = mintConfirmation(ctx.db, session.id, provider, ctx.now());
  const owner = session.userId ? (getUser(ctx.db, session.userId)?.subject ?? "an unknown user") : null;
  const secure = publicBase(ctx).startsWith("https:") ? "; Secure" : "";
  return {
    status: 200,
    html: confirmPage({ sessionId: session.id, pageToken, csrf, appName: ctx.app.name, provider: { id: provider, name: providerName(ctx, provider) }, scopes, owner }),
    headers: {
      "set-cookie": `${CONNECT_CSRF_COOKIE}=${csrf}; Path=/connect/${encodeURIComponent(session.id)}; HttpOnly; SameSite=Strict; Max-Age=600${secure}`,
    },
    // The button's POST answers with a redirect to the provider, whose authorization server may
    // send the person on to other origins; browsers check every hop against form-action.
    formActions: "any",
  };
}

async function start(ctx: UnsignedContext): Promise<RouteResult> {
  const form = ctx.form;
  if (!form) return refused();
  const session = openSession(ctx, form.get("state") ?? "");
  if (!("id" in session)) return session;
  // Browsers send Origin on a form POST: another site's is refused outright. Our own pages send
  // "null" (their referrer policy is no-referrer), so the token and cookie decide.
  const origin = ctx.req.headers.origin;
  if (origin !== undefined && origin !== "null" && origin !== publicBase(ctx) && origin !== ctx.url.origin) return refused();
  const provider = form.get("provider") ?? "";
  const csrf = form.get("csrf") ?? "";
  const cookie = cookieValue(ctx.req.headers.cookie, CONNECT_CSRF_COOKIE);
  if (!csrf || cookie !== csrf || !consumeConfirmation(ctx.db, session.id, provider, csrf)) return refused();
  if (!remainingOf(session).includes(provider)) return { status: 400, html: connectErrorPage(`"${provider}" is not a provider left to connect in this session.`) };
  const clear = { "set-cookie": `${CONNECT_CSRF_COOKIE}=; Path=/connect/${encodeURIComponent(session.id)}; HttpOnly; SameSite=Strict; Max-Age=0` };
  if (form.get("action") === "cancel") {
    const message = "The person declined on the vault's confirmation page.";
    finishConnectSession(ctx.db, session.id, "denied", { code: "connect_denied", message }, ctx.now());
    ctx.audit.write({
      action: "connect",
      outcome: "denied",
      appId: session.appId,
      keyId: session.keyId,
      principalType: session.principalType,
      principalId: session.userId,
      provider,
      remoteAddress: ctx.caller.remoteAddress,
      errorCode: "connect_denied",
      details: { sessionId: session.id, step: "confirmation" },
    });
    return { status: 200, html: cancelledPage(providerName(ctx, provider)), headers: clear };
  }
  try {
    return { status: 303, location: authorizeUrlFor(ctx, session, provider, publicBase(ctx), form.get("state")!), headers: clear };
  } catch (e) {
    if (e instanceof VaultError) return { status: 400, html: connectErrorPage(e.message) };
    throw e;
  }
}

async function callback(ctx: UnsignedContext): Promise<RouteResult> {
  const outcome = await handleConnectCallback(ctx, ctx.url.searchParams, ctx.url.pathname);
  switch (outcome.kind) {
    case "connected": {
      const nextProvider = outcome.remaining[0];
      const next =
        nextProvider && outcome.pageToken
          ? { href: connectHref(outcome.session.id, outcome.pageToken, nextProvider), name: providerName(ctx, nextProvider) }
          : null;
      return { status: 200, html: connectedPage(providerName(ctx, outcome.provider), outcome.account, next) };
    }
    case "denied":
      return { status: 200, html: deniedPage(providerName(ctx, outcome.provider)) };
    case "failed":
      return { status: 400, html: connectErrorPage(outcome.message) };
  }
}

export const connectPageRoutes: RouteDef[] = [
  // One callback per provider (the OAuth mix-up defence); the shared one only for providers whose
  // registration predates them. Listed before /connect/:sessionId, which would match "callback".
  { method: "GET", path: "/connect/callback/:provider", auth: "browser", handler: callback },
  { method: "GET", path: "/connect/callback", auth: "browser", handler: callback },
  { method: "GET", path: "/connect/:sessionId", auth: "browser", handler: connectPage },
  { method: "POST", path: "/connect/:sessionId/start", auth: "browser", handler: start },
];

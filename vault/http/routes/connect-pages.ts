// The browser half of connect: the page behind connectUrl (a picker when several providers are
// left, else a confirmation naming the app, the provider, what it will be able to do and whose
// grant it will be), the POST of its button that leaves for the provider, and the provider's
// callback. A link or callback page opened again after the session ended says how it ended.
import type { UnsignedContext, RouteDef, RouteResult } from "../context.js";
import { VaultError } from "../../errors.js";
import { connectSessionForPage, finishConnectSession, getConnectSession, providerStatuses, type ConnectSession } from "../../oauth/connect-sessions.js";
import { confirmationMatches, confirmationToken, connectCsrfCookie, cookieValue } from "../../oauth/connect-confirmations.js";
import { authorizeUrlFor, handleConnectCallback, scopesFor } from "../../oauth/connect-flow.js";
import { resolveOAuthProvider } from "../../oauth/provider-config.js";
import { publicBase } from "../public-base.js";
import {
  confirmPage, connectErrorPage, connectedPage, connectHref, expiredLinkPage, finishedSessionPage, notConnectedPage, pickerPage, type ProviderState,
} from "../pages/connect.js";
import { pageFrame } from "../pages/layout.js";
import { scopeDescription } from "../pages/provider-docs.js";

const refused = (ctx: UnsignedContext): RouteResult => ({
  status: 403,
  html: connectErrorPage(pageFrame(ctx), "This confirmation did not come from the vault's own page in this browser.", {
    next: "Open the connect link again and press the button there.",
  }),
});

function providerName(ctx: UnsignedContext, id: string): string {
  return ctx.vault.catalogProvider(id)?.name ?? id;
}

/** Every provider of the session as the pages show it: connected (as which account) or not. */
async function providerStates(ctx: UnsignedContext, s: ConnectSession): Promise<ProviderState[]> {
  return Promise.all(
    providerStatuses(s).map(async ({ provider, status, grantId }) => ({
      id: provider,
      name: providerName(ctx, provider),
      state: status === "connected" ? "connected" : status === "denied" ? "denied" : status === "failed" ? "failed" : "waiting",
      account: grantId ? ((await ctx.store.grants.get(s.appId, grantId))?.account ?? null) : null,
    })),
  );
}

/** The pending session a page token opens, or the page to show instead. */
async function openSession(ctx: UnsignedContext, pageToken: string): Promise<ConnectSession | RouteResult> {
  const session = pageToken ? await connectSessionForPage(ctx.store, ctx.params.sessionId ?? "", pageToken, ctx.now()) : undefined;
  const frame = pageFrame(ctx);
  if (!session || session.appId !== ctx.app.id) {
    return { status: 404, html: connectErrorPage(frame, "This connect link is not valid: it may be incomplete or mistyped.", { next: `Ask ${ctx.app.name} for a new link.` }) };
  }
  if (session.status === "expired" && Object.keys(session.grantIds).length === 0) return { status: 410, html: expiredLinkPage(frame, "connect") };
  if (session.status !== "pending") return { status: 200, html: finishedSessionPage(frame, session.status, await providerStates(ctx, session)) };
  return session;
}

const remainingOf = (s: ConnectSession) => s.providers.filter((p) => s.grantIds[p] === undefined);

async function ownerLabel(ctx: UnsignedContext, s: ConnectSession): Promise<string | null> {
  if (!s.userId) return null;
  return s.ownerLabel ?? (await ctx.store.users.get(s.userId))?.subject ?? "an unknown user";
}

async function connectPage(ctx: UnsignedContext): Promise<RouteResult> {
  const pageToken = ctx.url.searchParams.get("state") ?? "";
  const session = await openSession(ctx, pageToken);
  if (!("id" in session)) return session;
  const frame = pageFrame(ctx);
  const remaining = remainingOf(session);
  const chosen = ctx.url.searchParams.get("provider");
  if (chosen !== null && !remaining.includes(chosen)) {
    return { status: 400, html: connectErrorPage(frame, `"${chosen}" is not a provider left to connect with this link.`, { next: "Go back to the list and pick another." }) };
  }
  const provider = chosen ?? (remaining.length === 1 ? remaining[0]! : null);
  if (provider === null) return { status: 200, html: pickerPage(frame, session.id, pageToken, await providerStates(ctx, session)) };
  let scopes: string[];
  try {
    const config = await resolveOAuthProvider(ctx, session.appId, provider);
    scopes = scopesFor(session, provider, config.defaultScopes);
  } catch (e) {
    if (e instanceof VaultError) return { status: 400, html: connectErrorPage(frame, `${ctx.app.name} is not set up to connect ${providerName(ctx, provider)} yet.`, { details: e.message }) };
    throw e;
  }
  const csrf = confirmationToken(ctx.crypto, session.id, provider, pageToken);
  const secure = publicBase(ctx).startsWith("https:") ? "; Secure" : "";
  const catalog = ctx.vault.catalogProvider(provider);
  return {
    status: 200,
    html: confirmPage(frame, {
      sessionId: session.id,
      pageToken,
      csrf,
      provider: { id: provider, name: providerName(ctx, provider) },
      scopes: scopes.map((scope) => ({ scope, words: scopeDescription(catalog, scope) })),
      owner: await ownerLabel(ctx, session),
    }),
    headers: {
      "set-cookie": `${connectCsrfCookie(provider)}=${csrf}; Path=/connect/${encodeURIComponent(session.id)}; HttpOnly; SameSite=Strict; Max-Age=600${secure}`,
    },
    // The button's POST answers with a redirect to the provider, whose authorization server may
    // send the person on to other origins; browsers check every hop against form-action.
    formActions: "any",
  };
}

async function start(ctx: UnsignedContext): Promise<RouteResult> {
  const form = ctx.form;
  if (!form) return refused(ctx);
  const pageToken = form.get("state") ?? "";
  const session = await openSession(ctx, pageToken);
  if (!("id" in session)) return session;
  // Browsers send Origin on a form POST: another site's is refused outright. Our own pages send
  // "null" (their referrer policy is no-referrer), so the token and cookie decide.
  const origin = ctx.req.headers.origin;
  if (origin !== undefined && origin !== "null" && origin !== publicBase(ctx) && origin !== ctx.url.origin) return refused(ctx);
  const provider = form.get("provider") ?? "";
  if (!/^[a-z0-9][a-z0-9-]*$/.test(provider)) return refused(ctx);
  const csrf = form.get("csrf") ?? "";
  const cookie = cookieValue(ctx.req.headers.cookie, connectCsrfCookie(provider));
  if (!confirmationMatches(ctx.crypto, { sessionId: session.id, provider, pageToken, csrf, cookie })) return refused(ctx);
  const frame = pageFrame(ctx);
  if (!remainingOf(session).includes(provider)) {
    return { status: 200, html: finishedSessionPage(frame, "completed", await providerStates(ctx, session)) };
  }
  if (form.get("action") === "cancel") {
    const message = "The person declined on the vault's confirmation page.";
    await finishConnectSession(ctx.store, session.id, "denied", { code: "connect_denied", message }, ctx.now(), provider);
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
    const after = (await getConnectSession(ctx.store, session.id, ctx.now())) ?? session;
    const list = await providerStates(ctx, after);
    return { status: 200, html: notConnectedPage(frame, "cancelled", list.find((p) => p.id === provider)!, list) };
  }
  try {
    return { status: 303, location: await authorizeUrlFor(ctx, session, provider, publicBase(ctx), pageToken) };
  } catch (e) {
    if (e instanceof VaultError) return { status: 400, html: connectErrorPage(frame, `${ctx.app.name} is not set up to connect ${providerName(ctx, provider)} yet.`, { details: e.message }) };
    throw e;
  }
}

async function callback(ctx: UnsignedContext): Promise<RouteResult> {
  const outcome = await handleConnectCallback(ctx, ctx.url.searchParams, ctx.url.pathname);
  const frame = pageFrame(ctx);
  const nextOf = (s: ConnectSession, pageToken: string | null) => {
    const nextProvider = remainingOf(s)[0];
    return s.status === "pending" && nextProvider && pageToken ? { href: connectHref(s.id, pageToken, nextProvider), name: providerName(ctx, nextProvider) } : null;
  };
  switch (outcome.kind) {
    case "connected": {
      const list = await providerStates(ctx, outcome.session);
      const me = list.find((p) => p.id === outcome.provider)!;
      return { status: 200, html: connectedPage(frame, me, list, nextOf(outcome.session, outcome.pageToken)) };
    }
    case "finished": {
      const list = await providerStates(ctx, outcome.session);
      const me = list.find((p) => p.id === outcome.provider);
      if (outcome.session.status === "pending" && me?.state === "connected") {
        return { status: 200, html: connectedPage(frame, me, list, nextOf(outcome.session, outcome.pageToken)) };
      }
      return { status: 200, html: finishedSessionPage(frame, outcome.session.status, list) };
    }
    case "denied": {
      const list = await providerStates(ctx, outcome.session);
      return { status: 200, html: notConnectedPage(frame, "denied", list.find((p) => p.id === outcome.provider)!, list) };
    }
    case "failed": {
      const list = outcome.session ? await providerStates(ctx, outcome.session) : [];
      const kept = list.filter((p) => p.state === "connected").map((p) => p.name);
      const message = kept.length > 0 ? `${kept.join(" and ")} stayed connected, but the rest could not be connected.` : "The account could not be connected.";
      return { status: 400, html: connectErrorPage(frame, message, { details: outcome.message }) };
    }
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

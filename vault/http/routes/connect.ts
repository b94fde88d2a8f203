// Connect flow (docs/protocol.md): the signed session endpoints the SDK uses, and the browser
// pages that run OAuth 2 authorization code + PKCE at the provider.
import type { RouteContext, RouteDef, RouteResult } from "../context.js";
import { VaultError } from "../../errors.js";
import { bodyObject } from "../request-fields.js";
import { getGrant, grantInfo } from "../../storage/grants.js";
import type { GrantInfo } from "../../grants/types.js";
import { connectSessionForPage, createConnectSession, getConnectSession, type ConnectSession } from "../../oauth/connect-sessions.js";
import { authorizeUrlFor, handleConnectCallback } from "../../oauth/connect-flow.js";
import { resolveOAuthProvider } from "../../oauth/provider-config.js";
import { randomToken } from "../../oauth/pkce.js";
import { publicBase } from "../../oauth/public-base.js";
import { connectErrorPage, connectedPage, deniedPage, pickerPage } from "../pages/connect.js";

const MAX_PROVIDERS = 20;

function parseCreate(body: unknown): { providers: string[]; scopes: Record<string, string[]> } {
  const o = bodyObject(body);
  const providers = o.providers;
  if (!Array.isArray(providers) || providers.length === 0 || providers.length > MAX_PROVIDERS) {
    throw new VaultError("invalid_request", `/providers must be an array of 1 to ${MAX_PROVIDERS} provider ids.`, { details: { pointer: "/providers" } });
  }
  providers.forEach((p, i) => {
    if (typeof p !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(p)) {
      throw new VaultError("invalid_request", `/providers/${i} must be a provider id such as "github".`, { details: { pointer: `/providers/${i}` } });
    }
  });
  if (new Set(providers).size !== providers.length) {
    throw new VaultError("invalid_request", "/providers lists a provider twice.", { details: { pointer: "/providers" } });
  }
  const scopes: Record<string, string[]> = {};
  if (o.scopes !== undefined && o.scopes !== null) {
    if (typeof o.scopes !== "object" || Array.isArray(o.scopes)) {
      throw new VaultError("invalid_request", "/scopes must be an object of provider id to scope list.", { details: { pointer: "/scopes" } });
    }
    for (const [p, list] of Object.entries(o.scopes as Record<string, unknown>)) {
      const pointer = `/scopes/${p.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      if (!providers.includes(p)) throw new VaultError("invalid_request", `${pointer} names a provider not in /providers.`, { details: { pointer } });
      if (!Array.isArray(list) || !list.every((s) => typeof s === "string" && s !== "" && !/\s/.test(s))) {
        throw new VaultError("invalid_request", `${pointer} must be an array of scope strings.`, { details: { pointer } });
      }
      scopes[p] = [...new Set(list as string[])];
    }
  }
  return { providers: providers as string[], scopes };
}

async function createSession(ctx: RouteContext): Promise<RouteResult> {
  const { providers, scopes } = parseCreate(ctx.body);
  // Configuration problems surface now, to the developer, not later in the user's browser.
  for (const p of providers) resolveOAuthProvider(ctx, ctx.app.id, p);
  const pageToken = randomToken(24);
  const session = createConnectSession(
    ctx.db,
    { appId: ctx.app.id, keyId: ctx.apiKey?.id ?? null, providers, scopes, userId: ctx.user?.userId ?? null, pageToken },
    ctx.now(),
  );
  const connectUrl = `${publicBase(ctx)}/connect/${session.id}?state=${pageToken}`;
  return { status: 201, json: { sessionId: session.id, connectUrl, expiresAt: session.expiresAt } };
}

function sessionGrants(ctx: RouteContext, session: ConnectSession): GrantInfo[] {
  const now = ctx.now();
  return session.providers
    .map((p) => session.grantIds[p])
    .filter((id): id is string => id !== undefined)
    .map((id) => getGrant(ctx.db, session.appId, id))
    .filter((g) => g !== undefined)
    .map((g) => grantInfo(g, now));
}

function sessionStatus(ctx: RouteContext): RouteResult {
  const session = getConnectSession(ctx.db, ctx.params.id ?? "", ctx.now());
  if (!session || session.appId !== ctx.app.id) throw new VaultError("not_found", "No connect session with this id.");
  return {
    status: 200,
    json: { status: session.status, grants: session.status === "completed" ? sessionGrants(ctx, session) : [], error: session.error },
  };
}

function providerName(ctx: RouteContext, id: string): string {
  return ctx.vault.catalogProvider(id)?.name ?? id;
}

function connectPage(ctx: RouteContext): RouteResult {
  const pageToken = ctx.url.searchParams.get("state") ?? "";
  const session = pageToken ? connectSessionForPage(ctx.db, ctx.params.sessionId ?? "", pageToken, ctx.now()) : undefined;
  if (!session || session.appId !== ctx.app.id) {
    return { status: 404, html: connectErrorPage("This connect link is not valid. Start again from your application.") };
  }
  if (session.status === "expired") {
    return { status: 410, html: connectErrorPage("This connect link has expired. Start again from your application.") };
  }
  if (session.status !== "pending") {
    return { status: 409, html: connectErrorPage(`This connect session is already ${session.status}. You can close this window.`) };
  }
  const remaining = session.providers.filter((p) => session.grantIds[p] === undefined);
  const chosen = ctx.url.searchParams.get("provider");
  if (chosen !== null && !remaining.includes(chosen)) {
    return { status: 400, html: connectErrorPage(`"${chosen}" is not a provider left to connect in this session.`) };
  }
  const provider = chosen ?? (remaining.length === 1 ? remaining[0]! : null);
  if (provider === null) {
    const list = session.providers.map((p) => ({ id: p, name: providerName(ctx, p), done: session.grantIds[p] !== undefined }));
    return { status: 200, html: pickerPage(session.id, pageToken, list) };
  }
  try {
    return { status: 303, location: authorizeUrlFor(ctx, session, provider, publicBase(ctx), pageToken) };
  } catch (e) {
    if (e instanceof VaultError) return { status: 400, html: connectErrorPage(e.message) };
    throw e;
  }
}

async function callback(ctx: RouteContext): Promise<RouteResult> {
  const outcome = await handleConnectCallback(ctx, ctx.url.searchParams, ctx.url.pathname);
  switch (outcome.kind) {
    case "connected": {
      const nextProvider = outcome.remaining[0];
      const next =
        nextProvider && outcome.pageToken
          ? {
              href: `/connect/${encodeURIComponent(outcome.session.id)}?state=${encodeURIComponent(outcome.pageToken)}&provider=${encodeURIComponent(nextProvider)}`,
              name: providerName(ctx, nextProvider),
            }
          : null;
      return { status: 200, html: connectedPage(providerName(ctx, outcome.provider), outcome.account, next) };
    }
    case "denied":
      return { status: 200, html: deniedPage(providerName(ctx, outcome.provider)) };
    case "failed":
      return { status: 400, html: connectErrorPage(outcome.message) };
  }
}

export const connectRoutes: RouteDef[] = [
  { method: "POST", path: "/v1/connect/sessions", auth: "signed", handler: createSession },
  { method: "GET", path: "/v1/connect/sessions/:id", auth: "signed", handler: sessionStatus },
  // One callback per provider (the OAuth mix-up defence); the shared one only for providers whose
  // registration predates them. Listed before /connect/:sessionId, which would match "callback".
  { method: "GET", path: "/connect/callback/:provider", auth: "browser", handler: callback },
  { method: "GET", path: "/connect/callback", auth: "browser", handler: callback },
  { method: "GET", path: "/connect/:sessionId", auth: "browser", handler: connectPage },
];

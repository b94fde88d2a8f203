// Connect flow (docs/protocol.md): the signed session endpoints the SDK uses. The browser pages
// that run OAuth 2 authorization code + PKCE at the provider are in connect-pages.ts.
import type { SignedContext, RouteDef, RouteResult } from "../context.js";
import { VaultError } from "../../errors.js";
import { bodyObject } from "../request-fields.js";
import { grantInfo } from "../../storage/grants.js";
import type { GrantInfo } from "../../grant-types.js";
import { createConnectSession, getConnectSession, personLabel, providerStatuses, verifiedClaims, type ConnectSession } from "../../oauth/connect-sessions.js";
import { resolveOAuthProvider } from "../../oauth/provider-config.js";
import { randomToken } from "../../oauth/pkce.js";
import { publicBase } from "../public-base.js";
import { parseFlow } from "../request-fields.js";
import { advanceConnectDevice, startConnectDevice } from "../../oauth/connect-device.js";

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

async function createSession(ctx: SignedContext): Promise<RouteResult> {
  const { providers, scopes } = parseCreate(ctx.body);
  // Configuration problems surface now, to the developer, not later in the user's browser.
  for (const p of providers) await resolveOAuthProvider(ctx, ctx.app.id, p);
  const pageToken = randomToken(24);
  const session = await createConnectSession(
    ctx.store,
    {
      appId: ctx.app.id,
      keyId: ctx.caller.keyId,
      providers,
      scopes,
      userId: ctx.caller.user?.userId ?? null,
      ownerLabel: ctx.caller.user ? personLabel(verifiedClaims(ctx.userToken)) : null,
      pageToken,
    },
    ctx.now(),
  );
  const connectUrl = `${publicBase(ctx)}/connect/${session.id}?state=${pageToken}`;
  const json: Record<string, unknown> = { sessionId: session.id, connectUrl, expiresAt: session.expiresAt };
  if (parseFlow(ctx.body) === "device") {
    // RFC 8628 at every provider, or none: the SDK then prints connectUrl, and says why.
    const started = await startConnectDevice(ctx, session);
    json.device = started.prompts;
    json.deviceUnavailable = started.unavailable;
  }
  return { status: 201, json };
}

async function sessionGrants(ctx: SignedContext, session: ConnectSession): Promise<GrantInfo[]> {
  const now = ctx.now();
  const ids = session.providers.map((p) => session.grantIds[p]).filter((id): id is string => id !== undefined);
  const grants = await Promise.all(ids.map((id) => ctx.store.grants.get(session.appId, id)));
  return grants.filter((g) => g !== undefined).map((g) => grantInfo(g, now));
}

async function sessionStatus(ctx: SignedContext): Promise<RouteResult> {
  const found = await getConnectSession(ctx.store, ctx.params.id ?? "", ctx.now());
  if (!found || found.appId !== ctx.app.id) throw new VaultError("not_found", "No connect session with this id.");
  // Acting for an end user, only that user's sessions exist.
  if (ctx.caller.user && found.userId !== ctx.caller.user.userId) throw new VaultError("not_found", "No connect session with this id.");
  // A headless connect advances as it is polled: the vault asks each provider's token endpoint when due.
  await advanceConnectDevice(ctx, found);
  const session = (await getConnectSession(ctx.store, found.id, ctx.now())) ?? found;
  // Every grant the session created, whatever its status: a person who connected one provider
  // and declined the next left the app holding the first one, and the app must know.
  return {
    status: 200,
    json: { status: session.status, grants: await sessionGrants(ctx, session), providers: providerStatuses(session), error: session.error },
  };
}

export const connectRoutes: RouteDef[] = [
  { method: "POST", path: "/v1/connect/sessions", auth: "signed", scope: "provision", handler: createSession },
  { method: "GET", path: "/v1/connect/sessions/:id", auth: "signed", scope: "provision", handler: sessionStatus },
];

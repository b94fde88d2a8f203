// The browser half of a connect session: the redirect to the provider's authorize URL and the
// callback (state check, code exchange, sealed token storage, the new grant).
import { randomUUID } from "node:crypto";
import { VaultError } from "../errors.js";
import type { RouteContext } from "../http/context.js";
import { insertGrant } from "../storage/grants.js";
import { getUser } from "../storage/users.js";
import { accountFor } from "./account.js";
import { finishConnectSession, getConnectSession, recordConnectedGrant, type ConnectSession } from "./connect-sessions.js";
import { clientSecretFor, resolveOAuthProvider } from "./provider-config.js";
import { consumeAttempt, createAttempt } from "./states.js";
import { OAuthEndpointError, requestToken } from "./token-endpoint.js";
import { expiryFrom, sealTokens, tokensFrom } from "./tokens.js";

export type FlowContext = Pick<RouteContext, "db" | "crypto" | "now" | "vault" | "audit" | "app" | "remoteAddress">;

export const CONNECT_CALLBACK_PATH = "/connect/callback";

export function scopesFor(session: ConnectSession, provider: string, defaults: string[]): string[] {
  return session.scopes[provider] ?? defaults;
}

/** The provider's authorize URL for one provider of the session (a fresh single-use state). */
export function authorizeUrlFor(ctx: FlowContext, session: ConnectSession, provider: string, base: string, pageToken: string): string {
  const config = resolveOAuthProvider(ctx, session.appId, provider);
  const redirectUri = base + CONNECT_CALLBACK_PATH;
  const attempt = createAttempt(ctx.db, ctx.crypto, { kind: "connect", sessionId: session.id, provider, redirectUri, pageToken }, ctx.now());
  const url = new URL(config.authorizeUrl);
  for (const [k, v] of Object.entries(config.authorizeParams)) url.searchParams.set(k, v);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  const scopes = scopesFor(session, provider, config.defaultScopes);
  if (scopes.length > 0) url.searchParams.set("scope", scopes.join(config.scopeSeparator));
  url.searchParams.set("state", attempt.state);
  if (config.pkce) {
    url.searchParams.set("code_challenge", attempt.challenge);
    url.searchParams.set("code_challenge_method", "S256");
  }
  return url.toString();
}

export type CallbackOutcome =
  | { kind: "connected"; session: ConnectSession; provider: string; account: string | null; remaining: string[]; pageToken: string | null }
  | { kind: "denied"; session: ConnectSession; provider: string }
  | { kind: "failed"; session: ConnectSession | null; message: string };

export async function handleConnectCallback(ctx: FlowContext, query: URLSearchParams): Promise<CallbackOutcome> {
  const now = ctx.now();
  const state = query.get("state");
  const attempt = state ? consumeAttempt(ctx.db, ctx.crypto, "connect", state, now) : undefined;
  if (!attempt || !attempt.provider) {
    return { kind: "failed", session: null, message: "This authorization link is unknown, expired, or was already used. Start again from your application." };
  }
  const provider = attempt.provider;
  const session = getConnectSession(ctx.db, attempt.sessionId, now);
  if (!session || session.appId !== ctx.app.id) return { kind: "failed", session: null, message: "This connect session does not exist." };
  if (session.status !== "pending") {
    return { kind: "failed", session, message: `This connect session is ${session.status}. Start again from your application.` };
  }
  const audit = (outcome: "success" | "denied" | "error", extra: { grantId?: string; errorCode?: string; account?: string | null }) =>
    ctx.audit.write({
      action: "connect",
      outcome,
      appId: session.appId,
      keyId: session.keyId,
      principalType: session.principalType,
      principalId: session.userId,
      grantId: extra.grantId ?? null,
      provider,
      remoteAddress: ctx.remoteAddress,
      errorCode: extra.errorCode ?? null,
      details: { sessionId: session.id, ...(extra.account ? { account: extra.account } : {}) },
    });

  const error = query.get("error");
  if (error) {
    if (error === "access_denied") {
      const message = `The user denied access at ${provider}.`;
      finishConnectSession(ctx.db, session.id, "denied", { code: "connect_denied", message }, now);
      audit("denied", { errorCode: "connect_denied" });
      return { kind: "denied", session: getConnectSession(ctx.db, session.id, now)!, provider };
    }
    const message = `${provider} answered the authorization with error "${error.slice(0, 100)}".`;
    finishConnectSession(ctx.db, session.id, "failed", { code: "connect_failed", message }, now);
    audit("error", { errorCode: "connect_failed" });
    return { kind: "failed", session, message };
  }
  const code = query.get("code");
  if (!code) return { kind: "failed", session, message: "The provider sent no authorization code." };
  const owner = session.userId ? getUser(ctx.db, session.userId) : undefined;
  if (owner?.removedAt) {
    const message = "The user this connection was for has been removed from the vault.";
    finishConnectSession(ctx.db, session.id, "failed", { code: "connect_failed", message }, now);
    audit("denied", { errorCode: "user_removed" });
    return { kind: "failed", session, message };
  }

  let res;
  let config;
  try {
    config = resolveOAuthProvider(ctx, session.appId, provider);
    const params: Record<string, string> = { grant_type: "authorization_code", code, redirect_uri: attempt.redirectUri };
    if (config.pkce) params.code_verifier = attempt.verifier;
    res = await requestToken(config.tokenUrl, params, {
      clientId: config.clientId,
      clientSecret: clientSecretFor(ctx, session.appId, provider),
      method: config.authMethod,
    });
  } catch (e) {
    const message =
      e instanceof OAuthEndpointError || e instanceof VaultError
        ? `The code exchange with ${provider} failed: ${e.message}`
        : `The code exchange with ${provider} failed.`;
    const codeName = e instanceof VaultError && e.code === "provider_unreachable" ? "provider_unreachable" : "connect_failed";
    finishConnectSession(ctx.db, session.id, "failed", { code: codeName, message }, ctx.now());
    audit("error", { errorCode: codeName });
    return { kind: "failed", session, message };
  }

  const account = await accountFor(res, config.userinfoUrl);
  const grantId = randomUUID();
  const granted = res.scope !== null ? res.scope.split(/[\s,]+/).filter(Boolean) : scopesFor(session, provider, config.defaultScopes);
  insertGrant(
    ctx.db,
    {
      id: grantId,
      appId: session.appId,
      provider,
      account,
      principalType: session.principalType,
      principalId: session.userId,
      principalLabel: owner?.subject ?? null,
      scopes: granted,
      source: "oauth",
      credentialSealed: sealTokens(ctx.crypto, grantId, tokensFrom(res, ctx.now())),
      credentialExpiresAt: expiryFrom(res, ctx.now()),
      policy: {},
      expiresAt: null,
    },
    ctx.now(),
  );
  const updated = recordConnectedGrant(ctx.db, session.id, provider, grantId, ctx.now());
  audit("success", { grantId, account });
  const remaining = updated.providers.filter((p) => updated.grantIds[p] === undefined);
  return { kind: "connected", session: updated, provider, account, remaining, pageToken: attempt.pageToken };
}

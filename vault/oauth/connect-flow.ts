// The browser half of a connect session: the redirect to the provider's authorize URL and the
// callback (state check, code exchange, sealed token storage, the new grant).
import { randomUUID } from "node:crypto";
import { VaultError } from "../errors.js";
import type { CallerContext } from "../context.js";
import { accountFor } from "./account.js";
import { finishConnectSession, getConnectSession, recordConnectedGrant, type ConnectSession } from "./connect-sessions.js";
import { connectRedirectUri, mixupProblem } from "./mixup.js";
import { clientSecretFor, resolveOAuthProvider, type OAuthProviderConfig } from "./provider-config.js";
import { consumeAttempt, createAttempt, usedAttempt } from "./states.js";
import { OAuthEndpointError, requestToken, TokenAnswerError, type TokenResponse } from "./token-endpoint.js";
import { expiryFrom, sealTokens, tokensFrom } from "./tokens.js";

export function scopesFor(session: ConnectSession, provider: string, defaults: string[]): string[] {
  return session.scopes[provider] ?? defaults;
}

/** The provider's authorize URL for one provider of the session (a fresh single-use state). */
export async function authorizeUrlFor(ctx: CallerContext, session: ConnectSession, provider: string, base: string, pageToken: string): Promise<string> {
  const config = await resolveOAuthProvider(ctx, session.appId, provider);
  const redirectUri = connectRedirectUri(base, provider, config.callback);
  const attempt = await createAttempt(ctx.store, ctx.crypto, { kind: "connect", sessionId: session.id, provider, redirectUri, pageToken }, ctx.now());
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
  | { kind: "failed"; session: ConnectSession | null; message: string; provider?: string }
  /** The session had already ended (a reload of the callback page, a late second tab). */
  | { kind: "finished"; session: ConnectSession; provider: string; pageToken: string | null };

export type Audit = (outcome: "success" | "denied" | "error", extra: { grantId?: string; errorCode?: string; account?: string | null; details?: Record<string, unknown> }) => void;

/** The `connect` audit rows of one provider of a session (browser callback and device grant alike). */
export function connectAuditor(ctx: CallerContext, session: ConnectSession, provider: string, base: Record<string, unknown> = {}): Audit {
  return (outcome, extra) =>
    ctx.audit.write({
      action: "connect",
      outcome,
      appId: session.appId,
      keyId: session.keyId,
      principalType: session.principalType,
      principalId: session.userId,
      grantId: extra.grantId ?? null,
      provider,
      remoteAddress: ctx.caller.remoteAddress,
      errorCode: extra.errorCode ?? null,
      details: { sessionId: session.id, ...base, ...(extra.account ? { account: extra.account } : {}), ...extra.details },
    });
}

/** `arrivedOn`: the path of the callback the browser came back to (the mix-up check needs it). */
export async function handleConnectCallback(ctx: CallerContext, query: URLSearchParams, arrivedOn: string): Promise<CallbackOutcome> {
  const now = ctx.now();
  const state = query.get("state");
  const attempt = state ? await consumeAttempt(ctx.store, ctx.crypto, "connect", state, now) : undefined;
  if (!attempt || !attempt.provider) {
    // Used already: a reload of the page this callback showed. Say how the session stands.
    const used = state ? await usedAttempt(ctx.store, ctx.crypto, "connect", state) : undefined;
    const earlier = used && (await getConnectSession(ctx.store, used.sessionId, now));
    if (earlier && earlier.appId === ctx.app.id && used.provider && (earlier.status !== "pending" || earlier.grantIds[used.provider])) {
      return { kind: "finished", session: earlier, provider: used.provider, pageToken: used.pageToken };
    }
    return { kind: "failed", session: null, message: "This authorization link is unknown, expired, or was already used." };
  }
  const provider = attempt.provider;
  const session = await getConnectSession(ctx.store, attempt.sessionId, now);
  if (!session || session.appId !== ctx.app.id) return { kind: "failed", session: null, message: "This connect session does not exist." };
  if (session.status !== "pending") return { kind: "finished", session, provider, pageToken: attempt.pageToken };
  const audit = connectAuditor(ctx, session, provider);
  const fail = async (code: string, message: string, auditCode = code): Promise<CallbackOutcome> => {
    await finishConnectSession(ctx.store, session.id, "failed", { code, message }, ctx.now(), provider);
    audit("error", { errorCode: auditCode });
    return { kind: "failed", session: (await getConnectSession(ctx.store, session.id, ctx.now())) ?? session, message, provider };
  };

  let config: OAuthProviderConfig;
  try {
    config = await resolveOAuthProvider(ctx, session.appId, provider);
  } catch (e) {
    if (e instanceof VaultError) return fail("connect_config", e.message);
    throw e;
  }
  // Before anything in the answer is believed, even an error: it must come from this provider.
  const mixup = await mixupProblem(ctx.store, session.appId, config, attempt.redirectUri, arrivedOn, query);
  if (mixup) return fail("connect_failed", mixup, "oauth_mixup");

  const error = query.get("error");
  if (error) {
    if (error === "access_denied") {
      const message = `The user denied access at ${provider}.`;
      await finishConnectSession(ctx.store, session.id, "denied", { code: "connect_denied", message }, now, provider);
      audit("denied", { errorCode: "connect_denied" });
      return { kind: "denied", session: (await getConnectSession(ctx.store, session.id, now))!, provider };
    }
    return fail("connect_failed", `${provider} answered the authorization with error "${error.slice(0, 100)}".`);
  }
  const code = query.get("code");
  if (!code) return { kind: "failed", session, message: "The provider sent no authorization code." };
  const owner = session.userId ? await ctx.store.users.get(session.userId) : undefined;
  if (owner?.removedAt) {
    const message = "The user this connection was for has been removed from the vault.";
    await finishConnectSession(ctx.store, session.id, "failed", { code: "connect_failed", message }, now, provider);
    audit("denied", { errorCode: "user_removed" });
    return { kind: "failed", session: (await getConnectSession(ctx.store, session.id, now)) ?? session, message, provider };
  }

  let res: TokenResponse;
  try {
    const params: Record<string, string> = { grant_type: "authorization_code", code, redirect_uri: attempt.redirectUri };
    if (config.pkce) params.code_verifier = attempt.verifier;
    res = await requestToken(
      config.tokenUrl,
      params,
      { clientId: config.clientId, clientSecret: await clientSecretFor(ctx, session.appId, provider), method: config.authMethod },
      { owner: provider, tokenTypes: config.tokenTypes },
    );
  } catch (e) {
    const known = e instanceof OAuthEndpointError || e instanceof VaultError || e instanceof TokenAnswerError;
    const message = known ? `The code exchange with ${provider} failed: ${e.message}` : `The code exchange with ${provider} failed.`;
    if (e instanceof VaultError && e.code === "provider_unreachable") return fail("provider_unreachable", message);
    return fail("connect_failed", message, e instanceof TokenAnswerError ? "invalid_token_answer" : "connect_failed");
  }
  // Labelled as the person is named (name or email claim when the session was made), the IDP's
  // internal subject only when the token named them no other way.
  return storeConnectedGrant(ctx, session, attempt.pageToken, config, res, session.ownerLabel ?? owner?.subject ?? null, audit);
}

export async function storeConnectedGrant(
  ctx: CallerContext,
  session: ConnectSession,
  pageToken: string | null,
  config: OAuthProviderConfig,
  res: TokenResponse,
  ownerLabel: string | null,
  audit: Audit,
): Promise<CallbackOutcome> {
  const provider = config.provider;
  const account = await accountFor(res, config.userinfoUrl, provider);
  const grantId = randomUUID();
  // What the server says it granted (RFC 6749 §5.1); without a scope field, what was asked.
  const requested = scopesFor(session, provider, config.defaultScopes);
  const granted = res.scopes ?? requested;
  await ctx.store.grants.insert(
    {
      id: grantId,
      appId: session.appId,
      provider,
      account: account.name,
      principalType: session.principalType,
      principalId: session.userId,
      principalLabel: ownerLabel,
      scopes: granted,
      source: "oauth",
      credentialSealed: sealTokens(ctx.crypto, grantId, tokensFrom(res, ctx.now())),
      credentialExpiresAt: expiryFrom(res, ctx.now()),
      policy: {},
      expiresAt: null,
    },
    ctx.now(),
  );
  const updated = await recordConnectedGrant(ctx.store, session.id, provider, grantId, ctx.now());
  const notGranted = requested.filter((s) => !granted.includes(s));
  audit("success", {
    grantId,
    account: account.name,
    details: {
      scopes: granted,
      ...(notGranted.length > 0 ? { scopesNotGranted: notGranted } : {}),
      ...(account.problem ? { accountLookup: account.problem } : {}),
    },
  });
  const remaining = updated.providers.filter((p) => updated.grantIds[p] === undefined);
  return { kind: "connected", session: updated, provider, account: account.name, remaining, pageToken };
}

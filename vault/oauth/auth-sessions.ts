// Authenticate sessions: an OIDC login at the app's IDP through the vault (authorization code +
// PKCE with the IDP client configured by `vault idp set`). The verified ID token is kept sealed
// until the SDK collects it, once.
import { randomUUID } from "node:crypto";
import { VaultError } from "../errors.js";
import type { CallerContext, VaultContext } from "../context.js";
import type { Store } from "../storage/store/index.js";
import type { AuthSessionRow as Row } from "../storage/store/auth-sessions.js";
import { openIdpClientSecret } from "../identity/idp-config.js";
import { provisionUser, requireIdp, verifyIdpJwt } from "../identity/verify.js";
import { hashToken } from "./pkce.js";
import { constantTimeEqualHex } from "./compare.js";
import { personLabel, pruneFinishedFlows } from "./connect-sessions.js";
import { consumeAttempt, createAttempt, usedAttempt } from "./states.js";
import { OAuthEndpointError, requestToken, TokenAnswerError } from "./token-endpoint.js";

export const AUTH_SESSION_TTL_MS = 10 * 60_000;
export const AUTH_CALLBACK_PATH = "/auth/callback";
const TOKEN_PURPOSE = "auth-session-token";

export type AuthStatus = "pending" | "completed" | "failed" | "expired";

export interface AuthSession {
  id: string;
  appId: string;
  keyId: string | null;
  status: AuthStatus;
  hasToken: boolean;
  /** Who signed in, as pages name them (name or email claim), once completed. */
  userLabel: string | null;
  error: { code: string; message: string } | null;
  expiresAt: string;
}

const toSession = (r: Row, now: number): AuthSession => ({
  id: r.id,
  appId: r.app_id,
  keyId: r.key_id,
  status: r.status === "pending" && Date.parse(r.expires_at) <= now ? "expired" : r.status,
  hasToken: r.id_token_sealed !== null,
  userLabel: r.user_label ?? null,
  error: r.error_code ? { code: r.error_code, message: r.error_message ?? "" } : null,
  expiresAt: r.expires_at,
});

/** Checks the app can run a login at its IDP (issuer, client id) before creating a session. */
export async function createAuthSession(ctx: CallerContext, pageToken: string): Promise<AuthSession> {
  const idp = await getIdpOrConfigError(ctx);
  if (!idp.clientId || !idp.discovery.authorizationEndpoint || !idp.discovery.tokenEndpoint) {
    throw new VaultError(
      "connect_config",
      "The vault's IDP has no OIDC client for logins; run `alter-gen vault idp set --issuer … --client-id … --client-secret …`.",
    );
  }
  const id = randomUUID();
  const now = ctx.now();
  await pruneFinishedFlows(ctx.store, now);
  await ctx.store.authSessions.insert({
    id,
    app_id: ctx.app.id,
    key_id: ctx.caller.keyId,
    page_token_hash: hashToken(pageToken),
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + AUTH_SESSION_TTL_MS).toISOString(),
  });
  return (await getAuthSession(ctx.store, id, now))!;
}

/** What a login asks the IDP for: the ID token's claims, and the groups claim where it is a scope. */
export function loginScopes(idp: { discovery: { scopesSupported: string[] }; groupsClaim: string }): string[] {
  const scopes = ["openid", "email", "profile"];
  if (idp.discovery.scopesSupported.includes(idp.groupsClaim)) scopes.push(idp.groupsClaim);
  return scopes;
}

export async function getIdpOrConfigError(ctx: VaultContext) {
  try {
    return await requireIdp(ctx);
  } catch {
    throw new VaultError("connect_config", "This vault has no identity provider; run `alter-gen vault idp set --issuer <url> …` first.");
  }
}

export async function getAuthSession(store: Store, id: string, now: number): Promise<AuthSession | undefined> {
  const row = await store.authSessions.get(id);
  return row && toSession(row, now);
}

export async function authSessionForPage(store: Store, id: string, pageToken: string, now: number): Promise<AuthSession | undefined> {
  const row = await store.authSessions.get(id);
  if (!row || !constantTimeEqualHex(row.page_token_hash, hashToken(pageToken))) return undefined;
  return toSession(row, now);
}

/**
 * The IDP's authorize URL for this session (fresh state, nonce and PKCE). `returnTo`: where the
 * callback sends the person afterwards (an approver signing in), kept sealed with the attempt.
 */
export async function loginRedirect(ctx: VaultContext, session: AuthSession, base: string, returnTo?: string): Promise<string> {
  const idp = await getIdpOrConfigError(ctx);
  const redirectUri = base + AUTH_CALLBACK_PATH;
  const attempt = await createAttempt(ctx.store, ctx.crypto, { kind: "auth", sessionId: session.id, provider: null, redirectUri, ...(returnTo ? { pageToken: returnTo } : {}) }, ctx.now());
  const scopes = loginScopes(idp);
  const url = new URL(idp.discovery.authorizationEndpoint!);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", idp.clientId!);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("scope", scopes.join(" "));
  url.searchParams.set("state", attempt.state);
  url.searchParams.set("nonce", attempt.nonce);
  url.searchParams.set("code_challenge", attempt.challenge);
  url.searchParams.set("code_challenge_method", "S256");
  return url.toString();
}

export type AuthCallbackOutcome =
  | { kind: "signed-in"; sessionId: string; subject: string; label: string; returnTo: string | null }
  /** The sign-in had already finished (the callback page reloaded): how it ended. */
  | { kind: "finished"; session: AuthSession }
  | { kind: "failed"; message: string };

export async function handleAuthCallback(ctx: CallerContext, query: URLSearchParams): Promise<AuthCallbackOutcome> {
  const now = ctx.now();
  const state = query.get("state");
  const attempt = state ? await consumeAttempt(ctx.store, ctx.crypto, "auth", state, now) : undefined;
  if (!attempt) {
    const used = state ? await usedAttempt(ctx.store, ctx.crypto, "auth", state) : undefined;
    const earlier = used && (await getAuthSession(ctx.store, used.sessionId, now));
    if (earlier && earlier.appId === ctx.app.id && earlier.status !== "pending") return { kind: "finished", session: earlier };
    return { kind: "failed", message: "This sign-in link is unknown, expired, or was already used." };
  }
  const session = await getAuthSession(ctx.store, attempt.sessionId, now);
  if (!session || session.appId !== ctx.app.id) return { kind: "failed", message: "This sign-in session does not exist." };
  if (session.status !== "pending") return { kind: "finished", session };
  const fail = async (code: string, message: string): Promise<AuthCallbackOutcome> => {
    await failAuthSession(ctx, session, code, message);
    return { kind: "failed", message };
  };
  const idp = await getIdpOrConfigError(ctx);
  const issProblem = idpIssProblem(idp.issuer, idp.discovery.issParameterSupported === true, query);
  if (issProblem) return fail("auth_failed", issProblem);
  const error = query.get("error");
  if (error) return fail(error === "access_denied" ? "auth_denied" : "auth_failed", `The identity provider answered "${error.slice(0, 100)}".`);
  const code = query.get("code");
  if (!code) return fail("auth_failed", "The identity provider sent no authorization code.");

  let idToken: string;
  try {
    const res = await requestToken(
      idp.discovery.tokenEndpoint!,
      { grant_type: "authorization_code", code, redirect_uri: attempt.redirectUri, code_verifier: attempt.verifier },
      { clientId: idp.clientId!, clientSecret: await openIdpClientSecret(ctx.store, ctx.app.id), method: idpAuthMethod(idp.discovery.tokenAuthMethods) },
      { owner: "the IDP" },
    );
    if (!res.idToken) return fail("auth_failed", "The identity provider returned no ID token.");
    idToken = res.idToken;
  } catch (e) {
    if (e instanceof OAuthEndpointError || e instanceof VaultError || e instanceof TokenAnswerError) return fail("auth_failed", `The code exchange with the identity provider failed: ${e.message}`);
    throw e;
  }
  const signedIn = await finishSignIn(ctx, session, idToken, attempt.nonce ?? undefined);
  if (!signedIn.ok) return { kind: "failed", message: signedIn.message };
  return { kind: "signed-in", sessionId: session.id, subject: signedIn.subject, label: signedIn.label, returnTo: attempt.pageToken };
}

/** Ends a pending sign-in as failed (or expired), with its audit row. */
export async function failAuthSession(ctx: CallerContext, session: AuthSession, code: string, message: string, status: "failed" | "expired" = "failed", details: Record<string, unknown> = {}): Promise<void> {
  await ctx.store.authSessions.fail(session.id, status, code, message, ctx.now());
  ctx.audit.write({ action: "authenticate", outcome: "error", appId: session.appId, keyId: session.keyId, remoteAddress: ctx.caller.remoteAddress, errorCode: code, details: { sessionId: session.id, ...details } });
}

/**
 * Verifies the IDP's ID token (its nonce when the login sent one), provisions the user, writes
 * the audit row and completes the session with the token sealed. The browser callback and the
 * device grant (no nonce there: RFC 8628 has no front channel to carry one) both end here.
 */
export async function finishSignIn(
  ctx: CallerContext,
  session: AuthSession,
  idToken: string,
  nonce: string | undefined,
  details: Record<string, unknown> = {},
): Promise<{ ok: true; subject: string; label: string } | { ok: false; message: string }> {
  const idp = await getIdpOrConfigError(ctx);
  let subject: string;
  let label: string;
  try {
    const payload = await verifyIdpJwt(idp, idToken, ctx.now(), nonce);
    const user = await provisionUser(ctx, idp, payload);
    subject = user.subject;
    label = personLabel(payload as Record<string, unknown>) ?? subject;
    ctx.audit.write({
      action: "authenticate",
      outcome: "success",
      appId: session.appId,
      keyId: session.keyId,
      principalType: "user",
      principalId: user.userId,
      remoteAddress: ctx.caller.remoteAddress,
      details: { sessionId: session.id, ...details },
    });
  } catch (e) {
    if (e instanceof VaultError) {
      await failAuthSession(ctx, session, "user_token_invalid", e.message, "failed", details);
      return { ok: false, message: e.message };
    }
    throw e;
  }
  await ctx.store.authSessions.complete(session.id, ctx.crypto.seal(TOKEN_PURPOSE, session.id, idToken), label, ctx.now());
  return { ok: true, subject, label };
}

/** The ID token once: it is deleted from the vault as it is handed over. */
export async function takeAuthToken(ctx: VaultContext, id: string): Promise<string | null> {
  const sealed = await ctx.store.authSessions.takeToken(id, ctx.now());
  return sealed === null ? null : ctx.crypto.open(TOKEN_PURPOSE, id, sealed).toString("utf8");
}

/** RFC 9207 for logins: an `iss` must be the IDP's; a missing one only when it declared support. */
function idpIssProblem(issuer: string, required: boolean, query: URLSearchParams): string | null {
  const all = query.getAll("iss");
  if (all.length === 0) return required ? "The identity provider's answer has no iss parameter, though it declares authorization_response_iss_parameter_supported (RFC 9207)." : null;
  if (all.length === 1 && all[0] === issuer) return null;
  return `The sign-in answer was not issued by this vault's IDP (${issuer}) (RFC 9207); the vault refused it.`;
}

/** client_secret_post where the IDP takes it (or says nothing), else Basic (OIDC's default). */
export function idpAuthMethod(announced: string[] | undefined): "client_secret_post" | "client_secret_basic" {
  if (!announced || announced.length === 0 || announced.includes("client_secret_post")) return "client_secret_post";
  return "client_secret_basic";
}

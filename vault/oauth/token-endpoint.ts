// Requests to a provider's token and revocation endpoints (RFC 6749 §4.1.3 / §6, RFC 7009),
// with client authentication by client_secret_post or client_secret_basic. Answers are read
// through the bounded reader (vault/outbound) and checked by token-answer.ts.
import { VaultError } from "../errors.js";
import { fetchBounded, OutboundError, parseJson } from "../outbound/bounded.js";
import type { TokenAuthMethod } from "./provider-config.js";
import { TokenAnswerError, validateTokenAnswer, type TokenAnswerRules, type TokenResponse } from "./token-answer.js";

export { TokenAnswerError, type TokenResponse } from "./token-answer.js";

/** The authorization server answered with an OAuth error (RFC 6749 §5.2). */
export class OAuthEndpointError extends Error {
  constructor(
    readonly status: number,
    readonly oauthError: string,
    message: string,
  ) {
    super(message);
    this.name = "OAuthEndpointError";
  }
}

export interface ClientAuth {
  clientId: string;
  clientSecret: string | null;
  method: TokenAuthMethod;
}

function withClientAuth(form: URLSearchParams, auth: ClientAuth): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    // GitHub answers form-encoded unless asked for JSON.
    accept: "application/json",
  };
  if (auth.method === "client_secret_basic" && auth.clientSecret !== null) {
    const enc = (s: string) => encodeURIComponent(s);
    headers.authorization = `Basic ${Buffer.from(`${enc(auth.clientId)}:${enc(auth.clientSecret)}`).toString("base64")}`;
  } else {
    form.set("client_id", auth.clientId);
    if (auth.clientSecret !== null) form.set("client_secret", auth.clientSecret);
  }
  return headers;
}

async function post(
  kind: "token" | "device_authorization" | "revocation",
  url: string,
  form: URLSearchParams,
  auth: ClientAuth,
  owner: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers = withClientAuth(form, auth);
  let answer;
  try {
    answer = await fetchBounded(url, { kind, owner, method: "POST", headers, body: form.toString() });
  } catch (e) {
    if (!(e instanceof OutboundError)) throw e;
    // An answer too large or redirected was refused by the vault: the server misbehaved. A
    // timeout or a connection failure may pass on the next attempt.
    if (e.reason === "too_large" || e.reason === "redirect") throw new TokenAnswerError(e.message);
    throw new VaultError("provider_unreachable", e.message, { details: { reason: e.reason } });
  }
  const parsed = parseJson(answer.body) ?? Object.fromEntries(new URLSearchParams(answer.body.toString("utf8")));
  const body = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  return { status: answer.status, body };
}

/** Statuses that say "later", not "no": the next attempt may succeed. */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * The answer body of a successful token request, not yet validated (the refresh path stores a
 * rotated refresh token before anything else in the answer is checked). Throws VaultError
 * `provider_unreachable` for transient failures, OAuthEndpointError when the server refused.
 */
export async function requestTokenAnswer(url: string, params: Record<string, string>, auth: ClientAuth, owner: string): Promise<Record<string, unknown>> {
  const { status, body } = await post("token", url, new URLSearchParams(params), auth, owner);
  // Some providers (GitHub, Slack) answer 200 with an error field.
  if (status !== 200 || typeof body.error === "string" || body.ok === false) {
    const error = typeof body.error === "string" ? body.error.slice(0, 100) : `http_${status}`;
    if (isTransientStatus(status)) {
      throw new VaultError("provider_unreachable", `${owner}'s token endpoint failed with HTTP ${status}.`, { details: { status } });
    }
    throw new OAuthEndpointError(status, error, `${owner}'s token endpoint refused the request: ${error}.`);
  }
  return body;
}

/** A token request whose answer is validated whole (code exchanges). */
export async function requestToken(url: string, params: Record<string, string>, auth: ClientAuth, rules: TokenAnswerRules): Promise<TokenResponse> {
  return validateTokenAnswer(await requestTokenAnswer(url, params, auth, rules.owner), rules);
}

/**
 * RFC 8628 §3.1-3.2: the device authorization request, with the client authenticated as at the
 * token endpoint. Returns the answer body (device-grant.ts checks it); errors as requestTokenAnswer.
 */
export async function requestDeviceAuthorization(url: string, params: Record<string, string>, auth: ClientAuth, owner: string): Promise<Record<string, unknown>> {
  const { status, body } = await post("device_authorization", url, new URLSearchParams(params), auth, owner);
  if (status !== 200 || typeof body.error === "string") {
    const error = typeof body.error === "string" ? body.error.slice(0, 100) : `http_${status}`;
    if (isTransientStatus(status)) {
      throw new VaultError("provider_unreachable", `${owner}'s device authorization endpoint failed with HTTP ${status}.`, { details: { status } });
    }
    throw new OAuthEndpointError(status, error, `${owner}'s device authorization endpoint refused the request: ${error}.`);
  }
  return body;
}

/** RFC 7009; 200 (also for unknown tokens) means done. Returns the HTTP status. */
export async function requestRevocation(
  url: string,
  token: string,
  hint: "refresh_token" | "access_token",
  auth: ClientAuth,
  owner: string,
): Promise<number> {
  const { status } = await post("revocation", url, new URLSearchParams({ token, token_type_hint: hint }), auth, owner);
  return status;
}

// Requests to a provider's token and revocation endpoints (RFC 6749 §4.1.3 / §6, RFC 7009),
// with client authentication by client_secret_post or client_secret_basic.
import { VaultError } from "../errors.js";
import type { TokenAuthMethod } from "./provider-config.js";

export interface TokenResponse {
  accessToken: string;
  tokenType: string;
  refreshToken: string | null;
  expiresIn: number | null;
  scope: string | null;
  idToken: string | null;
  /** Other top-level fields (e.g. Slack's team, Stripe's stripe_user_id), for the account name. */
  extra: Record<string, unknown>;
}

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

async function post(url: string, form: URLSearchParams, auth: ClientAuth): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers = withClientAuth(form, auth);
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers, body: form.toString(), signal: AbortSignal.timeout(15_000), redirect: "error" });
  } catch (e) {
    throw new VaultError("provider_unreachable", `The provider's OAuth endpoint ${new URL(url).origin} could not be reached (${(e as Error).name}).`);
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = Object.fromEntries(new URLSearchParams(text));
  }
  return { status: res.status, body: body && typeof body === "object" ? body : {} };
}

export async function requestToken(url: string, params: Record<string, string>, auth: ClientAuth): Promise<TokenResponse> {
  const { status, body } = await post(url, new URLSearchParams(params), auth);
  // Some providers (GitHub, Slack) answer 200 with an error field.
  if (status !== 200 || typeof body.error === "string" || body.ok === false) {
    const error = typeof body.error === "string" ? body.error : `http_${status}`;
    if (status >= 500) {
      throw new VaultError("provider_unreachable", `The provider's token endpoint failed with HTTP ${status}.`);
    }
    throw new OAuthEndpointError(status, error, `The provider's token endpoint refused the request: ${error}.`);
  }
  const accessToken = body.access_token;
  if (typeof accessToken !== "string" || accessToken === "") {
    throw new OAuthEndpointError(status, "invalid_response", "The provider's token endpoint answered without an access_token.");
  }
  const { access_token: _a, refresh_token, token_type, expires_in, scope, id_token, ...extra } = body;
  const expires = Number(expires_in);
  return {
    accessToken,
    tokenType: typeof token_type === "string" ? token_type : "bearer",
    refreshToken: typeof refresh_token === "string" && refresh_token !== "" ? refresh_token : null,
    expiresIn: Number.isFinite(expires) && expires > 0 ? expires : null,
    scope: typeof scope === "string" ? scope : null,
    idToken: typeof id_token === "string" ? id_token : null,
    extra,
  };
}

/** RFC 7009; 200 (also for unknown tokens) means done. Returns the HTTP status. */
export async function requestRevocation(url: string, token: string, hint: "refresh_token" | "access_token", auth: ClientAuth): Promise<number> {
  const { status } = await post(url, new URLSearchParams({ token, token_type_hint: hint }), auth);
  return status;
}

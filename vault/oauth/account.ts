// Which account a new grant is for (a GitHub login, an email, a Slack workspace), so grants can
// be told apart: from the ID token the provider returned with the code exchange, else its
// userinfo endpoint, else well-known fields of the token response.
import { decodeJwt } from "jose";
import type { TokenResponse } from "./token-endpoint.js";

const NAME_FIELDS = ["email", "login", "preferred_username", "username", "name", "sub", "id"];

function pick(obj: Record<string, unknown>): string | null {
  for (const f of NAME_FIELDS) {
    const v = obj[f];
    if ((typeof v === "string" && v !== "") || typeof v === "number") return String(v);
  }
  return null;
}

export async function accountFor(res: TokenResponse, userinfoUrl: string | null): Promise<string | null> {
  if (res.idToken) {
    // Straight from the token endpoint over the connection we opened (OIDC Core §3.1.3.7 lets
    // TLS stand in for the signature here); it is only used as a label.
    try {
      const name = pick(decodeJwt(res.idToken));
      if (name) return name;
    } catch {
      // not a JWT: fall through
    }
  }
  if (userinfoUrl) {
    try {
      const r = await fetch(userinfoUrl, {
        headers: { authorization: `Bearer ${res.accessToken}`, accept: "application/json" },
        signal: AbortSignal.timeout(10_000),
        redirect: "error",
      });
      if (r.status === 200) {
        const name = pick((await r.json()) as Record<string, unknown>);
        if (name) return name;
      }
    } catch {
      // the account label is optional
    }
  }
  const team = res.extra.team as Record<string, unknown> | undefined;
  if (team && typeof team === "object") return pick(team);
  for (const f of ["stripe_user_id", "account_id", "workspace_name", "user_id"]) {
    const v = res.extra[f];
    if (typeof v === "string" && v !== "") return v;
  }
  return null;
}

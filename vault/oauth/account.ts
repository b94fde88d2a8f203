// Which account a new grant is for (a GitHub login, an email, a Slack workspace), so grants can
// be told apart: from the ID token the provider returned with the code exchange, else its
// userinfo endpoint, else well-known fields of the token response.
import { decodeJwt } from "jose";
import { fetchBounded, OutboundError, parseJson } from "../outbound/bounded.js";
import type { TokenResponse } from "./token-answer.js";

const NAME_FIELDS = ["email", "login", "preferred_username", "username", "name", "sub", "id"];

function pick(obj: Record<string, unknown>): string | null {
  for (const f of NAME_FIELDS) {
    const v = obj[f];
    if ((typeof v === "string" && v !== "") || typeof v === "number") return String(v);
  }
  return null;
}

export interface AccountLookup {
  /** The account's name, or null when none was found. */
  name: string | null;
  /** Why the userinfo endpoint gave no name (too large, unreachable), for the audit row. */
  problem: string | null;
}

export async function accountFor(res: TokenResponse, userinfoUrl: string | null, owner: string): Promise<AccountLookup> {
  if (res.idToken) {
    // Straight from the token endpoint over the connection we opened (OIDC Core §3.1.3.7 lets
    // TLS stand in for the signature here); it is only used as a label.
    try {
      const name = pick(decodeJwt(res.idToken));
      if (name) return { name, problem: null };
    } catch {
      // not a JWT: fall through
    }
  }
  let problem: string | null = null;
  if (userinfoUrl) {
    try {
      const r = await fetchBounded(userinfoUrl, {
        kind: "userinfo",
        owner,
        headers: { authorization: `Bearer ${res.accessToken}`, accept: "application/json" },
      });
      const body = r.status === 200 ? parseJson(r.body) : undefined;
      const name = body !== null && typeof body === "object" ? pick(body as Record<string, unknown>) : null;
      if (name) return { name, problem: null };
    } catch (e) {
      // The account label is optional: the connect goes on without it.
      if (!(e instanceof OutboundError)) throw e;
      problem = e.message;
    }
  }
  return { name: fromTokenAnswer(res), problem };
}

function fromTokenAnswer(res: TokenResponse): string | null {
  const team = res.extra.team as Record<string, unknown> | undefined;
  if (team && typeof team === "object") return pick(team);
  for (const f of ["stripe_user_id", "account_id", "workspace_name", "user_id"]) {
    const v = res.extra[f];
    if (typeof v === "string" && v !== "") return v;
  }
  return null;
}

// The CSRF token of a connect confirmation page view. The page sets it in a SameSite=Strict cookie
// and in its form; the POST that leaves for the provider must carry both, equal, and matching the
// hash stored here for the latest view of that session and provider. A link forged with someone
// else's session therefore cannot skip the page: another site can neither read the token nor
// make the browser send the cookie with its POST. Each token works once.
import { stmt, type Db } from "../storage/db.js";
import { constantTimeEqualHex } from "./compare.js";
import { hashToken, randomToken } from "./pkce.js";

export const CONNECT_CSRF_COOKIE = "alter_connect_csrf";

/** A fresh token for one page view (replacing any earlier view's). */
export function mintConfirmation(db: Db, sessionId: string, provider: string, now: number): string {
  const csrf = randomToken(24);
  stmt(db, "INSERT OR REPLACE INTO connect_confirmations (session_id, provider, csrf_token_hash, created_at) VALUES (?, ?, ?, ?)").run(
    sessionId,
    provider,
    hashToken(csrf),
    new Date(now).toISOString(),
  );
  return csrf;
}

/** True once for the token of the latest view of this session and provider (then it is spent). */
export function consumeConfirmation(db: Db, sessionId: string, provider: string, csrf: string): boolean {
  const row = stmt(db, "SELECT provider, csrf_token_hash FROM connect_confirmations WHERE session_id = ?").get(sessionId) as
    | { provider: string; csrf_token_hash: string }
    | undefined;
  if (!row || row.provider !== provider || !constantTimeEqualHex(row.csrf_token_hash, hashToken(csrf))) return false;
  return stmt(db, "DELETE FROM connect_confirmations WHERE session_id = ? AND csrf_token_hash = ?").run(sessionId, row.csrf_token_hash).changes === 1;
}

/** The value of one cookie from a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

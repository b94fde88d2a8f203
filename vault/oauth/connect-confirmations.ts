// The CSRF token of a connect confirmation page. The page sets it in a SameSite=Strict cookie and
// in its form; the POST that leaves for the provider must carry both, equal, and equal to the
// token derived for that session, provider and page token (an HMAC under the master key). A link
// forged with someone else's session therefore cannot skip the page: another site can neither
// read the token nor make the browser send the cookie with its POST. Every view of the same page
// gets the same token, so a page opened in a second tab (or reloaded) leaves the first one working;
// the token stops mattering when the session ends (the POST then finds no pending session).
import type { AtRest } from "../crypto/at-rest.js";
import { constantTimeEqualHex } from "./compare.js";

const COOKIE_PREFIX = "alter_connect_csrf_";

/** The cookie of one provider's confirmation in a session (provider ids are [a-z0-9-]). */
export const connectCsrfCookie = (provider: string) => `${COOKIE_PREFIX}${provider}`;

export function confirmationToken(crypto: Pick<AtRest, "mac">, sessionId: string, provider: string, pageToken: string): string {
  return crypto.mac("connect-confirm-csrf", `${sessionId}\n${provider}\n${pageToken}`);
}

/** True when the form's token and the cookie are both the token of this page. */
export function confirmationMatches(crypto: Pick<AtRest, "mac">, f: { sessionId: string; provider: string; pageToken: string; csrf: string; cookie: string | undefined }): boolean {
  const want = confirmationToken(crypto, f.sessionId, f.provider, f.pageToken);
  return /^[0-9a-f]{64}$/.test(f.csrf) && f.cookie === f.csrf && constantTimeEqualHex(f.csrf, want);
}

/** The value of one cookie from a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

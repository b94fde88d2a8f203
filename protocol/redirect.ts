// How a provider's redirect is followed, the same in the SDK (retrieve mode) and in the vault
// (proxy mode): which statuses are redirects, what method and body the next request has (RFC 9110
// §15.4, as browsers and fetch do it), which targets are refused, and the hop record an audit row
// names. Whether the credential goes along is decided by each side with its own host check (the
// grant's hosts, https), on every hop; this module never sees a credential.

/** `redirect` of a call: follow (default), hand the 3xx back (`manual`), or fail on one (`error`). */
export type RedirectMode = "follow" | "manual" | "error";

/** What a caller asks of redirects for one call (docs/protocol.md, `POST /v1/proxy`). */
export interface RedirectPolicy {
  mode: RedirectMode;
  /** Hops followed at most before the call fails with `too_many_redirects`. */
  maxRedirects: number;
}

/** One redirect followed: the status that sent it and the host it went to (never a path or query). */
export interface RedirectHop {
  status: number;
  /** `URL.host` of the request the redirect led to. */
  host: string;
}

export const DEFAULT_MAX_REDIRECTS = 5;
/** Upper bound a caller may ask for: a longer chain is a loop, not a download. */
export const MAX_MAX_REDIRECTS = 20;
export const DEFAULT_REDIRECT_POLICY: Readonly<RedirectPolicy> = Object.freeze({ mode: "follow", maxRedirects: DEFAULT_MAX_REDIRECTS });

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Headers that describe a body: dropped with it when a redirect turns the request into a GET. */
export const BODY_HEADERS: readonly string[] = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];

/** Headers that carry credentials of any kind: never sent to a host the credential may not go to. */
export const CREDENTIAL_HEADERS: readonly string[] = ["authorization", "proxy-authorization", "cookie"];

/** Why a redirect is not followed; the codes a caller's error carries. */
export type RedirectRefusal = "too_many_redirects" | "insecure_redirect" | "invalid_redirect" | "redirect_not_followed" | "redirect_body_not_replayable";

/** Whether an answer is a redirect this module follows (a 3xx with a Location). 300, 304, 305 are not. */
export function isFollowableRedirect(status: number, location: string | undefined): location is string {
  return REDIRECT_STATUSES.has(status) && typeof location === "string" && location.trim() !== "";
}

/**
 * The method of the next request and whether the body goes along: 307 and 308 keep both; 303
 * turns anything but GET and HEAD into a GET without a body; 301 and 302 turn a POST into a GET
 * without a body (what every browser and fetch do, RFC 9110 §15.4.2-3) and keep other methods.
 */
export function redirectedMethod(method: string, status: number): { method: string; keepBody: boolean } {
  const m = method.toUpperCase();
  if (status === 303 && m !== "GET" && m !== "HEAD") return { method: "GET", keepBody: false };
  if ((status === 301 || status === 302) && m === "POST") return { method: "GET", keepBody: false };
  return { method: m, keepBody: true };
}

/** The hops as one line for a message or a log: `301 → api.github.com, 302 → codeload.github.com`. */
export function describeHops(hops: readonly RedirectHop[]): string {
  return hops.map((h) => `${h.status} → ${h.host}`).join(", ");
}

/**
 * Reads a policy from a wire value (`request.redirect`, `request.maxRedirects`); `where` names
 * the JSON pointer of the request object in the error. Returns the problem as a sentence.
 */
export function parseRedirectPolicy(mode: unknown, max: unknown): RedirectPolicy | string {
  if (mode !== undefined && mode !== "follow" && mode !== "manual" && mode !== "error") return `redirect must be "follow", "manual" or "error"`;
  if (max !== undefined && !(Number.isInteger(max) && (max as number) >= 0 && (max as number) <= MAX_MAX_REDIRECTS)) {
    return `maxRedirects must be a whole number from 0 to ${MAX_MAX_REDIRECTS}`;
  }
  return { mode: (mode as RedirectMode | undefined) ?? "follow", maxRedirects: (max as number | undefined) ?? DEFAULT_MAX_REDIRECTS };
}

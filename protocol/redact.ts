// Redaction of secret-looking values in URLs and headers, for logs, errors and the audit
// context sent to the vault. Heuristic by design: it errs on the side of hiding a value.

export const REDACTED = "REDACTED";

const SENSITIVE_QUERY_EXACT = new Set([
  "key",
  "sig",
  "code",
  "auth",
  "pwd",
  "pass",
  "jwt",
  "assertion",
  "session",
  "sid",
  "otp",
  "ticket",
  "hash",
]);
// Any parameter or header whose normalised name contains one of these is treated as secret.
const SENSITIVE_FRAGMENTS = ["token", "secret", "password", "passwd", "signature", "apikey", "api_key", "credential", "authorization", "private_key", "access_key", "session_id", "sessionid", "client_key"];

const SENSITIVE_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
  "x-auth",
  "x-auth-token",
  "x-access-token",
  "x-amz-security-token",
  "x-goog-api-key",
  "alter-user-token",
]);
// Headers whose names look sensitive but whose values are not secrets and help debugging.
const SAFE_HEADERS = new Set([
  "www-authenticate",
  "x-oauth-scopes",
  "x-accepted-oauth-scopes",
  "idempotency-key", "alter-key-deprecated", "signature-input", "content-digest", "keep-alive", "x-ratelimit-key"]);

function normalise(name: string): string {
  return name.toLowerCase().replace(/[-.\s]/g, "_");
}

/** Whether a query (or form) parameter with this name holds a secret-looking value. */
export function isSensitiveParam(name: string): boolean {
  const n = normalise(name);
  if (SENSITIVE_QUERY_EXACT.has(n)) return true;
  if (n.endsWith("_key") || n.endsWith("_sig") || n.endsWith("_auth") || n === "auth_code") return true;
  return SENSITIVE_FRAGMENTS.some((f) => n.includes(f));
}

/** Whether a header with this name carries a credential. */
export function isSensitiveHeader(name: string): boolean {
  const n = name.toLowerCase();
  if (SAFE_HEADERS.has(n)) return false;
  if (SENSITIVE_HEADERS.has(n)) return true;
  const u = normalise(n);
  if (u.endsWith("_key") || u.includes("_key_") || u.startsWith("key_")) return true;
  if (u.includes("auth") || u.includes("cookie")) return true;
  return SENSITIVE_FRAGMENTS.some((f) => u.includes(f));
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

/** Redacts `a=1&token=x` style pairs, keeping the original encoding of everything else. */
function redactPairs(text: string): string {
  return text
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq === -1) return pair;
      const name = pair.slice(0, eq);
      return isSensitiveParam(decodeName(name)) && eq < pair.length - 1 ? `${name}=${REDACTED}` : pair;
    })
    .join("&");
}

/**
 * The URL with secret-looking query and fragment values and any userinfo password replaced by
 * `REDACTED`. Works on relative and unparsable URLs too (best effort on the query part).
 */
export function redactUrl(url: string): string {
  // Nothing to redact without a query, a fragment or userinfo (most API paths).
  if (url.indexOf("?") === -1 && url.indexOf("#") === -1 && url.indexOf("@") === -1) return url;
  let rest = url;
  let fragment = "";
  const hash = rest.indexOf("#");
  if (hash !== -1) {
    fragment = `#${redactPairs(rest.slice(hash + 1))}`;
    rest = rest.slice(0, hash);
  }
  let query = "";
  const q = rest.indexOf("?");
  if (q !== -1) {
    query = `?${redactPairs(rest.slice(q + 1))}`;
    rest = rest.slice(0, q);
  }
  // scheme://user:password@host → scheme://user:REDACTED@host
  rest = rest.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, `$1:${REDACTED}@`);
  return rest + query + fragment;
}

export type HeaderRecord = Readonly<Record<string, string | readonly string[] | number | undefined>>;

/** A copy of `headers` with credential-carrying values replaced by `REDACTED`. */
export function redactHeaders(headers: HeaderRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (isSensitiveHeader(name)) out[name] = REDACTED;
    else out[name] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}

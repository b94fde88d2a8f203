// URLs the vault sends secrets or users to must be https, except loopback http for development
// and tests.
import { VaultUsageError } from "../errors.js";
import { maskSecrets, quoted } from "../quote.js";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname) || hostname.startsWith("127.");
}

/** Parses and checks an OAuth/OIDC endpoint; `what` names the flag or field in the error. */
export function assertSafeOAuthUrl(value: unknown, what: string): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new VaultUsageError(`${what} is not a URL: ${quoted(String(value))}.`);
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return url;
  throw new VaultUsageError(`${what} must be an https URL (plain http only for loopback): ${maskSecrets(url.href)}.`);
}

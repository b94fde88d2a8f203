// Checks that the credential arrived exactly where the catalog entry says. Messages name the
// expected place, never the value that was presented.
import type { CatalogInjection } from "../../../catalog/index.js";

/**
 * A token, or a username and password for basic injection, or a check of the presented value
 * (for tokens minted elsewhere, e.g. an OAuth server's access tokens, which change on refresh).
 */
export type StandinCredential = string | { username: string; password: string } | CredentialCheck;
export type CredentialCheck = (presented: string) => boolean;

export interface CredentialVerdict {
  message: string;
  expired: boolean;
}

function matches(c: StandinCredential, value: string): boolean {
  if (typeof c === "function") return c(value);
  return (typeof c === "string" ? c : `${c.username}:${c.password}`) === value;
}

/** The credential the request carries in the catalog's place, or undefined with a reason. */
function presented(injection: CatalogInjection, req: { headers: Record<string, string>; query: URLSearchParams }): { value?: string; reason: string } {
  const auth = req.headers.authorization;
  switch (injection.type) {
    case "bearer": {
      const m = auth !== undefined ? /^Bearer ([^\s]+)$/i.exec(auth) : null;
      return m ? { value: m[1]!, reason: "" } : { reason: "expected the credential as Authorization: Bearer <token>" };
    }
    case "basic": {
      const m = auth !== undefined ? /^Basic ([A-Za-z0-9+/=]+)$/i.exec(auth) : null;
      return m ? { value: Buffer.from(m[1]!, "base64").toString("utf8"), reason: "" } : { reason: "expected the credential as Authorization: Basic <base64>" };
    }
    case "header": {
      const v = req.headers[injection.name.toLowerCase()];
      const prefix = injection.prefix ?? "";
      if (v === undefined || !v.startsWith(prefix)) return { reason: `expected the credential in the ${injection.name} header${prefix ? ` after "${prefix}"` : ""}` };
      return { value: v.slice(prefix.length), reason: "" };
    }
    case "query": {
      const all = req.query.getAll(injection.name);
      return all.length === 1 ? { value: all[0]!, reason: "" } : { reason: `expected the credential once in the ${injection.name} query parameter` };
    }
    case "aws-sigv4":
      return { reason: "AWS SigV4 requests are not checked by this stand-in" };
  }
}

/** Undefined when the request is authorised; else why not (401). */
export function checkCredential(
  injection: CatalogInjection,
  req: { headers: Record<string, string>; query: URLSearchParams },
  accepted: readonly StandinCredential[],
  expired: readonly StandinCredential[],
): CredentialVerdict | undefined {
  const { value, reason } = presented(injection, req);
  if (value === undefined) return { message: reason, expired: false };
  if (expired.some((c) => matches(c, value))) return { message: "the access token expired", expired: true };
  if (!accepted.some((c) => matches(c, value))) return { message: "the credential is not valid", expired: false };
  // "Exactly where the catalog says": the same secret must not also travel somewhere else.
  const own = injection.type === "header" ? injection.name.toLowerCase() : injection.type === "query" ? undefined : "authorization";
  const secret = injection.type === "basic" ? value.slice(value.indexOf(":") + 1) : value;
  // Short test tokens ("t") would match unrelated headers; real and canary secrets are long.
  if (secret.length >= 8) {
    const header = Object.entries(req.headers).find(([name, v]) => name !== own && v.includes(secret));
    if (header) return { message: `the credential was also sent in the ${header[0]} header`, expired: false };
    const query = [...req.query.entries()].find(([name, v]) => !(injection.type === "query" && name === injection.name) && v.includes(secret));
    if (query) return { message: `the credential was also sent in the ${query[0]} query parameter`, expired: false };
  }
  return undefined;
}

// Checks that the credential arrived exactly where the catalog entry says. Messages name the
// expected place, never the value that was presented.
import type { CatalogInjection } from "../catalog/index.js";

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
    case "cookie": {
      const v = cookieValues(req.headers.cookie, injection.name);
      return v.length === 1 ? { value: v[0]!, reason: "" } : { reason: `expected the credential once in the ${injection.name} cookie` };
    }
    case "multi": {
      // Every part in its place; the value compared is the JSON object of the fields, in part order.
      const fields: Record<string, string> = {};
      for (const p of injection.parts) {
        const found = p.in === "query" ? req.query.getAll(p.name) : p.in === "cookie" ? cookieValues(req.headers.cookie, p.name) : [req.headers[p.name.toLowerCase()]].filter((v): v is string => v !== undefined);
        const prefix = p.prefix ?? "";
        if (found.length !== 1 || !found[0]!.startsWith(prefix)) return { reason: `expected the secret field "${p.field}" once in the ${p.name} ${p.in === "query" ? "query parameter" : p.in}` };
        fields[p.field] = found[0]!.slice(prefix.length);
      }
      return { value: JSON.stringify(fields), reason: "" };
    }
    case "aws-sigv4":
      return { reason: "AWS SigV4 requests are not checked by this stand-in" };
  }
}

/** The values of every `name=` pair of a Cookie header. */
function cookieValues(cookie: string | undefined, name: string): string[] {
  return (cookie ?? "")
    .split(";")
    .map((c) => c.trim())
    .filter((c) => c.startsWith(`${name}=`))
    .map((c) => c.slice(name.length + 1));
}

/** The secret values a request carries and the places that may hold them. */
function secretsOf(injection: CatalogInjection, value: string): { secrets: string[]; headers: Set<string>; query: Set<string> } {
  if (injection.type === "multi") {
    const fields = JSON.parse(value) as Record<string, string>;
    return {
      secrets: Object.values(fields),
      headers: new Set(injection.parts.filter((p) => p.in !== "query").map((p) => (p.in === "cookie" ? "cookie" : p.name.toLowerCase()))),
      query: new Set(injection.parts.filter((p) => p.in === "query").map((p) => p.name)),
    };
  }
  const own = injection.type === "header" ? injection.name.toLowerCase() : injection.type === "cookie" ? "cookie" : injection.type === "query" ? undefined : "authorization";
  return {
    secrets: [injection.type === "basic" ? value.slice(value.indexOf(":") + 1) : value],
    headers: new Set(own ? [own] : []),
    query: new Set(injection.type === "query" ? [injection.name] : []),
  };
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
  const { secrets, headers: ownHeaders, query: ownQuery } = secretsOf(injection, value);
  // Short test tokens ("t") would match unrelated headers; real and canary secrets are long.
  for (const secret of secrets.filter((s) => s.length >= 8)) {
    const header = Object.entries(req.headers).find(([name, v]) => !ownHeaders.has(name) && v.includes(secret));
    if (header) return { message: `the credential was also sent in the ${header[0]} header`, expired: false };
    const query = [...req.query.entries()].find(([name, v]) => !ownQuery.has(name) && v.includes(secret));
    if (query) return { message: `the credential was also sent in the ${query[0]} query parameter`, expired: false };
  }
  return undefined;
}

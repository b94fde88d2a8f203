// The one reader of `Authorization: Bearer <token>` for every web adapter (RFC 6750 §2.1): the
// scheme is case-insensitive (RFC 9110 §11.1), one or more spaces separate it from the token, the
// token is a b64token (token68: letters, digits, - . _ ~ + / and trailing =), and a request
// carries one Authorization header. No result and no reason ever contains the token: a reason
// is read by people and lands in logs and 401 bodies.

/** An Authorization header as frameworks hand it over: one value, every value, or none. */
export type AuthorizationHeader = string | readonly string[] | null | undefined;

export type BearerResult =
  /** One well-formed bearer token. */
  | { readonly kind: "token"; readonly token: string }
  /** No Authorization header, or one of another scheme (Basic, …): no bearer credential at all. */
  | { readonly kind: "absent" }
  /** A Bearer credential that is not one token68 (RFC 6750: 401 `invalid_token`). */
  | { readonly kind: "malformed"; readonly reason: string }
  /** Several Authorization headers (RFC 6750: 400 `invalid_request`, more than one method). */
  | { readonly kind: "repeated"; readonly reason: string };

const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const ABSENT: BearerResult = Object.freeze({ kind: "absent" });

/** Whether `value` is a token68 (RFC 6750 b64token), the only shape a bearer token may take. */
export function isToken68(value: string): boolean {
  return TOKEN68.test(value);
}

/** Reads the bearer token of a request from its Authorization header value(s). */
export function parseBearer(header: AuthorizationHeader): BearerResult {
  if (header === null || header === undefined) return ABSENT;
  if (typeof header !== "string") {
    if (header.length === 0) return ABSENT;
    if (header.length > 1) return { kind: "repeated", reason: "the request has more than one Authorization header" };
    return parseBearer(header[0]);
  }
  const value = header.trim();
  if (value === "") return ABSENT;
  const space = value.indexOf(" ");
  const scheme = space < 0 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== "bearer") return ABSENT;
  if (space < 0) return { kind: "malformed", reason: "the Authorization header says Bearer but carries no token" };
  const token = value.slice(space + 1).replace(/^ +/, "");
  if (token === "") return { kind: "malformed", reason: "the Authorization header says Bearer but carries no token" };
  if (!isToken68(token)) {
    return { kind: "malformed", reason: "the bearer token has characters outside the token68 set (letters, digits, - . _ ~ + / and trailing =)" };
  }
  return { kind: "token", token };
}

/**
 * The values of every Authorization header of a Node request, from `rawHeaders` (name, value,
 * name, value, …): `headers.authorization` keeps only the first of several, which would hide a
 * second, conflicting credential.
 */
export function authorizationValues(rawHeaders: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === "authorization") values.push(rawHeaders[i + 1]!);
  }
  return values;
}

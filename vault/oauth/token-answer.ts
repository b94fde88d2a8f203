// What a token endpoint's answer (RFC 6749 §5.1) must look like before the vault stores any of
// it: tokens of visible ASCII and bounded length, a Bearer token type (or one the catalog allows
// for that provider), an expires_in the vault can turn into a date. A bad answer is refused when
// it arrives, with an error naming the provider and the field, never later as a failed call.
export interface TokenResponse {
  accessToken: string;
  /** Lower case; "bearer" unless the catalog allows another type for the provider. */
  tokenType: string;
  refreshToken: string | null;
  /** Seconds; null when the answer has none (the lifetime is unknown). */
  expiresIn: number | null;
  /** The scopes the server says it granted, null when it did not say (RFC 6749 §5.1: as requested). */
  scopes: string[] | null;
  idToken: string | null;
  /** Other top-level fields (e.g. Slack's team, Stripe's stripe_user_id), for the account name. */
  extra: Record<string, unknown>;
}

export interface TokenAnswerRules {
  /** Whose endpoint answered, for messages ("github", "the IDP"). */
  owner: string;
  /** Token types accepted besides Bearer (the catalog's `oauth.tokenTypes`, e.g. Slack's "bot"). */
  tokenTypes?: readonly string[];
}

/** Ten years: longer than any provider's token lifetime, and far inside what a Date can hold. */
export const MAX_EXPIRES_IN = 315_360_000;
/** Longer than any token a provider issues; a header this long is refused by most servers. */
export const MAX_TOKEN_LENGTH = 16_384;
// RFC 6749 A.12/A.17 allow %x20-7E; a space cannot be sent in a Bearer header (RFC 6750 §2.1).
const TOKEN_CHARS = /^[\x21-\x7e]+$/;
// scope-token (RFC 6749 §3.3) plus the separators providers use (space, GitHub's comma).
const SCOPE_CHARS = /^[\x20-\x7e]*$/;

/** The answer was refused by the vault (not by the server): malformed, oversized or unusable. */
export class TokenAnswerError extends Error {
  /** JSON pointer of the refused field, or null for the answer as a whole. */
  readonly field: string | null;
  constructor(message: string, field: string | null = null) {
    super(message);
    this.name = "TokenAnswerError";
    this.field = field;
  }
}

function refuse(rules: TokenAnswerRules, field: string, problem: string): never {
  throw new TokenAnswerError(`${rules.owner}'s token endpoint sent ${field.slice(1)} ${problem}; the vault refused the answer.`, field);
}

/** Checks one token field; never quotes the token itself, only what is wrong with it. */
function checkToken(value: unknown, field: string, rules: TokenAnswerRules): string {
  if (typeof value !== "string") refuse(rules, field, `as ${value === null ? "null" : typeof value}, not a string`);
  if (value === "") refuse(rules, field, "empty");
  if (value.length > MAX_TOKEN_LENGTH) refuse(rules, field, `of ${value.length} characters, over the limit of ${MAX_TOKEN_LENGTH}`);
  if (!TOKEN_CHARS.test(value)) {
    const at = [...value].findIndex((c) => !TOKEN_CHARS.test(c));
    const code = value.codePointAt(at)!;
    const kind = code < 0x20 || code === 0x7f ? "a control character" : code === 0x20 ? "a space" : "a non-ASCII character";
    refuse(rules, field, `containing ${kind} (U+${code.toString(16).toUpperCase().padStart(4, "0")} at offset ${at})`);
  }
  return value;
}

/** The refresh token of an answer, checked, or null when there is none. */
export function refreshTokenOf(body: Record<string, unknown>, rules: TokenAnswerRules): string | null {
  const v = body.refresh_token;
  if (v === undefined || v === null || v === "") return null;
  return checkToken(v, "/refresh_token", rules);
}

/** expires_in: a whole number of seconds (a digit string too: some providers send one). */
function expiresInOf(v: unknown, rules: TokenAnswerRules): number | null {
  if (v === undefined || v === null) return null;
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d{1,12}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_EXPIRES_IN) {
    const shown = JSON.stringify(v)?.slice(0, 40) ?? String(v);
    refuse(rules, "/expires_in", `as ${shown}, not a whole number of seconds from 1 to ${MAX_EXPIRES_IN}`);
  }
  return n;
}

function tokenTypeOf(v: unknown, rules: TokenAnswerRules): string {
  // RFC 6749 requires token_type; some providers (LinkedIn) leave it out of Bearer answers.
  if (v === undefined || v === null) return "bearer";
  if (typeof v !== "string") refuse(rules, "/token_type", `as ${typeof v}, not a string`);
  const type = v.toLowerCase();
  const allowed = ["bearer", ...(rules.tokenTypes ?? []).map((t) => t.toLowerCase())];
  if (!allowed.includes(type)) {
    refuse(rules, "/token_type", `as ${JSON.stringify(v.slice(0, 40))}: the vault only accepts ${allowed.join(", ")} tokens for this provider (the catalog's oauth.tokenTypes)`);
  }
  return type;
}

function scopesOf(v: unknown, rules: TokenAnswerRules): string[] | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") refuse(rules, "/scope", `as ${typeof v}, not a string`);
  if (v.length > MAX_TOKEN_LENGTH || !SCOPE_CHARS.test(v)) refuse(rules, "/scope", "with control or non-ASCII characters, or too long");
  return [...new Set(v.split(/[\s,]+/).filter(Boolean))];
}

/** Validates a successful answer's fields; throws TokenAnswerError naming the first bad one. */
export function validateTokenAnswer(body: Record<string, unknown>, rules: TokenAnswerRules): TokenResponse {
  if (body.access_token === undefined) throw new TokenAnswerError(`${rules.owner}'s token endpoint answered without an access_token.`, "/access_token");
  const { access_token, refresh_token: _r, token_type, expires_in, scope, id_token, ...extra } = body;
  return {
    accessToken: checkToken(access_token, "/access_token", rules),
    tokenType: tokenTypeOf(token_type, rules),
    refreshToken: refreshTokenOf(body, rules),
    expiresIn: expiresInOf(expires_in, rules),
    scopes: scopesOf(scope, rules),
    idToken: id_token === undefined || id_token === null ? null : checkToken(id_token, "/id_token", rules),
    extra,
  };
}

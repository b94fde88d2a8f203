// The injections a document's security schemes add to the classic ones (injection.ts): an API
// key in a cookie, and `multi`, several fields of one JSON secret each in its own place (Trello's
// `key` and `token` query parameters at once). Like injection.ts, nothing here stores, logs or
// formats a credential; a missing field is named, never the values.
import { encodeStrict } from "./percent-encode.js";
import { ProtocolError } from "./errors.js";
import type { CookieInjection, InjectionPart, MultiInjection } from "./wire.js";
export type { CookieInjection, InjectionPart, MultiInjection } from "./wire.js";


export interface PartsRequest {
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
}

function fieldOf(credential: unknown, name: string, injection: string): string {
  const v = (credential as Record<string, unknown> | null)?.[name];
  if (typeof v !== "string" || v === "") {
    throw new ProtocolError("invalid_credential", `the vault returned a credential without "${name}" for ${injection} injection`);
  }
  return v;
}

/** Returns url and headers with the credential applied (new objects; the input is not changed). */
export function injectParts<R extends PartsRequest>(injection: CookieInjection | MultiInjection, credential: unknown, req: R, withoutQueryParam: (url: string, name: string) => string): R {
  const parts: (InjectionPart & { value: string })[] =
    injection.type === "cookie"
      ? [{ in: "cookie", name: injection.name, field: "token", value: fieldOf(credential, "token", "cookie") }]
      : injection.parts.map((p) => ({ ...p, value: fieldOf(credential, p.field, "multi") }));
  const headers = { ...req.headers };
  let url = req.url;
  for (const part of parts) {
    const value = (part.prefix ?? "") + part.value;
    if (part.in === "header") headers[part.name.toLowerCase()] = value;
    else if (part.in === "query") {
      // A next-page link may already carry the parameter: it goes exactly once.
      url = withoutQueryParam(url, part.name);
      url += `${url.includes("?") ? "&" : "?"}${encodeStrict(part.name)}=${encodeStrict(value)}`;
    } else headers.cookie = withCookie(headers.cookie, part.name, value);
  }
  return { ...req, url, headers };
}

/** `cookie` with `name=value` set: any pair of that name the request had is replaced. */
export function withCookie(cookie: string | undefined, name: string, value: string): string {
  const kept = (cookie ?? "")
    .split(";")
    .map((c) => c.trim())
    .filter((c) => c !== "" && c.slice(0, c.indexOf("=") === -1 ? c.length : c.indexOf("=")).trim() !== name);
  return [...kept, `${name}=${value}`].join("; ");
}

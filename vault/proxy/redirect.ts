// The next request of a proxied call after a redirect answer (proxy mode follows redirects by
// protocol/redirect.ts's rules, as the SDK does in retrieve mode). Whether the credential goes
// along is the same check as the first hop's (the provider's hosts, https or a loopback stand-in),
// made again here for every hop; any other host is reached with no credential at all, and only
// where the proxy may connect (never a private or loopback address unless the provider's base
// URL is itself loopback).
import { BODY_HEADERS, CREDENTIAL_HEADERS, redirectedMethod, type RedirectRefusal } from "../../protocol/redirect.js";
import { redirectTarget } from "../../protocol/redirect-target.js";
import { VaultError } from "../errors.js";
import type { EffectiveProvider } from "../grants/provider-config.js";
import type { Injection } from "../grant-types.js";
import { withoutQueryParam } from "../../protocol/injection.js";
import { checkProxyTarget, isInwardHost } from "./target-url.js";

/** One request of a proxied call: the first, or a redirect's hop. */
export interface Hop {
  method: string;
  url: string;
  /** Forwarded headers only (no credential: the vault injects it when `credentialed`). */
  headers: Record<string, string>;
  body: Buffer | null;
  /** Whether this hop is on the provider's hosts and gets the credential. */
  credentialed: boolean;
}

export type NextHop = { hop: Hop; host: string } | { refused: RedirectRefusal; why: string };

/** The hop a redirect (status, scrubbed Location) asks for, or why it is not followed. */
export function nextHop(provider: EffectiveProvider, injection: Injection, current: Hop, status: number, location: string): NextHop {
  const target = redirectTarget(current.url, location);
  if ("refused" in target) return target;
  const url = target.url;
  const { method, keepBody } = redirectedMethod(current.method, status);
  const headers: Record<string, string> = { ...current.headers };
  if (!keepBody) for (const h of BODY_HEADERS) delete headers[h];
  const body = keepBody ? current.body : null;
  if (onProviderTarget(url, provider)) return { hop: { method, url: url.href, headers, body, credentialed: true }, host: url.host };
  const outside = outsideProblem(url, provider);
  if (outside) return { refused: "insecure_redirect", why: outside };
  for (const h of CREDENTIAL_HEADERS) delete headers[h];
  let bare = url.href;
  for (const place of credentialPlaces(injection)) {
    if (place.in === "query") bare = withoutQueryParam(bare, place.name);
    else delete headers[place.name.toLowerCase()];
  }
  return { hop: { method, url: bare, headers, body, credentialed: false }, host: url.host };
}

/** The first hop's check, as it is: on the provider's hosts, over an allowed scheme and address. */
function onProviderTarget(url: URL, provider: EffectiveProvider): boolean {
  try {
    checkProxyTarget(url.href, provider);
    return true;
  } catch (e) {
    if (e instanceof VaultError) return false;
    throw e;
  }
}

/** Why a host outside the provider's may not be reached by the proxy, or undefined when it may. */
function outsideProblem(url: URL, provider: EffectiveProvider): string | undefined {
  const inward = isInwardHost(url);
  if (inward && !provider.loopbackAllowed) return `${url.host} is a private or loopback address; the vault does not proxy there`;
  if (url.protocol !== "https:" && !(inward && provider.loopbackAllowed)) return `${url.host} would be reached over plain http; only https is followed`;
  return undefined;
}

const AWS_HEADERS = ["x-amz-date", "x-amz-security-token", "x-amz-content-sha256"];

/** Where an injection puts the credential, beyond Authorization and Cookie. */
function credentialPlaces(injection: Injection): { in: string; name: string }[] {
  switch (injection.type) {
    case "header":
    case "query":
      return [{ in: injection.type, name: injection.name }];
    case "multi":
      return injection.parts;
    case "aws-sigv4":
      return AWS_HEADERS.map((name) => ({ in: "header", name }));
    default:
      return [];
  }
}

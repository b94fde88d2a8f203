// Where a redirect's Location leads (protocol/redirect.ts holds the rest of the rules). Its own
// module because it hands out a WHATWG URL: the public declarations import redirect.ts, and a
// consumer compiling without DOM or Node types has no URL type to read there.
import type { RedirectRefusal } from "./redirect.js";

export type RedirectTarget = { url: URL } | { refused: RedirectRefusal; why: string };

/**
 * The URL a Location leads to, resolved against the current URL (a relative Location is usual),
 * without its fragment. Refused: a Location that is not a URL, a scheme other than http(s), and
 * any step from https down to http (the next request would travel in clear).
 */
export function redirectTarget(current: string, location: string): RedirectTarget {
  let from: URL;
  let to: URL;
  try {
    from = new URL(current);
    to = new URL(location.trim(), from);
  } catch {
    return { refused: "invalid_redirect", why: "its Location is not a URL" };
  }
  if (to.protocol !== "https:" && to.protocol !== "http:") {
    return { refused: "insecure_redirect", why: `its Location uses the ${to.protocol.replace(/:$/, "")} scheme; only http(s) is followed` };
  }
  if (from.protocol === "https:" && to.protocol === "http:") {
    return { refused: "insecure_redirect", why: `it goes from https down to http (${to.host})` };
  }
  if (to.username !== "" || to.password !== "") return { refused: "invalid_redirect", why: "its Location carries user information" };
  to.hash = "";
  return { url: to };
}

// What an audit row says about the redirects a call followed: `details.redirects`, a list of
// `{ status, host }` (the status that sent each hop and the host it went to: never a path or a
// query, which could carry a signed token), and `details.redirectRefused`, the code of a redirect
// that was not followed. From the proxy's answer, or from what the SDK reports on a retrieval.
import type { RedirectHop, RedirectRefusal } from "../../protocol/redirect.js";
import { MAX_MAX_REDIRECTS } from "../../protocol/redirect.js";
import { VaultError } from "../errors.js";

export type RedirectDetails = {
  redirects?: RedirectHop[];
  redirectRefused?: RedirectRefusal;
};

/** The details fields for a proxied answer, or undefined when it followed and refused nothing. */
export function redirectDetails(res: { redirects?: RedirectHop[]; redirectRefused?: { code: RedirectRefusal } }): RedirectDetails | undefined {
  if (!res.redirects?.length && !res.redirectRefused) return undefined;
  const out: RedirectDetails = {};
  if (res.redirects?.length) out.redirects = res.redirects.map((h) => ({ status: h.status, host: h.host }));
  if (res.redirectRefused) out.redirectRefused = res.redirectRefused.code;
  return out;
}

// A URL host as URL.host writes it: a name or IPv4 address, or a bracketed IPv6 one, with a port.
const HOST = /^(?:[a-z0-9.-]{1,253}|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/;

/** `/request/redirects` of a retrieval: the hops the SDK followed to the URL it asks for. */
export function parseReportedHops(value: unknown): RedirectHop[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > MAX_MAX_REDIRECTS) {
    throw new VaultError("invalid_request", `/request/redirects must be an array of at most ${MAX_MAX_REDIRECTS} hops.`);
  }
  return value.map((hop: unknown, i) => {
    const h = hop as { status?: unknown; host?: unknown } | null;
    if (typeof h?.status !== "number" || !Number.isInteger(h.status) || h.status < 300 || h.status > 399) {
      throw new VaultError("invalid_request", `/request/redirects/${i}/status must be a 3xx status.`);
    }
    if (typeof h.host !== "string" || !HOST.test(h.host)) throw new VaultError("invalid_request", `/request/redirects/${i}/host must be a URL host (name or address, and port).`);
    return { status: h.status, host: h.host };
  });
}

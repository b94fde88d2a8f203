// The vault owns the place where the credential goes. Before a proxied request is stored for
// approval or sent, whatever the caller put in that place (the injection's header or query
// parameter, Authorization, AWS signing headers) and every header the vault never forwards is
// removed. So what an approver is shown is exactly what runs, minus only the credential the
// vault adds, and a stored request never holds a credential.
import type { Injection } from "../grant-types.js";
import { DROP_REQUEST, type ProxyRequest } from "./send.js";

const AWS_HEADERS = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"];

export function withoutCredentialSlot(req: ProxyRequest, injection: Injection): ProxyRequest {
  const slotHeaders = new Set<string>(["authorization"]);
  if (injection.type === "header") slotHeaders.add(injection.name.toLowerCase());
  if (injection.type === "aws-sigv4") for (const h of AWS_HEADERS) slotHeaders.add(h);
  // Cookie and multi injections: every place a part goes (a cookie is never forwarded anyway).
  const parts = injection.type === "multi" ? injection.parts : injection.type === "cookie" ? [{ in: "cookie" as const, name: injection.name }] : [];
  for (const p of parts) if (p.in === "header") slotHeaders.add(p.name.toLowerCase());
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    const name = k.toLowerCase();
    if (!slotHeaders.has(name) && !DROP_REQUEST.has(name)) headers[name] = v;
  }
  let url = injection.type === "query" ? withoutQueryParam(req.url, injection.name) : req.url;
  for (const p of parts) if (p.in === "query") url = withoutQueryParam(url, p.name);
  const out: ProxyRequest = req.redirect ? { method: req.method, url, headers, body: req.body, redirect: req.redirect } : { method: req.method, url, headers, body: req.body };
  if (req.stream) out.stream = true;
  return out;
}

/** Drops every `name=` pair from the query, leaving the rest of the URL byte for byte. */
export function withoutQueryParam(url: string, name: string): string {
  const hash = url.indexOf("#");
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const q = base.indexOf("?");
  if (q < 0) return url;
  const pairs = base.slice(q + 1).split("&");
  const kept = pairs.filter((pair) => decodeName(pair.split("=")[0]!) !== name);
  if (kept.length === pairs.length) return url;
  return base.slice(0, q) + (kept.length ? `?${kept.join("&")}` : "") + (hash >= 0 ? url.slice(hash) : "");
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

// A provider URL named by a caller (proxy and retrieve), checked as written, before anything
// parses it: WHATWG URL parsing resolves dot segments (`%2e` spelt ones too), reads `\` as `/`
// and drops tabs and line breaks, so `/repos/../user` would be audited as written and called as
// `/user`. The runtime refuses such parameter values already; this is the vault's own check.
// Also the check of where the proxy may send (the provider's hosts, https, no private address),
// made for the first request and again for every redirect's hop.
import { VaultError } from "../errors.js";
import { pathStructureProblem, rawPathOf } from "../../protocol/request-safety.js";
import type { EffectiveProvider } from "../grants/provider-config.js";
import { isLoopbackAddress, isPrivateAddress } from "./address.js";

// Whitespace, control characters and backslashes: URL parsing drops or rewrites them.
const REWRITTEN = /[\x00-\x20\x7f\\]/;

function describe(c: string): string {
  if (c === "\\") return "a backslash";
  if (c === " ") return "a space";
  return `the control character 0x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

/** Throws `invalid_request` (naming `pointer`) unless parsing `url` would keep its path as written. */
export function checkTargetAsWritten(url: string, pointer: string): void {
  const bad = REWRITTEN.exec(url);
  if (bad) {
    throw new VaultError("invalid_request", `${pointer} holds ${describe(bad[0])}; URL parsing would drop or reinterpret it, so the URL called would not be the URL given.`);
  }
  for (const segment of rawPathOf(url).split("/")) {
    const problem = pathStructureProblem(segment);
    if (problem) throw new VaultError("invalid_request", `${pointer}: the path segment ${JSON.stringify(segment)} ${problem}; it would change the endpoint.`);
  }
}

/**
 * The one check that a URL a caller names is on the provider's hosts (`URL.host`, port included):
 * a retrieval's credential and a proxied call go nowhere else. Returns the parsed URL.
 */
export function onProviderHosts(url: string, hosts: readonly string[]): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new VaultError("invalid_request", "/request/url is not an absolute URL.");
  }
  if (!hosts.includes(parsed.host)) {
    throw new VaultError("provider_host_not_allowed", `${parsed.host} is not one of the provider's hosts (${hosts.join(", ")}).`, {
      details: { host: parsed.host, hosts },
    });
  }
  return parsed;
}

/** Validates the target against the provider's hosts and scheme rules; returns the parsed URL. */
export function checkProxyTarget(rawUrl: string, provider: EffectiveProvider): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new VaultError("invalid_request", "/request/url is not an absolute URL.");
  }
  if (url.username || url.password) throw new VaultError("invalid_request", "/request/url must not contain credentials.");
  onProviderHosts(rawUrl, provider.hosts);
  const inward = isInwardHost(url);
  if (inward && !provider.loopbackAllowed) {
    throw new VaultError("provider_host_not_allowed", `${url.host} is a private or loopback address; the vault does not proxy there.`, {
      details: { host: url.host },
    });
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && provider.loopbackAllowed && inward)) {
    throw new VaultError("provider_host_not_allowed", "The vault only proxies over https (http only to a loopback stand-in).");
  }
  return url;
}

/** Whether a URL names this machine or a private address literally (DNS is checked at connect). */
export function isInwardHost(url: URL): boolean {
  const literal = url.hostname.replace(/^\[|\]$/g, "");
  return literal === "localhost" || isLoopbackAddress(literal) || ((/^[\d.]+$/.test(literal) || literal.includes(":")) && isPrivateAddress(literal));
}

// The caller's address as policies (IP allowlists) and audit rows see it. Without trusted proxies
// it is the TCP peer, whatever headers say. When the peer is a proxy the operator named
// (`vault start --trusted-proxy <cidr>`), the forwarded chain (X-Forwarded-For, RFC 7239
// Forwarded) is read from the right: each proxy appends the address it received the request
// from, so the right-most address that is not a trusted proxy is the first one nobody trusted can
// have written. Anything left of it may be forged by the client and is never used.
import { isIP } from "node:net";
import type { IncomingMessage } from "node:http";
import { ipAllowed, parseCidr } from "../policy/ip-allowlist.js";

/**
 * What the address is when the forwarded chain cannot be trusted (an entry is not an address,
 * or the two headers disagree). It matches no IP allowlist, so such a request fails closed.
 */
export const UNKNOWN_ADDRESS = "unknown";

/** IPv4 peers on a dual-stack socket appear as ::ffff:a.b.c.d; policies want a.b.c.d. */
export function normalizeAddress(a: string): string {
  return a.startsWith("::ffff:") && a.includes(".") ? a.slice(7) : a;
}

/** Checks every CIDR of a trusted-proxies list; the error names the bad entry and the flag. */
export function validateTrustedProxies(cidrs: readonly string[], flag = "--trusted-proxy"): string[] {
  return cidrs.map((c) => {
    try {
      parseCidr(c);
    } catch (e) {
      throw new Error(`${flag}: ${(e as Error).message}`);
    }
    return c.trim();
  });
}

export interface ForwardedHeaders {
  /** Every X-Forwarded-For header line, in order. */
  xForwardedFor?: readonly string[];
  /** Every Forwarded header line, in order. */
  forwarded?: readonly string[];
}

/** The client address of a request: the peer, or the right-most untrusted forwarded address. */
export function resolveClientAddress(peer: string, headers: ForwardedHeaders, trustedProxies: readonly string[]): string {
  const direct = normalizeAddress(peer);
  if (trustedProxies.length === 0 || !ipAllowed(trustedProxies, direct)) return direct;
  const chains: string[][] = [];
  if (headers.xForwardedFor?.length) chains.push(headers.xForwardedFor.flatMap((line) => line.split(",")).map((s) => s.trim()));
  if (headers.forwarded?.length) chains.push(headers.forwarded.flatMap(forwardedFor));
  if (chains.length === 0) return direct;
  const resolved = chains.map((chain) => fromChain(chain, trustedProxies));
  // A proxy that writes one header passes the other through from the client untouched: when
  // both are present and disagree, one of them is forged and nothing says which.
  return resolved.every((a) => a === resolved[0]) ? resolved[0]! : UNKNOWN_ADDRESS;
}

/** The same, read from a request (header lines kept apart, as the proxies sent them). */
export function clientAddress(req: IncomingMessage, trustedProxies: readonly string[]): string {
  const lines = (name: string) => req.headersDistinct[name];
  return resolveClientAddress(req.socket.remoteAddress ?? "", { xForwardedFor: lines("x-forwarded-for"), forwarded: lines("forwarded") }, trustedProxies);
}

function fromChain(chain: readonly string[], trusted: readonly string[]): string {
  for (let i = chain.length - 1; i >= 0; i--) {
    const address = parseNodeAddress(chain[i]!);
    if (address === undefined) return UNKNOWN_ADDRESS;
    if (!ipAllowed(trusted, address)) return address;
    // Every hop so far was a trusted proxy: the left-most one is where the request entered.
    if (i === 0) return address;
  }
  return UNKNOWN_ADDRESS;
}

/**
 * An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
 * `[2001:db8::1]:4711`. Obfuscated identifiers (`_hidden`) and `unknown` are not addresses.
 */
export function parseNodeAddress(text: string): string | undefined {
  const t = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(t);
  if (bracketed) return isIP(bracketed[1]!) === 6 ? normalizeAddress(bracketed[1]!.toLowerCase()) : undefined;
  if (isIP(t) !== 0) return normalizeAddress(t.toLowerCase());
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(t);
  if (withPort && isIP(withPort[1]!) === 4) return withPort[1];
  return undefined;
}

/**
 * The `for` value of each element of a Forwarded header line (RFC 7239 §4), in order. An element
 * without `for` yields "" (not an address), so the chain still has one entry per proxy.
 */
export function forwardedFor(line: string): string[] {
  const out: string[] = [];
  for (const element of splitOutsideQuotes(line, ",")) {
    if (element.trim() === "") continue;
    let value = "";
    for (const pair of splitOutsideQuotes(element, ";")) {
      const eq = pair.indexOf("=");
      if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== "for") continue;
      value = unquote(pair.slice(eq + 1).trim());
    }
    out.push(value);
  }
  return out;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === "\\" && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, "$1");
  return v;
}

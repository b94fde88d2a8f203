// Performs one provider call for proxy mode: only to the provider's hosts, never to private or
// loopback addresses (checked on the resolved address, so DNS cannot point us inward) unless the
// provider's configured base URL is itself loopback. Redirects are followed hop by hop by the
// caller's policy (redirect.ts decides each hop and whether the credential goes along).
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { Agent, request } from "undici";
import { injectCredential, type OutgoingRequest } from "../../protocol/injection.js";
import { credentialScrubber, type Scrubber } from "../../protocol/scrub.js";
import { VaultError } from "../errors.js";
import type { EffectiveProvider } from "../grants/provider-config.js";
import type { Credential, Injection } from "../grant-types.js";
import { formatBytes, readBounded } from "../outbound/bounded.js";
import { isPrivateAddress } from "./address.js";
import { checkProxyTarget, checkTargetAsWritten } from "./target-url.js";
import { headerValueProblem } from "../../protocol/request-safety.js";
import { DEFAULT_REDIRECT_POLICY, isFollowableRedirect, parseRedirectPolicy, type RedirectHop, type RedirectPolicy, type RedirectRefusal } from "../../protocol/redirect.js";
import { nextHop, type Hop } from "./redirect.js";

export interface ProxyRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Body bytes, or null. */
  body: Buffer | null;
  /** How redirects are treated (`/request/redirect`, `/request/maxRedirects`); default: follow 5. */
  redirect?: RedirectPolicy;
  /** `/request/stream`: a 2xx answer's body is relayed as it arrives (stream-relay.ts), not read first. */
  stream?: boolean;
}

/** A 2xx body still arriving from the provider, and the scrubber its bytes go through. */
export interface ArrivingBody {
  body: AsyncIterable<Uint8Array> & { destroy(error?: Error): unknown };
  scrubber: Scrubber;
}

declare const scrubbedBrand: unique symbol;

/**
 * A provider's answer as the vault relays it: every form of the injected credential taken out
 * of its headers and body (protocol/scrub.ts). Only `sendProxied` makes one, so whatever returns
 * or stores a ProxyResponse (the proxy route, approval results) holds scrubbed data.
 */
export interface ProxyResponse {
  status: number;
  headers: Record<string, string>;
  /** base64 */
  body: string;
  /** The redirects followed to this answer (docs/protocol.md, `POST /v1/proxy`). */
  redirects?: RedirectHop[];
  /** This answer is a redirect that was not followed, and why. */
  redirectRefused?: { code: RedirectRefusal; why: string };
  /** Set for a streamed answer (`body` is then empty): not part of the JSON answer. */
  arriving?: ArrivingBody;
  readonly [scrubbedBrand]: true;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
// Never forwarded from the caller: they belong to the connection or would carry credentials.
export const DROP_REQUEST: ReadonlySet<string> = new Set([
  "host", "connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding",
  "upgrade", "content-length", "authorization", "cookie", "accept-encoding", "expect",
]);
const DROP_RESPONSE = new Set(["connection", "keep-alive", "transfer-encoding", "set-cookie", "content-length", "trailer", "upgrade"]);
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

export { checkProxyTarget } from "./target-url.js";

/** A `lookup` for net.connect that drops private and loopback addresses unless allowed. */
export function guardedLookup(allowInward: boolean) {
  return (hostname: string, options: object, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "", 0);
      const list = addresses as LookupAddress[];
      const ok = allowInward ? list : list.filter((a) => !isPrivateAddress(a.address));
      if (ok.length === 0) {
        const e = new Error(`${hostname} resolves only to private or loopback addresses`) as NodeJS.ErrnoException;
        e.code = "EPRIVATEADDR";
        return callback(e, "", 0);
      }
      if ((options as { all?: boolean }).all) return callback(null, ok);
      callback(null, ok[0]!.address, ok[0]!.family);
    });
  };
}

const agents = new Map<boolean, Agent>();
function agentFor(allowInward: boolean): Agent {
  let a = agents.get(allowInward);
  if (!a) {
    a = new Agent({ connect: { lookup: guardedLookup(allowInward) as never, timeout: 10_000 }, connections: 64 });
    agents.set(allowInward, a);
  }
  return a;
}

export function parseProxyRequest(r: Record<string, unknown>): ProxyRequest {
  const method = typeof r.method === "string" ? r.method.toUpperCase() : "";
  if (!METHODS.has(method)) throw new VaultError("invalid_request", "/request/method must be an HTTP method such as GET or POST.");
  if (typeof r.url !== "string") throw new VaultError("invalid_request", "/request/url is required.");
  checkTargetAsWritten(r.url, "/request/url");
  const headers: Record<string, string> = {};
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== "object" || Array.isArray(r.headers)) throw new VaultError("invalid_request", "/request/headers must be an object of strings.");
    for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) {
      if (typeof v !== "string") throw new VaultError("invalid_request", `/request/headers/${k} must be a string.`);
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) throw new VaultError("invalid_request", `/request/headers: "${k}" is not a header name.`);
      const problem = headerValueProblem(v);
      if (problem) throw new VaultError("invalid_request", `/request/headers/${k.toLowerCase()} ${problem}.`);
      headers[k.toLowerCase()] = v;
    }
  }
  let body: Buffer | null = null;
  if (r.body !== undefined && r.body !== null) {
    if (typeof r.body !== "string" || !/^[A-Za-z0-9+/=_-]*$/.test(r.body)) throw new VaultError("invalid_request", "/request/body must be base64 or null.");
    body = Buffer.from(r.body, "base64");
  }
  const redirect = parseRedirectPolicy(r.redirect, r.maxRedirects);
  if (typeof redirect === "string") throw new VaultError("invalid_request", `/request/${redirect}.`);
  if (r.stream !== undefined && typeof r.stream !== "boolean") throw new VaultError("invalid_request", "/request/stream must be true or false.");
  // What is audited and stored for approval is what will be sent: the URL as parsed (after the
  // check above, parsing can no longer move its path; it only normalises case and escapes).
  let url = r.url;
  try {
    url = new URL(r.url).href;
  } catch {
    /* checkProxyTarget names the problem */
  }
  const parsed: ProxyRequest = r.redirect === undefined && r.maxRedirects === undefined ? { method, url, headers, body } : { method, url, headers, body, redirect };
  if (r.stream === true) parsed.stream = true;
  return parsed;
}

export async function sendProxied(provider: EffectiveProvider, injection: Injection, credential: Credential, req: ProxyRequest, nowMs: number): Promise<ProxyResponse> {
  checkProxyTarget(req.url, provider);
  const policy = req.redirect ?? DEFAULT_REDIRECT_POLICY;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (!DROP_REQUEST.has(k)) headers[k] = v;
  headers["accept-encoding"] = "identity";
  let hop: Hop = { method: req.method, url: req.url, headers, body: req.body, credentialed: true };
  const hops: RedirectHop[] = [];
  for (;;) {
    const answer = await sendHop(provider, injection, credential, hop, nowMs, req.stream === true);
    const location = answer.headers.location;
    if (policy.mode === "manual" || !isFollowableRedirect(answer.status, location)) return relayed(answer, hops);
    if (policy.mode === "error") return relayed(answer, hops, { code: "redirect_not_followed", why: `the call's redirect option is "error"` });
    if (hops.length >= policy.maxRedirects) {
      return relayed(answer, hops, { code: "too_many_redirects", why: `it would be redirect number ${hops.length + 1}, over maxRedirects (${policy.maxRedirects})` });
    }
    // The Location followed is the scrubbed one: a redirect quoting the credential cannot carry it on.
    const next = nextHop(provider, injection, hop, answer.status, location);
    if ("refused" in next) return relayed(answer, hops, { code: next.refused, why: next.why });
    hops.push({ status: answer.status, host: next.host });
    hop = next.hop;
  }
}

interface HopAnswer {
  status: number;
  /** Scrubbed. */
  headers: Record<string, string>;
  /** Scrubbed. */
  body: Uint8Array;
  /** A streamed 2xx body, scrubbed as it is relayed. */
  arriving?: ArrivingBody;
}

/**
 * Sends one hop: with the credential injected when it is on the provider's hosts, else as it is
 * (nextHop took every credential place out). The answer is scrubbed of every form of the
 * credential either way, before anything reads its Location.
 */
async function sendHop(provider: EffectiveProvider, injection: Injection, credential: Credential, hop: Hop, nowMs: number, stream: boolean): Promise<HopAnswer> {
  const outgoing: OutgoingRequest = { method: hop.method, url: hop.url, headers: hop.headers, body: hop.body };
  const injected = hop.credentialed ? injectCredential(injection, credential, outgoing, nowMs) : outgoing;
  let res;
  try {
    res = await request(injected.url, {
      method: injected.method as never,
      headers: injected.headers,
      body: injected.body ?? null,
      dispatcher: agentFor(provider.loopbackAllowed),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    } as Parameters<typeof request>[1]);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EPRIVATEADDR") {
      throw new VaultError("provider_host_not_allowed", "The provider host resolves to a private or loopback address; the vault does not proxy there.");
    }
    throw new VaultError("provider_unreachable", "The vault could not reach the provider; try again.", { details: { cause: code ?? "network" } });
  }
  const outHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined || DROP_RESPONSE.has(k)) continue;
    outHeaders[k] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  // Every header (Location too) and the body lose every form of the credential, whichever hop
  // answered: a host that never received it is scrubbed all the same.
  const scrubber = credentialScrubber(injection, credential, injected.headers);
  // A 2xx is never followed: when the caller streams, its body is relayed as it arrives, unbounded.
  if (stream && res.statusCode >= 200 && res.statusCode < 300) {
    return { status: res.statusCode, headers: scrubber.headers(outHeaders), body: new Uint8Array(0), arriving: { body: res.body, scrubber } };
  }
  let body: Buffer;
  try {
    body = await readBounded(
      res.body,
      MAX_RESPONSE_BYTES,
      () => new VaultError("provider_unreachable", `The provider's response is larger than the proxy accepts (${formatBytes(MAX_RESPONSE_BYTES)}).`),
    );
  } catch (e) {
    if (e instanceof VaultError) throw e;
    throw new VaultError("provider_unreachable", "The provider's response was cut off; try again.");
  }
  return { status: res.statusCode, headers: scrubber.headers(outHeaders), body: scrubber.bytes(body) };
}

function relayed(answer: HopAnswer, hops: RedirectHop[], refused?: ProxyResponse["redirectRefused"]): ProxyResponse {
  const b = answer.body;
  const out = { status: answer.status, headers: answer.headers, body: Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64") } as ProxyResponse;
  if (hops.length) out.redirects = hops;
  if (refused) out.redirectRefused = refused;
  if (answer.arriving) Object.defineProperty(out, "arriving", { value: answer.arriving, enumerable: false });
  return out;
}

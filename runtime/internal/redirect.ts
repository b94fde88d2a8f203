// Following a provider's redirects in retrieve mode (and for operations that need no
// credential): the rules are protocol/redirect.ts's, shared with the vault's proxy. Each hop is a
// new Prepared request; the caller's `send` decides per hop whether the credential goes along
// (only to the grant's hosts, asked of the vault again), so this file never sees one.
import type { Injection } from "../../protocol/wire.js";
import { withoutQueryParam } from "../../protocol/injection.js";
import {
  BODY_HEADERS,
  CREDENTIAL_HEADERS,
  DEFAULT_REDIRECT_POLICY,
  describeHops,
  isFollowableRedirect,
  parseRedirectPolicy,
  redirectedMethod,
  type RedirectHop,
  type RedirectPolicy,
  type RedirectRefusal,
} from "../../protocol/redirect.js";
import { redirectTarget } from "../../protocol/redirect-target.js";
import type { HttpMethod, OperationSpec, ProviderSpec } from "../operation.js";
import { AlterValueError, ProviderAPIError } from "../errors.js";
import { decodeErrorBody, requestIdOf } from "./response.js";
import { isAllowedScheme } from "./call-plan.js";
import type { CallInput, Prepared, ProviderAnswer } from "./call-types.js";

/** The call's redirect policy: its options over the client's defaults; a bad value names the option. */
export function redirectPolicyOf(input: CallInput): RedirectPolicy {
  const o = input.options;
  const d = input.defaults;
  const mode = o?.redirect ?? d?.redirect;
  const max = o?.maxRedirects ?? d?.maxRedirects;
  if (mode === undefined && max === undefined) return DEFAULT_REDIRECT_POLICY;
  const policy = parseRedirectPolicy(mode, max);
  if (typeof policy === "string") {
    // Named where it was set: the call's options, or the defaults the client was created with.
    const field = policy.startsWith("redirect ") ? "redirect" : "maxRedirects";
    const where = o?.[field] !== undefined ? "the call's options" : "the client's defaults";
    throw new AlterValueError(`${input.op.id}: ${policy} (in ${where})`, "invalid_option");
  }
  return policy;
}

/**
 * Sends `first` and follows the redirects it answers with, per `policy`: the answer returned is
 * the last one, with `url` and `redirects` when hops were followed, and `refused` when a redirect
 * was not followed (the caller turns that into the error of `redirectError`).
 */
export async function followRedirects(
  first: Prepared,
  policy: RedirectPolicy,
  send: (hop: Prepared) => Promise<ProviderAnswer>,
): Promise<ProviderAnswer> {
  let hop = first;
  // One time limit for the answer's headers across every hop of the attempt.
  const deadline = performance.now() + first.timeoutMs;
  let answer = await send(hop);
  const hops: RedirectHop[] = [];
  while (policy.mode !== "manual" && isFollowableRedirect(answer.status, answer.headers.location)) {
    const refuse = (code: RedirectRefusal, why: string): ProviderAnswer => ({ ...answer, url: hop.url, redirects: hops, refused: { code, why } });
    if (policy.mode === "error") return refuse("redirect_not_followed", `the call's redirect option is "error"`);
    if (hops.length >= policy.maxRedirects) return refuse("too_many_redirects", `it would be redirect number ${hops.length + 1}, over maxRedirects (${policy.maxRedirects})`);
    const next = nextRequest(hop, answer.status, answer.headers.location);
    if ("refused" in next) return refuse(next.refused, next.why);
    hops.push({ status: answer.status, host: next.host });
    next.redirects = hops.slice();
    next.deadline = deadline;
    hop = next;
    answer = await send(hop);
  }
  return hops.length ? { ...answer, url: hop.url, redirects: hops } : answer;
}

/** The request a redirect answer asks for: method, body and body headers per RFC 9110. */
function nextRequest(p: Prepared, status: number, location: string): Prepared | { refused: RedirectRefusal; why: string } {
  const target = redirectTarget(p.url, location);
  if ("refused" in target) return target;
  if (!isAllowedScheme(target.url)) return { refused: "insecure_redirect", why: `${target.url.host} would be reached over plain http; only https (or http to this machine) is followed` };
  const { method, keepBody } = redirectedMethod(p.method, status);
  const headers: Record<string, string> = { ...p.headers };
  let body = p.body;
  if (!keepBody) {
    body = undefined;
    for (const h of BODY_HEADERS) delete headers[h];
  } else if (body && !body.replayable) {
    return { refused: "redirect_body_not_replayable", why: `a ${status} asks for the body again, and it was a stream that has been sent; pass bytes to follow it` };
  }
  return { ...p, method: method as HttpMethod, url: target.url.href, host: target.url.host, headers, body, retrieved: undefined, rejectedCredential: undefined };
}

/**
 * A hop's request for a host the credential may not go to: no Authorization, Cookie or
 * Proxy-Authorization, none of the injection's headers, none of its query parameters (a Location
 * could quote them back; they are scrubbed already, and dropped here too).
 */
export function withoutCredentialPlaces(hop: Prepared, injection: Injection | undefined): { url: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { ...hop.headers };
  for (const h of CREDENTIAL_HEADERS) delete headers[h];
  let url = hop.url;
  for (const part of credentialPlaces(injection)) {
    if (part.in === "query") url = withoutQueryParam(url, part.name);
    else delete headers[part.name.toLowerCase()];
  }
  return { url, headers };
}

const AWS_HEADERS = ["x-amz-date", "x-amz-security-token", "x-amz-content-sha256"];

/** Where an injection puts the credential, beyond Authorization and Cookie. */
function credentialPlaces(injection: Injection | undefined): { in: string; name: string }[] {
  switch (injection?.type) {
    case "header":
      return [{ in: "header", name: injection.name }];
    case "query":
      return [{ in: "query", name: injection.name }];
    case "multi":
      return injection.parts;
    case "aws-sigv4":
      return AWS_HEADERS.map((name) => ({ in: "header", name }));
    default:
      return [];
  }
}

/** The error of a redirect that was not followed: a ProviderAPIError carrying the 3xx answer. */
export function redirectError(op: Pick<OperationSpec, "id">, provider: Pick<ProviderSpec, "requestIdHeaders">, answer: ProviderAnswer): ProviderAPIError {
  const refused = answer.refused!;
  const chain = answer.redirects?.length ? ` (after ${describeHops(answer.redirects)})` : "";
  return new ProviderAPIError(
    {
      status: answer.status,
      headers: answer.headers,
      body: decodeErrorBody(answer.headers, answer.body),
      requestId: requestIdOf(answer.headers, provider),
      operationId: op.id,
      message: `${op.id}: the provider answered ${answer.status} with a redirect that was not followed${chain}: ${refused.why}`,
    },
    refused.code,
  );
}

// The rules of the vault protocol (docs/protocol.md) that both sides must apply identically:
// the version, the signature label and tags, the covered components, and the time windows.
// The SDK (transport.ts, signed-exchange.ts) and the vault (vault/http/verify.ts, respond.ts)
// import them from here, so a change is always a change to both.
import type { HeaderMap, SignatureParams } from "./signing.js";

/** The protocol version. v2 added the tags, algorithm pinning and alter-* response coverage. */
export const PROTOCOL_VERSION = 2;

/** The Signature / Signature-Input dictionary label of every protocol signature. */
export const SIGNATURE_LABEL = "alter";

/**
 * RFC 9421 `tag` of request signatures. A signature made for anything else (another protocol,
 * another version, a response) never verifies as a request of this protocol.
 */
export const REQUEST_TAG = "alter-gen/v2/request";

/** RFC 9421 `tag` of response signatures; differs from the request's so neither passes for the other. */
export const RESPONSE_TAG = "alter-gen/v2/response";

/** The only algorithm of response signatures (the `response-signing` HMAC key). */
export const RESPONSE_ALG = "hmac-sha256";

/** Longest request validity accepted: `expires - created`, in seconds. The SDK signs with exactly this. */
export const REQUEST_LIFETIME_SECONDS = 60;

/** How far a signature's `created` may be ahead of the verifier's clock (clock skew), in seconds. */
export const CLOCK_SKEW_SECONDS = 30;

/** Response headers whose name starts with this are protocol headers: every one is covered. */
export const PROTOCOL_HEADER_PREFIX = "alter-";

/** Request components, in this order; content-type only with a body, alter-user-token only when sent. */
export function requestComponents(hasBody: boolean, hasUserToken: boolean): readonly string[] {
  return hasBody ? (hasUserToken ? BODY_USER : BODY) : hasUserToken ? NO_BODY_USER : NO_BODY;
}
const NO_BODY = Object.freeze(["@method", "@target-uri", "content-digest"]);
const BODY = Object.freeze(["@method", "@target-uri", "content-digest", "content-type"]);
const NO_BODY_USER = Object.freeze(["@method", "@target-uri", "content-digest", "alter-user-token"]);
const BODY_USER = Object.freeze(["@method", "@target-uri", "content-digest", "content-type", "alter-user-token"]);

/** The components every response signature starts with, in this order. */
export const RESPONSE_FIXED_COMPONENTS = Object.freeze([
  "@status",
  "content-digest",
  "content-type",
  '"@method";req',
  '"@target-uri";req',
  '"signature";req;key="alter"',
]);

/**
 * The protocol (`alter-*`) header names of a response, lower-case and sorted: the response
 * signature covers exactly these after the fixed components, so none can be added or removed.
 */
export function protocolHeaderNames(headers: HeaderMap): string[] {
  let names: string[] | undefined;
  for (const key of Object.keys(headers)) {
    if (key.length >= PROTOCOL_HEADER_PREFIX.length && key.slice(0, PROTOCOL_HEADER_PREFIX.length).toLowerCase() === PROTOCOL_HEADER_PREFIX) {
      if (headers[key] === undefined) continue;
      (names ??= []).push(key.toLowerCase());
    }
  }
  return names === undefined ? NONE : names.sort();
}
const NONE: string[] = [];

/** Every covered component of a response that carries these protocol headers. */
export function responseComponents(protocolHeaders: readonly string[]): readonly string[] {
  return protocolHeaders.length === 0 ? RESPONSE_FIXED_COMPONENTS : [...RESPONSE_FIXED_COMPONENTS, ...protocolHeaders];
}

/** Why a signature's time parameters are refused: a stable code and one sentence. */
export interface WindowRefusal {
  code: "signature_expired" | "signature_future" | "signature_invalid";
  message: string;
}

/**
 * The request window, on the verifier's clock `nowMs` (milliseconds): a request is accepted
 * from `created - 30 s` until `expires` (inclusive), and `expires - created` must be 1..60 s.
 */
export function checkRequestWindow(params: SignatureParams, nowMs: number): WindowRefusal | undefined {
  const { created, expires } = params;
  if (created === undefined || expires === undefined) {
    return { code: "signature_invalid", message: "the signature needs both created and expires" };
  }
  const lifetime = expires - created;
  if (lifetime <= 0) return { code: "signature_invalid", message: "the signature's expires is not after its created" };
  if (lifetime > REQUEST_LIFETIME_SECONDS) {
    return { code: "signature_expired", message: `the signature is valid for ${lifetime} s; at most ${REQUEST_LIFETIME_SECONDS} s are accepted` };
  }
  if (created * 1000 > nowMs + CLOCK_SKEW_SECONDS * 1000) {
    return { code: "signature_future", message: `the signature was created more than ${CLOCK_SKEW_SECONDS} s in the future` };
  }
  if (nowMs > expires * 1000) return { code: "signature_expired", message: "the signature has expired" };
  return undefined;
}

/**
 * The response window, on the SDK's clock: the answer's `created` lies between the request's
 * `created - 30 s` (a vault clock behind ours) and `now + 30 s`.
 */
export function checkResponseWindow(created: number | undefined, requestCreated: number, nowMs: number): WindowRefusal | undefined {
  if (created === undefined) return { code: "signature_invalid", message: "the vault's answer has no created parameter" };
  if (created * 1000 > nowMs + CLOCK_SKEW_SECONDS * 1000) {
    return { code: "signature_future", message: "the vault's answer was signed in the future" };
  }
  if (created < requestCreated - CLOCK_SKEW_SECONDS) {
    return { code: "signature_expired", message: "the vault's answer was signed before the request was sent" };
  }
  return undefined;
}

// Writes responses. Every answer to a request whose key is known is signed, bound to the
// request's signature (`"signature";req;key="alter"`), errors included, and covers every
// protocol (`alter-*`) header it carries, so none can be added or removed on the way.
import type { IncomingMessage, ServerResponse } from "node:http";
import { signMessage } from "../../protocol/signing.js";
import { createContentDigest } from "../../protocol/digest.js";
import { RESPONSE_ALG, RESPONSE_TAG, SIGNATURE_LABEL, protocolHeaderNames, responseComponents } from "../../protocol/rules.js";
import { VaultError } from "../errors.js";
import { mayHaveBody } from "./body.js";
import type { RouteResult } from "./context.js";
import type { KeyInfo } from "./verify.js";
import { PAGE_SCRIPT_CSP } from "./pages/layout.js";
import { relayStream, streamHeadHeaders } from "./stream-relay.js";

export interface SigningInfo {
  key: KeyInfo;
  url: string;
  nowSec: number;
}

export function send(req: IncomingMessage, res: ServerResponse, result: RouteResult, signing?: SigningInfo): void {
  const headers: Record<string, string> = result.headers === undefined ? { "cache-control": "no-store" } : { "cache-control": "no-store", ...result.headers };
  // The body as a string: signed and counted as its UTF-8 bytes, and written by res.end() in the
  // same write as the header block (node:http joins a string body to it; a Buffer body goes out
  // as a second chunk of a writev).
  let body: string;
  if (result.location !== undefined) {
    headers.location = result.location;
    body = "";
  } else if (result.html !== undefined) {
    headers["content-type"] = "text/html; charset=utf-8";
    const formAction = result.formActions === "any" ? "" : ` form-action ${["'self'", ...(result.formActions ?? [])].join(" ")};`;
    headers["content-security-policy"] = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${PAGE_SCRIPT_CSP};${formAction} frame-ancestors 'none'`;
    headers["x-frame-options"] = "DENY";
    headers["referrer-policy"] = "no-referrer";
    body = result.html;
  } else {
    headers["content-type"] = "application/json";
    body = JSON.stringify(result.json ?? {});
  }
  // A streamed answer: the JSON is its head, signed as a body would be (stream-relay.ts).
  if (result.stream) streamHeadHeaders(headers);
  if (signing && hasAlterSignature(req)) {
    signInto(req, result.status, headers, body, signing);
  }
  if (result.stream) {
    if (signing) return relayStream(res, headers, Buffer.from(body, "utf8"), result.stream, signing.key.keys.responseSigning);
    result.stream.body.destroy();
  }
  headers["content-length"] = String(Buffer.byteLength(body, "utf8"));
  // Answered before its body was read (refused, or too large): the rest of the body is not
  // wanted, so the connection closes after the answer instead of reading it to reuse it. A
  // request without a body has nothing left to read, even when it is answered before the parser
  // has marked it complete (an unsigned route answers in the 'request' event itself).
  if (!req.complete && mayHaveBody(req)) headers.connection = "close";
  res.writeHead(result.status, headers);
  res.end(req.method === "HEAD" ? undefined : body, "utf8");
}

function signInto(req: IncomingMessage, status: number, headers: Record<string, string>, body: string, signing: SigningInfo): void {
  headers["content-digest"] = createContentDigest(body);
  if (signing.key.apiKey.state === "deprecated" && signing.key.apiKey.sunsetAt) {
    headers["alter-key-deprecated"] = signing.key.apiKey.sunsetAt;
  }
  try {
    const signed = signMessage(
      { status, headers, request: { method: req.method ?? "GET", url: signing.url, headers: req.headers } },
      {
        label: SIGNATURE_LABEL,
        components: responseComponents(protocolHeaderNames(headers)),
        params: { created: signing.nowSec, keyid: signing.key.apiKey.id, alg: RESPONSE_ALG, tag: RESPONSE_TAG },
        key: { alg: RESPONSE_ALG, key: signing.key.keys.responseSigning },
      },
    );
    headers["signature-input"] = signed.signatureInput;
    headers.signature = signed.signature;
  } catch {
    // The request's Signature field has no usable `alter` member to bind to: such an answer
    // (always an error) goes out unsigned and the SDK treats it as unverified.
  }
}

function hasAlterSignature(req: IncomingMessage): boolean {
  return req.headers.signature !== undefined && req.headers["signature-input"] !== undefined;
}

export function errorResult(e: VaultError): RouteResult {
  return { status: e.status, json: e.toJSON() };
}

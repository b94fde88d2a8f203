// Verifies a signed request per docs/protocol.md, with runtime/signing.ts (the same code the SDK
// signs with, itself checked against the RFC 9421 test vectors).
import { createPublicKey, type KeyObject } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { parseMessageSignature, verifyMessage, type SignatureKey, type SignatureParams } from "../../runtime/signing.js";
import { verifyContentDigest } from "../../runtime/digest.js";
import { SignatureError } from "../../runtime/errors.js";
import { VaultError } from "../errors.js";
import { getApiKey, openDerivedKeys, type ApiKeyRecord, type DerivedKeys } from "../storage/api-keys.js";
import type { VaultState } from "./context.js";
import type { NonceCache } from "./nonce-cache.js";

export const LABEL = "alter";
export const MAX_AGE_SECONDS = 60;
export const MAX_FUTURE_SECONDS = 30;
export const MAX_VALIDITY_SECONDS = 300;

/** What is known about the caller's key, even when verification fails later (to sign errors). */
export interface KeyInfo {
  apiKey: ApiKeyRecord;
  keys: DerivedKeys;
  /** The request's signature bytes for label alter, which the response binds to. */
  requestSignature: Buffer;
}

export interface VerifiedRequest extends KeyInfo {
  nonce: string;
  params: SignatureParams;
}

export class KeyCache {
  readonly #keys = new Map<string, DerivedKeys>();
  readonly #ed = new Map<string, KeyObject>();

  derived(state: VaultState, id: string): DerivedKeys | undefined {
    let k = this.#keys.get(id);
    if (!k) {
      k = openDerivedKeys(state.db, state.crypto, id);
      if (k) this.#keys.set(id, k);
    }
    return k;
  }

  ed25519(apiKey: ApiKeyRecord): KeyObject {
    let k = this.#ed.get(apiKey.id);
    if (!k) {
      k = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: apiKey.ed25519PublicKey! }, format: "jwk" });
      this.#ed.set(apiKey.id, k);
    }
    return k;
  }
}

/** The absolute target URI the SDK signed: our scheme, its Host header, the request target. */
export function targetUri(req: IncomingMessage, scheme: "http" | "https", publicUrl?: string): string {
  const target = req.url ?? "/";
  if (publicUrl) return publicUrl.replace(/\/$/, "") + target;
  return `${scheme}://${req.headers.host ?? ""}${target}`;
}

/**
 * Looks the key up before verification so that errors can be signed too. Returns undefined
 * when the request names no key or an unknown one (such answers cannot be signed).
 */
export function peekKey(state: VaultState, cache: KeyCache, req: IncomingMessage): KeyInfo | undefined {
  try {
    const parsed = parseMessageSignature({ headers: req.headers }, LABEL);
    const id = parsed.params.keyid;
    if (!id) return undefined;
    const apiKey = getApiKey(state.db, id);
    if (!apiKey) return undefined;
    const keys = cache.derived(state, id);
    if (!keys) return undefined;
    return { apiKey, keys, requestSignature: parsed.signature };
  } catch {
    return undefined;
  }
}

export function verifyRequest(
  state: VaultState,
  cache: KeyCache,
  nonces: NonceCache,
  req: IncomingMessage,
  url: string,
  rawBody: Buffer,
  known: KeyInfo | undefined,
): VerifiedRequest {
  const nowMs = state.now();
  const nowSec = Math.floor(nowMs / 1000);
  const required = ["@method", "@target-uri", "content-digest"];
  if (rawBody.length > 0 || req.headers["content-type"] !== undefined) required.push("content-type");
  if (req.headers["alter-user-token"] !== undefined) required.push("alter-user-token");

  let verified;
  try {
    verified = verifyMessage(
      { method: req.method ?? "GET", url, headers: req.headers },
      {
        label: LABEL,
        requiredComponents: required,
        requiredParams: ["created", "expires", "nonce", "keyid"],
        now: nowSec,
        maxAgeSeconds: MAX_AGE_SECONDS,
        maxFutureSeconds: MAX_FUTURE_SECONDS,
        maxValiditySeconds: MAX_VALIDITY_SECONDS,
        resolveKey: (params) => resolveKey(state, cache, known, params, nowMs),
      },
    );
  } catch (e) {
    throw toVaultError(e);
  }
  const p = verified.params;
  // Nothing signed before this process started can be accepted: the nonce cache of the
  // previous process is gone, so such a request could be a replay.
  if (p.created! * 1000 < state.startedAt) {
    throw new VaultError("signature_replayed", "The request was signed before the vault started; sign it again.");
  }
  const validUntil = Math.max(p.expires!, p.created! + MAX_AGE_SECONDS) * 1000 + 1000;
  if (!nonces.remember(`${p.keyid}:${p.nonce}`, validUntil, nowMs)) {
    throw new VaultError("signature_replayed", "This request's nonce was already used; every request needs a fresh signature.");
  }
  try {
    verifyContentDigest(headerString(req, "content-digest"), rawBody);
  } catch (e) {
    throw toVaultError(e);
  }
  const info = known ?? peekKey(state, cache, req);
  if (!info) throw new VaultError("unknown_key", "The key id is not a key of this vault.");
  return { ...info, nonce: p.nonce!, params: p };
}

function resolveKey(state: VaultState, cache: KeyCache, known: KeyInfo | undefined, params: SignatureParams, nowMs: number): SignatureKey {
  const id = params.keyid!;
  const apiKey = known?.apiKey.id === id ? known.apiKey : getApiKey(state.db, id);
  if (!apiKey) throw new SignatureError("unknown_key", "the key id is not a key of this vault");
  if (apiKey.state === "revoked") throw new SignatureError("key_revoked", "the API key was revoked");
  if (apiKey.state === "deprecated" && apiKey.sunsetAt && Date.parse(apiKey.sunsetAt) <= nowMs) {
    throw new SignatureError("key_revoked", "the API key was deprecated and its sunset date has passed");
  }
  const alg = params.alg ?? "hmac-sha256";
  if (alg === "ed25519") {
    if (!apiKey.ed25519PublicKey) throw new SignatureError("signature_invalid", "this key has no registered Ed25519 public key");
    return { alg: "ed25519", key: cache.ed25519(apiKey) };
  }
  if (alg !== "hmac-sha256") throw new SignatureError("signature_invalid", `unsupported signature algorithm ${alg}`);
  const keys = cache.derived(state, id);
  if (!keys) throw new SignatureError("unknown_key", "the key id is not a key of this vault");
  return { alg: "hmac-sha256", key: keys.requestSigning };
}

function headerString(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

const MESSAGES: Record<string, string> = {
  signature_missing: "The request is not signed, or its signature does not cover the required components.",
  unknown_key: "The key id is not a key of this vault.",
  key_revoked: "The API key was revoked; use another key.",
  signature_expired: "The request signature has expired; check the clock and sign again.",
  signature_future: "The request signature was created in the future; check the clock.",
  signature_replayed: "This request was already received; every request needs a fresh signature.",
  digest_mismatch: "The Content-Digest does not match the body.",
  signature_invalid: "The request signature does not verify.",
};

function toVaultError(e: unknown): VaultError {
  if (e instanceof VaultError) return e;
  if (e instanceof SignatureError && e.code !== "seal_invalid") {
    return new VaultError(e.code, MESSAGES[e.code] ?? "The request signature does not verify.", { details: { reason: e.message } });
  }
  return new VaultError("signature_invalid", "The request signature does not verify.");
}

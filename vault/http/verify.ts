// Verifies a signed request's headers per docs/protocol.md, before any byte of its body is read:
// the signature (protocol/signing.ts, checked against the RFC 9421 test vectors), the key and its
// pinned algorithm, the time window, the nonce, and the Content-Digest the body must then match
// (body.ts). Each step returns a Checked value with a typed Refusal, never throws.
import { createPublicKey, type KeyObject } from "node:crypto";
import type { IncomingMessage } from "node:http";
import {
  assertSingleLineFields,
  parseMessageSignature,
  verifyParsedSignature,
  type ComponentId,
  type MessageView,
  type ParsedSignature,
  type SignatureKey,
  type SignatureParams,
} from "../../protocol/signing.js";
import { parseContentDigest, type StatedDigest } from "../../protocol/digest.js";
import { ProtocolError } from "../../protocol/errors.js";
import { REQUEST_TAG, SIGNATURE_LABEL, checkRequestWindow, protocolHeaderNames } from "../../protocol/rules.js";
import type { ApiKeyRecord, DerivedKeys } from "../storage/api-keys.js";
import type { RecordView } from "../storage/store/record-cache.js";
import type { VaultState } from "./context.js";
import type { ReplayGuard } from "./replay.js";
import { mayHaveBody } from "./body.js";
import { isRefusalCode, refusal, type Checked } from "./refusal.js";

/** What is known about the caller's key once it is found (answers are then signed, errors too). */
export interface KeyInfo {
  apiKey: ApiKeyRecord;
  keys: DerivedKeys;
  /** The request's signature bytes for label alter, which the response binds to. */
  requestSignature: Buffer;
  /** The record reads of this request, current as of its one version read. */
  records: RecordView;
}

export interface VerifiedRequest extends KeyInfo {
  nonce: string;
  params: SignatureParams;
  /** The digests the body must match (Content-Digest, parsed). */
  digests: StatedDigest[];
}

/** The outcome of the header stage, with the key whenever it was found (to sign the answer). */
export interface HeaderVerdict {
  key: KeyInfo | undefined;
  result: Checked<VerifiedRequest>;
}

export interface Verifier {
  state: VaultState;
  keys: KeyCache;
  nonces: ReplayGuard;
}

export class KeyCache {
  readonly #keys = new Map<string, DerivedKeys>();
  readonly #ed = new Map<string, KeyObject>();

  /**
   * The key's record (from the record cache, current as of the request's version read: a
   * revocation counts at the next request) and its derived keys, opened once per process (they
   * never change for a key id). Not an async function: a known key's lookup is the record
   * read's own promise, with no layer of its own.
   */
  lookup(state: VaultState, records: RecordView, id: string): Promise<{ apiKey: ApiKeyRecord; keys: DerivedKeys } | undefined> {
    const known = this.#keys.get(id);
    if (known) return records.apiKey(id).then((apiKey) => apiKey && { apiKey, keys: known });
    return state.store.apiKeys.getWithKeys(id).then((found) => {
      if (!found) return undefined;
      this.#keys.set(id, found.derived);
      return { apiKey: found.key, keys: found.derived };
    });
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
 * The header stage, step by step. The signature is checked before the parameters it covers are
 * trusted, so a forged request is `signature_invalid` whatever its times say, and its nonce is
 * never remembered.
 */
export async function verifyRequestHeaders(v: Verifier, req: IncomingMessage, url: string): Promise<HeaderVerdict> {
  const view: MessageView = { method: req.method ?? "GET", url, headers: req.headersDistinct };
  const parsed = parseStep(view);
  if (!parsed.ok) return { key: undefined, result: parsed };
  const keyId = parsed.value.params.keyid;
  const found = await lookupStep(v, keyId, parsed.value);
  if (!found.ok) return { key: undefined, result: found };
  const key = found.value;
  const params = parsed.value.params;
  const nowMs = v.state.now();
  // The steps in order, each only once all before it passed (straight calls: no closures per request).
  let refused: Checked<never> | undefined = failed(stateStep(key.apiKey, nowMs));
  let signingKey: SignatureKey | undefined;
  if (refused === undefined) {
    const pinned = algorithmStep(v, key, params);
    if (pinned.ok) signingKey = pinned.value;
    else refused = pinned;
  }
  refused ??= failed(formStep(parsed.value, req, view, keyId)) ?? failed(signatureStep(view, parsed.value, signingKey!, keyId)) ?? failed(windowStep(v, params, nowMs, keyId));
  if (refused !== undefined) return { key, result: refused };
  // The nonce last: it is remembered only for a request that passed every other check. The
  // in-memory guard answers at once; only the durable one is awaited.
  const fresh = v.nonces.remember(params.keyid!, params.nonce!, params.expires! * 1000, nowMs);
  const replayed = (typeof fresh === "boolean" ? fresh : await fresh) ? undefined : refusal("signature_replayed", "the nonce was already used", keyId);
  return { key, result: replayed ?? digestStep(req, key, params) };
}

/** The refusal of a step that refused, undefined when it passed. */
function failed(r: Checked<unknown>): Checked<never> | undefined {
  return r.ok ? undefined : r;
}

function fromProtocolError(e: unknown, keyId: string | undefined): Checked<never> {
  if (e instanceof ProtocolError && isRefusalCode(e.code)) return refusal(e.code, e.message, keyId);
  return refusal("signature_invalid", "the signature could not be checked", keyId);
}

function parseStep(view: MessageView): Checked<ParsedSignature> {
  try {
    const parsed = parseMessageSignature(view, SIGNATURE_LABEL);
    if (!parsed.params.keyid) return refusal("signature_invalid", "the signature has no keyid parameter", undefined);
    return { ok: true, value: parsed };
  } catch (e) {
    return fromProtocolError(e, undefined);
  }
}

/**
 * The key the signature names; unknown keys cannot sign their refusal. The request's one read
 * of the record versions happens here, before its first record read.
 */
async function lookupStep(v: Verifier, keyId: string | undefined, parsed: ParsedSignature): Promise<Checked<KeyInfo>> {
  if (keyId === undefined) return refusal("unknown_key", "the key id is not a key of this vault", keyId);
  const records = await v.state.store.records.view();
  const found = await v.keys.lookup(v.state, records, keyId);
  if (!found) return refusal("unknown_key", "the key id is not a key of this vault", keyId);
  return { ok: true, value: { apiKey: found.apiKey, keys: found.keys, requestSignature: parsed.signature, records } };
}

function stateStep(apiKey: ApiKeyRecord, nowMs: number): Checked<void> {
  if (apiKey.state === "revoked") return refusal("key_revoked", "the API key was revoked", apiKey.id);
  if (apiKey.state === "deprecated" && apiKey.sunsetAt && Date.parse(apiKey.sunsetAt) <= nowMs) {
    return refusal("key_revoked", "the API key was deprecated and its sunset date has passed", apiKey.id);
  }
  return { ok: true, value: undefined };
}

/**
 * The key's one algorithm: a key registered with an Ed25519 public key signs requests only with
 * ed25519, any other key only with its HMAC key. The `alg` parameter must name it.
 */
function algorithmStep(v: Verifier, key: KeyInfo, params: SignatureParams): Checked<SignatureKey> {
  const pinned: SignatureKey = key.apiKey.ed25519PublicKey
    ? { alg: "ed25519", key: v.keys.ed25519(key.apiKey) }
    : { alg: "hmac-sha256", key: key.keys.requestSigning };
  if (params.alg !== pinned.alg) {
    const said = params.alg === undefined ? "no alg parameter" : `alg ${params.alg.slice(0, 40)}`;
    return refusal("signature_invalid", `the signature has ${said}, but this key signs only with ${pinned.alg}`, key.apiKey.id);
  }
  return { ok: true, value: pinned };
}

const REQUIRED_PARAMS = ["created", "expires", "nonce", "keyid", "alg"] as const;

/** The tag, the parameters, the covered components, and one line per covered header field. */
function formStep(parsed: ParsedSignature, req: IncomingMessage, view: MessageView, keyId: string | undefined): Checked<void> {
  const { params, components } = parsed;
  if (params.tag !== REQUEST_TAG) {
    const said = params.tag === undefined ? "no tag" : `the tag "${params.tag.slice(0, 60)}"`;
    return refusal("signature_invalid", `the signature has ${said}; this vault speaks protocol v2 (tag "${REQUEST_TAG}")`, keyId);
  }
  for (const name of REQUIRED_PARAMS) {
    if (params[name] === undefined) return refusal("signature_invalid", `the signature has no ${name} parameter`, keyId);
  }
  for (const name of requiredComponents(req)) {
    if (!covers(components, name)) return refusal("signature_missing", `the signature does not cover "${name}"`, keyId);
  }
  // @target-uri is built from Host: a second Host line is a second opinion about the target.
  const hosts = req.headersDistinct.host;
  if (hosts !== undefined && hosts.length > 1) return refusal("signature_invalid", "the Host field appears more than once", keyId);
  try {
    assertSingleLineFields(view, components);
  } catch (e) {
    return fromProtocolError(e, keyId);
  }
  return { ok: true, value: undefined };
}

/**
 * What the signature must cover: the fixed three, content-type when a body may come, and every
 * protocol (`alter-*`) header present, so none reaches a handler unsigned (Alter-User-Token today).
 */
function requiredComponents(req: IncomingMessage): string[] {
  const names = ["@method", "@target-uri", "content-digest"];
  if (mayHaveBody(req) || req.headers["content-type"] !== undefined) names.push("content-type");
  for (const name of protocolHeaderNames(req.headersDistinct)) names.push(name);
  return names;
}

function covers(components: readonly ComponentId[], name: string): boolean {
  return components.some((c) => c.name === name && c.params.size === 0);
}

function signatureStep(view: MessageView, parsed: ParsedSignature, key: SignatureKey, keyId: string | undefined): Checked<void> {
  try {
    verifyParsedSignature(view, parsed, key);
    return { ok: true, value: undefined };
  } catch (e) {
    return fromProtocolError(e, keyId);
  }
}

function windowStep(v: Verifier, params: SignatureParams, nowMs: number, keyId: string | undefined): Checked<void> {
  const refused = checkRequestWindow(params, nowMs);
  if (refused !== undefined) return refusal(refused.code, refused.message, keyId);
  // An in-memory nonce cache of a previous process is gone, so a request signed before this
  // one started could be a replay: refused. Durable nonces (PostgreSQL) outlive the process.
  if (!v.nonces.durable && params.created! * 1000 < v.state.startedAt) {
    return refusal("signature_replayed", "the request was signed before the vault started", keyId);
  }
  return { ok: true, value: undefined };
}

function digestStep(req: IncomingMessage, key: KeyInfo, params: SignatureParams): Checked<VerifiedRequest> {
  const lines = req.headersDistinct["content-digest"];
  try {
    const digests = parseContentDigest(lines?.[0]);
    return { ok: true, value: { apiKey: key.apiKey, keys: key.keys, requestSignature: key.requestSignature, records: key.records, nonce: params.nonce!, params, digests } };
  } catch (e) {
    return fromProtocolError(e, key.apiKey.id);
  }
}

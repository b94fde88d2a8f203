// The SDK's half of one signed exchange with the vault (docs/protocol.md): sign a request, then
// verify that the answer is the vault's answer to exactly that request. Every vault call pays
// for both, so the shapes the protocol fixes (our own request; the vault's canonical answer) are
// handled by direct string work, and anything else goes to the general RFC 9421 code of
// signing.ts, whose verdicts are the reference: test/runtime/signed-exchange.test.ts checks that
// both paths agree on every case.
import { createHmac, hash, randomBytes, timingSafeEqual } from "node:crypto";
import { verifyContentDigest } from "../../protocol/digest.js";
import { SignatureError } from "../errors.js";
import { sdkError } from "./protocol-errors.js";
import {
  REQUEST_LIFETIME_SECONDS,
  REQUEST_TAG,
  RESPONSE_ALG,
  RESPONSE_TAG,
  SIGNATURE_LABEL,
  checkResponseWindow,
  protocolHeaderNames,
  requestComponents,
  responseComponents,
} from "../../protocol/rules.js";
import { serializeInnerList } from "../../protocol/structured-fields.js";
import { signBase, signMessage, toComponentId, verifyMessage, type MessageView, type SignatureKey } from "../../protocol/signing.js";

/** What the SDK sends: the transport has checked the method (upper-case) and the user token (one line). */
export interface VaultRequest {
  method: string;
  /** Absolute URL of the vault endpoint. */
  url: string;
  /** JSON bytes, or undefined for no body. */
  body: Buffer | undefined;
  userToken: string | undefined;
}

/** The request-signing key and its id: HMAC (the derived key) or the registered Ed25519 key. */
export interface RequestSigner {
  keyId: string;
  key: SignatureKey;
}

export interface SignedVaultRequest {
  method: string;
  url: string;
  /** Unix seconds of `created`. */
  created: number;
  /** The signature's nonce: the additional data of values sealed in the answer. */
  nonce: string;
  /** The `Signature` field value (`alter=:…:`), which the answer binds to. */
  signature: string;
}

/** The vault's answer as undici hands it over. */
export interface VaultAnswer {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

/**
 * Signs `request` for the vault: adds Content-Digest, Content-Type (with a body),
 * Alter-User-Token (when given), Signature-Input and Signature to `headers`.
 */
export function signVaultRequest(request: VaultRequest, signer: RequestSigner, headers: Record<string, string>, nowMs = Date.now()): SignedVaultRequest {
  const { method, url, body, userToken } = request;
  const digest = `sha-256=:${hash("sha256", body ?? EMPTY, "base64")}:`;
  headers["content-digest"] = digest;
  if (body !== undefined) headers["content-type"] = "application/json";
  if (userToken !== undefined) headers["alter-user-token"] = userToken;
  const created = Math.floor(nowMs / 1000);
  const expires = created + REQUEST_LIFETIME_SECONDS;
  const nonce = nextNonce();
  const components = requestComponents(body !== undefined, userToken !== undefined);

  let signatureInput: string;
  let signature: string;
  if (isPlain(url) && (userToken === undefined || isPlain(userToken)) && isSafeId(signer.keyId)) {
    // Every value is one line without edge whitespace and every parameter is a plain sf-string
    // or integer, so the base is exactly what signing.ts would build (checked by the tests).
    const signatureParams = `${innerListText(components)};created=${created};expires=${expires};nonce="${nonce}";keyid="${signer.keyId}";alg="${signer.key.alg}";tag="${REQUEST_TAG}"`;
    let base = `"@method": ${method}\n"@target-uri": ${url}\n"content-digest": ${digest}\n`;
    if (body !== undefined) base += `"content-type": application/json\n`;
    if (userToken !== undefined) base += `"alter-user-token": ${userToken}\n`;
    base += `"@signature-params": ${signatureParams}`;
    const value = signer.key.alg === "hmac-sha256" ? createHmac("sha256", signer.key.key).update(base, "utf8").digest("base64") : signBase(base, signer.key).toString("base64");
    signatureInput = `${SIGNATURE_LABEL}=${signatureParams}`;
    signature = `${SIGNATURE_LABEL}=:${value}:`;
  } else {
    const params = { created, expires, nonce, keyid: signer.keyId, alg: signer.key.alg, tag: REQUEST_TAG };
    const signed = signMessage({ method, url, headers }, { label: SIGNATURE_LABEL, components, params, key: signer.key });
    signatureInput = signed.signatureInput;
    signature = signed.signature;
  }
  headers["signature-input"] = signatureInput;
  headers["signature"] = signature;
  return { method, url, created, nonce, signature };
}

/**
 * Verifies that `answer` is the vault's signed answer to `request`: the response signature
 * (tag, components: the fixed ones then every `alter-*` header present, algorithm, key id,
 * value), its time window, then Content-Digest. Throws `SignatureError`.
 */
export function verifyVaultAnswer(answer: VaultAnswer, request: SignedVaultRequest, keyId: string, responseKey: Uint8Array, nowMs = Date.now()): void {
  verifyAnswer(answer, request, keyId, responseKey, nowMs, true);
}

/**
 * `verifyVaultAnswer` through the general RFC 9421 code only: the reference whose verdicts the
 * direct path must reproduce (test/runtime/signed-exchange.test.ts).
 */
export function verifyVaultAnswerGeneral(answer: VaultAnswer, request: SignedVaultRequest, keyId: string, responseKey: Uint8Array, nowMs = Date.now()): void {
  verifyAnswer(answer, request, keyId, responseKey, nowMs, false);
}

function verifyAnswer(answer: VaultAnswer, request: SignedVaultRequest, keyId: string, key: Uint8Array, nowMs: number, direct: boolean): void {
  try {
    checkAnswer(answer, request, keyId, key, nowMs, direct);
  } catch (error) {
    throw sdkError(error);
  }
}

function checkAnswer(answer: VaultAnswer, request: SignedVaultRequest, keyId: string, key: Uint8Array, nowMs: number, direct: boolean): void {
  const protocolHeaders = protocolHeaderNames(answer.headers);
  const created =
    (direct ? directVerify(answer, request, protocolHeaders, keyId, key) : undefined) ?? generalVerify(answer, request, protocolHeaders, keyId, key);
  const refused = checkResponseWindow(created, request.created, nowMs);
  if (refused !== undefined) throw new SignatureError(refused.code, refused.message);
  const digest = answer.headers["content-digest"];
  if (direct && typeof digest === "string" && digest === `sha-256=:${hash("sha256", answer.body, "base64")}:`) return;
  verifyContentDigest(typeof digest === "string" ? digest : undefined, answer.body);
}

const EMPTY = Buffer.alloc(0);
const SAFE_ID = /^[A-Za-z0-9_-]+$/;
let lastSafeId = "";
/** A key id usable verbatim inside an sf-string (an SDK has one key: remembered). */
function isSafeId(id: string): boolean {
  if (id === lastSafeId) return true;
  if (!SAFE_ID.test(id)) return false;
  lastSafeId = id;
  return true;
}
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
/** The parameters exactly as the vault serialises them (respond.ts): created, keyid, alg, tag. */
const RESPONSE_PARAMS = new RegExp(`^;created=(\\d{1,15});keyid="([a-z0-9_-]+)";alg="${escapeRegExp(RESPONSE_ALG)}";tag="${escapeRegExp(RESPONSE_TAG)}"$`);
const HMAC_SIGNATURE = /^alter=:([A-Za-z0-9+/]{43}=):$/;

/** One line, no edge whitespace, printable ASCII: used verbatim as a component value. */
function isPlain(value: string): boolean {
  const n = value.length;
  if (n === 0) return true;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(n - 1);
  if (first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

const innerListsByList = new WeakMap<readonly string[], string>();
const innerListsByText = new Map<string, string>();
/**
 * `("@method" "@target-uri" …)` for a component list. The protocol's lists are constants
 * (protocol.ts), so the text is found by identity; other lists by their content.
 */
function innerListText(components: readonly string[]): string {
  let text = innerListsByList.get(components);
  if (text !== undefined) return text;
  const key = components.join(" ");
  text = innerListsByText.get(key);
  if (text === undefined) {
    const items = components.map((c) => {
      const id = toComponentId(c);
      return { value: id.name, params: id.params };
    });
    text = serializeInnerList({ items, params: new Map() });
    if (innerListsByText.size < 64) innerListsByText.set(key, text);
  }
  if (Object.isFrozen(components)) innerListsByList.set(components, text);
  return text;
}

/**
 * The canonical answer (the vault's own serialisation, single-line plain fields, an HMAC
 * signature): rebuilds the base directly and checks it. Returns `created`, or undefined when
 * the answer is not in that shape (then the general path decides).
 */
function directVerify(answer: VaultAnswer, request: SignedVaultRequest, protocolHeaders: readonly string[], keyId: string, key: Uint8Array): number | undefined {
  const h = answer.headers;
  const input = h["signature-input"];
  const sig = h["signature"];
  const digest = h["content-digest"];
  const type = h["content-type"];
  if (typeof input !== "string" || typeof sig !== "string" || typeof digest !== "string" || typeof type !== "string") return undefined;
  const inner = innerListText(responseComponents(protocolHeaders));
  if (!input.startsWith(inner, SIGNATURE_LABEL.length + 1) || !input.startsWith(`${SIGNATURE_LABEL}=`)) return undefined;
  const params = RESPONSE_PARAMS.exec(input.slice(SIGNATURE_LABEL.length + 1 + inner.length));
  const value = HMAC_SIGNATURE.exec(sig);
  const requestValue = request.signature.slice(SIGNATURE_LABEL.length + 1);
  if (params === null || value === null || !isPlain(digest) || !isPlain(type) || !request.signature.startsWith(`${SIGNATURE_LABEL}=:`)) return undefined;
  let base = `"@status": ${answer.status}\n"content-digest": ${digest}\n"content-type": ${type}\n"@method";req: ${request.method}\n"@target-uri";req: ${request.url}\n"signature";req;key="alter": ${requestValue}\n`;
  for (const name of protocolHeaders) {
    const field = h[name];
    if (typeof field !== "string" || !isPlain(field)) return undefined;
    base += `"${name}": ${field}\n`;
  }
  base += `"@signature-params": ${input.slice(SIGNATURE_LABEL.length + 1)}`;
  if (params[2] !== keyId) throw new SignatureError("signature_invalid", "the answer is signed for another key");
  const expected = createHmac("sha256", key).update(base, "utf8").digest();
  const given = Buffer.from(value[1]!, "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SignatureError("signature_invalid", "the signature does not verify");
  }
  return Number(params[1]);
}

/** RFC 9421 verification with the protocol's rules, for answers in any valid serialisation. */
function generalVerify(answer: VaultAnswer, request: SignedVaultRequest, protocolHeaders: readonly string[], keyId: string, key: Uint8Array): number | undefined {
  const view: MessageView = {
    status: answer.status,
    headers: answer.headers,
    request: { method: request.method, url: request.url, headers: { signature: request.signature } },
  };
  const verified = verifyMessage(view, {
    label: SIGNATURE_LABEL,
    tag: RESPONSE_TAG,
    exactComponents: responseComponents(protocolHeaders),
    requiredParams: ["created", "keyid", "alg"],
    singleLineFields: true,
    resolveKey: (params) => {
      if (params.keyid !== keyId) throw new SignatureError("signature_invalid", "the answer is signed for another key");
      return { alg: RESPONSE_ALG, key };
    },
  });
  return verified.params.created;
}

// Random bytes drawn in blocks: one syscall per 256 nonces instead of one per request.
let noncePool = Buffer.alloc(0);
let noncePos = 0;
function nextNonce(): string {
  if (noncePos + 16 > noncePool.length) {
    noncePool = randomBytes(16 * 256);
    noncePos = 0;
  }
  const nonce = noncePool.toString("base64url", noncePos, noncePos + 16);
  noncePos += 16;
  return nonce;
}

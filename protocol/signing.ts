// RFC 9421 HTTP Message Signatures, for both sides of the vault protocol (docs/protocol.md):
// the SDK signs requests and verifies responses, the vault verifies requests and signs responses.
// A message is described by a plain `MessageView` so that node:http, undici and test code can
// all hand over what they have without copying headers around.
import {
  createHmac,
  sign as cryptoSign,
  verify as cryptoVerify,
  timingSafeEqual,
  constants as cryptoConstants,
  type KeyObject,
} from "node:crypto";
import { ProtocolError } from "./errors.js";
import {
  parseDictionary,
  parseItemField,
  serializeBareItem,
  serializeItem,
  serializeKey,
  serializeMember,
  serializeParams,
  isInnerList,
  StructuredFieldError,
  type BareItem,
  type InnerList,
  type Item,
  type Parameters,
} from "./structured-fields.js";

/** Header fields as node:http and undici expose them: any case, one string or several lines. */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | number | undefined>>;

/**
 * What the signer or verifier can see of one HTTP message. A request has `method` and `url`
 * (the absolute target URI); a response has `status`, and `request` when it covers request
 * components with `;req`.
 */
export interface MessageView {
  method?: string;
  url?: string;
  status?: number;
  headers: HeaderMap;
  request?: MessageView;
}

/** A covered component: `"@method"`, `"content-type"`, or with parameters. */
export interface ComponentId {
  /** Lower-case field name or derived component name (`@...`). */
  name: string;
  /** Ordered component parameters: `req`, `key`, `bs`, `sf`, `name`. */
  params: Parameters;
}

/**
 * A component given by the caller: a bare name (`"@method"`, `"content-digest"`), an identifier
 * in its serialised form (`'"signature";req;key="alter"'`), or a `ComponentId`.
 */
export type ComponentInput = string | ComponentId;

export type SignatureAlgorithm = "hmac-sha256" | "ed25519" | "ecdsa-p256-sha256" | "rsa-pss-sha512";

/**
 * Key material and its algorithm. HMAC takes the shared secret bytes (or a secret KeyObject);
 * the others take a KeyObject (private to sign; public or private to verify).
 */
export interface SignatureKey {
  alg: SignatureAlgorithm;
  key: KeyObject | Uint8Array;
}

/** The signature parameters of RFC 9421 §2.3. Serialised in the object's key order. */
export interface SignatureParams {
  created?: number;
  expires?: number;
  nonce?: string;
  alg?: string;
  keyid?: string;
  tag?: string;
}

export interface SignOptions {
  /** The dictionary label, e.g. `alter`. */
  label: string;
  components: readonly ComponentInput[];
  params: SignatureParams;
  key: SignatureKey;
}

export interface SignResult {
  /** One `Signature-Input` dictionary member: `label=(...);created=...`. */
  signatureInput: string;
  /** One `Signature` dictionary member: `label=:base64:`. */
  signature: string;
  /** The signature base that was signed (for debugging and tests; not secret). */
  base: string;
  signatureBytes: Buffer;
}

export interface VerifyOptions {
  /** The dictionary label to verify; other labels are ignored. */
  label: string;
  /**
   * Returns the key for these parameters, or throws a ProtocolError (`unknown_key`,
   * `key_revoked`). The `alg` parameter, when present, must equal the key's algorithm.
   */
  resolveKey(params: SignatureParams, label: string): SignatureKey;
  /** The `tag` parameter the signature must carry (RFC 9421 §2.3), else `signature_invalid`. */
  tag?: string;
  /** Components that must be covered, else `signature_missing`. */
  requiredComponents?: readonly ComponentInput[];
  /** When set, the covered list must be exactly this, in this order, else `signature_missing`. */
  exactComponents?: readonly ComponentInput[];
  /** Parameters that must be present, else `signature_invalid`. */
  requiredParams?: readonly (keyof SignatureParams)[];
  /**
   * Refuses (`signature_invalid`) a covered header field that the message carries on more than
   * one line: RFC 9421 combines such lines, but a party that reads only one of them would act on
   * a value other than the signed one. Needs a header map that keeps repeated lines apart
   * (node's `headersDistinct`, undici's arrays).
   */
  singleLineFields?: boolean;
}

export interface VerifiedSignature {
  label: string;
  params: SignatureParams;
  components: ComponentId[];
  base: string;
  /** The raw signature bytes (what a response binds to with `"signature";req;key=...`). */
  signature: Buffer;
}

export interface ParsedSignature {
  label: string;
  params: SignatureParams;
  components: ComponentId[];
  /** The inner list exactly as parsed, re-serialised into `@signature-params`. */
  inner: InnerList;
  signature: Buffer;
}

// ---------------------------------------------------------------------------------------------
// Components

const componentCache = new Map<string, ComponentId>();

/** Turns a ComponentInput into a ComponentId (cached for string inputs). */
export function toComponentId(input: ComponentInput): ComponentId {
  if (typeof input !== "string") return input;
  let id = componentCache.get(input);
  if (id !== undefined) return id;
  if (input.startsWith('"')) {
    let item: Item;
    try {
      item = parseItemField(input);
    } catch (error) {
      throw new TypeError(`invalid component identifier ${input}: ${(error as Error).message}`);
    }
    if (typeof item.value !== "string") throw new TypeError(`component identifier ${input} is not a string`);
    id = { name: item.value, params: item.params };
  } else {
    id = { name: input, params: new Map() };
  }
  if (id.name !== id.name.toLowerCase()) throw new TypeError(`component name ${id.name} must be lower case`);
  if (componentCache.size < 1000) componentCache.set(input, id);
  return id;
}

/** `"name";param...` as it appears in the signature base and in Signature-Input. */
export function serializeComponentId(id: ComponentId): string {
  // Component ids are treated as immutable; their serialisation is needed several times per
  // message, so it is remembered on the object itself (a symbol key: invisible to JSON).
  const cached = (id as CachedId)[SERIALIZED];
  if (cached !== undefined) return cached;
  const text = serializeItem({ value: id.name, params: id.params });
  if (Object.isExtensible(id)) (id as CachedId)[SERIALIZED] = text;
  return text;
}
const SERIALIZED = Symbol("serialized");
type CachedId = ComponentId & { [SERIALIZED]?: string };

function sameComponent(a: ComponentId, b: ComponentId): boolean {
  return serializeComponentId(a) === serializeComponentId(b);
}

function invalid(message: string): ProtocolError {
  return new ProtocolError("signature_invalid", message);
}

/** Every line of a header field, whatever the case of its name; undefined when absent. */
function headerLines(headers: HeaderMap, name: string): readonly string[] | undefined {
  let value = headers[name];
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.length === name.length && key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  if (typeof value === "number") return [String(value)];
  return typeof value === "string" ? [value] : value;
}

/** The combined field value of RFC 9421 §2.1: each line trimmed, joined with ", ". */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const lines = headerLines(headers, name);
  if (lines === undefined) return undefined;
  if (lines.length === 1) return trimField(lines[0]!);
  return lines.map(trimField).join(", ");
}

function trimField(value: string): string {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  if (first !== 0x20 && first !== 0x09 && last !== 0x20 && last !== 0x09 && !value.includes("\n")) return value;
  // obs-fold (a line break inside a value) is replaced by a space, as §2.1 requires.
  return value.replace(/\r?\n[ \t]+/g, " ").replace(/^[ \t]+|[ \t]+$/g, "");
}

function parsedUrl(view: MessageView, component: string): URL {
  if (view.url === undefined) throw invalid(`${component} needs a request target URI`);
  try {
    return new URL(view.url);
  } catch {
    throw invalid(`${component}: the target URI is not an absolute URL`);
  }
}

function derivedValue(view: MessageView, id: ComponentId): string {
  for (const key of id.params.keys()) {
    if (key !== "req") {
      throw invalid(`derived component ${id.name} does not take the parameter ${key}`);
    }
  }
  switch (id.name) {
    case "@method":
      if (view.method === undefined) throw invalid("@method needs a request");
      return view.method;
    case "@target-uri":
      if (view.url === undefined) throw invalid("@target-uri needs a request");
      return view.url;
    case "@authority":
      return parsedUrl(view, id.name).host;
    case "@scheme":
      return parsedUrl(view, id.name).protocol.slice(0, -1);
    case "@request-target": {
      const url = parsedUrl(view, id.name);
      return url.pathname + url.search;
    }
    case "@path":
      return parsedUrl(view, id.name).pathname || "/";
    case "@query":
      return parsedUrl(view, id.name).search || "?";
    case "@status":
      if (view.status === undefined || !Number.isInteger(view.status) || view.status < 100 || view.status > 999) {
        throw invalid("@status needs a response");
      }
      return String(view.status);
    default:
      throw invalid(`unsupported derived component ${id.name}`);
  }
}

function fieldValue(view: MessageView, id: ComponentId): string {
  let key: string | undefined;
  let bs = false;
  for (const [param, value] of id.params) {
    if (param === "req") continue;
    if (param === "key" && typeof value === "string") key = value;
    else if (param === "bs" && value === true) bs = true;
    else throw invalid(`unsupported component parameter ${param} on ${id.name}`);
  }
  if (key !== undefined && bs) throw invalid(`${id.name} cannot combine key and bs`);
  if (bs) {
    const lines = headerLines(view.headers, id.name);
    if (lines === undefined) throw invalid(`the covered field ${id.name} is missing`);
    return lines.map((line) => `:${Buffer.from(trimField(line), "utf8").toString("base64")}:`).join(", ");
  }
  const value = headerValue(view.headers, id.name);
  if (value === undefined) throw invalid(`the covered field ${id.name} is missing`);
  if (key === undefined) return value;
  let dict;
  try {
    dict = parseDictionary(value);
  } catch (error) {
    throw invalid(`the covered field ${id.name} is not a dictionary: ${(error as Error).message}`);
  }
  const member = dict.get(key);
  if (member === undefined) throw invalid(`the covered field ${id.name} has no member ${key}`);
  return serializeMember(member);
}

/** The value of one component in `view`, per RFC 9421 §2.1-2.4. Throws `signature_invalid`. */
export function componentValue(view: MessageView, id: ComponentId): string {
  let source = view;
  if (id.params.has("req")) {
    if (view.request === undefined) throw invalid(`${id.name};req needs the request the response answers`);
    source = view.request;
  }
  const value = id.name.startsWith("@") ? derivedValue(source, id) : fieldValue(source, id);
  if (value.includes("\n") || value.includes("\r")) throw invalid(`the value of ${id.name} contains a line break`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Signature base

/** `;created=...;keyid="..."` in the object's key order: what serializeParams gives for them. */
function serializeSignatureParams(params: SignatureParams): string {
  let out = "";
  for (const key in params) {
    if (!Object.hasOwn(params, key)) continue;
    const value: unknown = params[key as keyof SignatureParams];
    if (value === undefined) continue;
    if (key === "created" || key === "expires") {
      if (typeof value !== "number" || !Number.isInteger(value)) throw new TypeError(`signature parameter ${key} must be an integer`);
    } else if (typeof value !== "string") {
      throw new TypeError(`signature parameter ${key} must be a string`);
    }
    out += `;${serializeKey(key)}=${serializeBareItem(value as BareItem)}`;
  }
  return out;
}

function buildBase(view: MessageView, components: readonly ComponentId[], signatureParams: string): string {
  let base = "";
  const seen = new Set<string>();
  for (const id of components) {
    const serialized = serializeComponentId(id);
    if (seen.has(serialized)) throw invalid(`component ${serialized} is covered twice`);
    seen.add(serialized);
    base += `${serialized}: ${componentValue(view, id)}\n`;
  }
  return `${base}"@signature-params": ${signatureParams}`;
}

/**
 * The `@signature-params` value: the covered components as an inner list, then the parameters.
 * Equal to `serializeInnerList` of the same list; built from each id's remembered serialisation
 * (buildBase needs the same strings) instead of serialising every component a second time.
 */
function signatureParamsValue(components: readonly ComponentId[], params: string): string {
  let list = "(";
  for (let i = 0; i < components.length; i++) list += (i === 0 ? "" : " ") + serializeComponentId(components[i]!);
  return `${list})${params}`;
}

/**
 * The signature base of RFC 9421 §2.5 for `components` and `params`. Throws `signature_invalid`
 * when a covered component is missing from the message.
 */
export function createSignatureBase(view: MessageView, components: readonly ComponentInput[], params: SignatureParams): string {
  const ids = components.map(toComponentId);
  return buildBase(view, ids, signatureParamsValue(ids, serializeSignatureParams(params)));
}

// ---------------------------------------------------------------------------------------------
// Algorithms (RFC 9421 §3.3)

function asKeyInput(key: KeyObject | Uint8Array, alg: SignatureAlgorithm): KeyObject {
  if (key instanceof Uint8Array) throw new TypeError(`${alg} needs a KeyObject, not raw bytes`);
  return key;
}

/** Signs a signature base with one of the RFC 9421 algorithms. */
export function signBase(base: string, key: SignatureKey): Buffer {
  if (key.alg === "hmac-sha256") return createHmac("sha256", key.key).update(base, "utf8").digest();
  const data = Buffer.from(base, "utf8");
  switch (key.alg) {
    case "ed25519":
      return cryptoSign(null, data, asKeyInput(key.key, key.alg));
    case "ecdsa-p256-sha256":
      return cryptoSign("sha256", data, { key: asKeyInput(key.key, key.alg), dsaEncoding: "ieee-p1363" });
    case "rsa-pss-sha512":
      return cryptoSign("sha512", data, {
        key: asKeyInput(key.key, key.alg),
        padding: cryptoConstants.RSA_PKCS1_PSS_PADDING,
        saltLength: 64,
      });
    default:
      throw new TypeError(`unsupported signature algorithm ${String((key as SignatureKey).alg)}`);
  }
}

/** Checks `signature` over `base`; HMAC values are compared in constant time. */
export function verifyBase(base: string, signature: Uint8Array, key: SignatureKey): boolean {
  if (key.alg === "hmac-sha256") {
    const expected = createHmac("sha256", key.key).update(base, "utf8").digest();
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
  const data = Buffer.from(base, "utf8");
  switch (key.alg) {
    case "ed25519":
      return cryptoVerify(null, data, asKeyInput(key.key, key.alg), signature);
    case "ecdsa-p256-sha256":
      return cryptoVerify("sha256", data, { key: asKeyInput(key.key, key.alg), dsaEncoding: "ieee-p1363" }, signature);
    case "rsa-pss-sha512":
      return cryptoVerify(
        "sha512",
        data,
        { key: asKeyInput(key.key, key.alg), padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 64 },
        signature,
      );
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Sign and verify messages

/**
 * Signs `view` and returns the `Signature-Input` and `Signature` dictionary members for
 * `label` (set them as the header values, or append them to existing ones with ", ").
 *
 * @example
 * const { signatureInput, signature } = signMessage(
 *   { method: "POST", url, headers },
 *   { label: "alter", components: ["@method", "@target-uri", "content-digest"],
 *     params: { created, expires, nonce, keyid, alg: "hmac-sha256" },
 *     key: { alg: "hmac-sha256", key: requestSigningKey } });
 */
export function signMessage(view: MessageView, options: SignOptions): SignResult {
  const ids = options.components.map(toComponentId);
  const signatureParams = signatureParamsValue(ids, serializeSignatureParams(options.params));
  const base = buildBase(view, ids, signatureParams);
  const signatureBytes = signBase(base, options.key);
  const label = serializeBareItemKey(options.label);
  return {
    signatureInput: `${label}=${signatureParams}`,
    signature: `${label}=${serializeBareItem(signatureBytes)}`,
    base,
    signatureBytes,
  };
}

function serializeBareItemKey(label: string): string {
  if (!/^[a-z*][a-z0-9_\-.*]*$/.test(label)) throw new TypeError(`invalid signature label ${JSON.stringify(label)}`);
  return label;
}

function signatureParamsOf(params: Parameters): SignatureParams {
  const out: SignatureParams = {};
  for (const [key, value] of params) {
    if (key === "created" || key === "expires") {
      if (typeof value !== "number") throw invalid(`the signature parameter ${key} must be an integer`);
      out[key] = value;
    } else if (key === "nonce" || key === "alg" || key === "keyid" || key === "tag") {
      if (typeof value !== "string") throw invalid(`the signature parameter ${key} must be a string`);
      out[key] = value;
    }
    // Unknown parameters stay in the signed @signature-params line but mean nothing here.
  }
  return out;
}

/**
 * Reads the `label` member of the message's Signature-Input and Signature fields. Throws
 * `signature_missing` when either is absent and `signature_invalid` when malformed or when the
 * label appears twice in a field (parsers differ on which one counts). Useful to look a key up
 * before calling `verifyParsedSignature`.
 */
export function parseMessageSignature(view: MessageView, label: string): ParsedSignature {
  const inputField = headerValue(view.headers, "signature-input");
  const sigField = headerValue(view.headers, "signature");
  if (inputField === undefined || sigField === undefined) {
    throw new ProtocolError("signature_missing", `the message has no Signature-Input/Signature for label ${label}`);
  }
  let inputs, sigs;
  const repeated = new Set<string>();
  try {
    inputs = parseDictionary(inputField, repeated);
    sigs = parseDictionary(sigField, repeated);
  } catch (error) {
    if (error instanceof StructuredFieldError) throw invalid(`malformed signature field: ${error.message}`);
    throw error;
  }
  const input = inputs.get(label);
  const sig = sigs.get(label);
  if (input === undefined || sig === undefined) {
    throw new ProtocolError("signature_missing", `the message has no signature with label ${label}`);
  }
  if (repeated.has(label)) throw invalid(`the signature label ${label} appears more than once`);
  if (!isInnerList(input)) throw invalid(`Signature-Input member ${label} is not an inner list`);
  if (isInnerList(sig) || !(sig.value instanceof Uint8Array)) throw invalid(`Signature member ${label} is not a byte sequence`);
  const components = input.items.map((item): ComponentId => {
    if (typeof item.value !== "string") throw invalid("a covered component is not a string");
    if (item.value !== item.value.toLowerCase()) throw invalid(`component name ${item.value} is not lower case`);
    return { name: item.value, params: item.params };
  });
  const signature = Buffer.from(sig.value.buffer, sig.value.byteOffset, sig.value.byteLength);
  return { label, params: signatureParamsOf(input.params), components, inner: input, signature };
}

/**
 * Refuses a covered header field that `view` carries on several lines (see
 * `VerifyOptions.singleLineFields`). Derived components read no header, except `;req` ones,
 * which are checked in the request they come from.
 */
export function assertSingleLineFields(view: MessageView, components: readonly ComponentId[]): void {
  for (const id of components) {
    if (id.name.startsWith("@")) continue;
    const source = id.params.has("req") ? view.request : view;
    if (source === undefined) continue;
    const lines = headerLines(source.headers, id.name);
    if (lines !== undefined && lines.length > 1) {
      throw invalid(`the covered field ${id.name} appears ${lines.length} times in the message`);
    }
  }
}

/**
 * Checks the signature of `parsed` (from `parseMessageSignature`) over `view` with `key`: the
 * `alg` parameter, when present, must be the key's algorithm (a key never verifies another
 * algorithm), then the signature base is rebuilt and verified. Throws `signature_invalid`.
 */
export function verifyParsedSignature(view: MessageView, parsed: ParsedSignature, key: SignatureKey): VerifiedSignature {
  if (parsed.params.alg !== undefined && parsed.params.alg !== key.alg) {
    throw invalid(`the signature's alg ${parsed.params.alg} is not the key's algorithm ${key.alg}`);
  }
  const base = buildBase(view, parsed.components, signatureParamsValue(parsed.components, serializeParams(parsed.inner.params)));
  let ok: boolean;
  try {
    ok = verifyBase(base, parsed.signature, key);
  } catch {
    ok = false;
  }
  if (!ok) throw invalid("the signature does not verify");
  return { label: parsed.label, params: parsed.params, components: parsed.components, base, signature: parsed.signature };
}

/**
 * Verifies the `label` signature of `view`. Returns what was verified, or throws a
 * `ProtocolError` with a stable code: `signature_missing` (no such signature, or a required
 * component not covered), `signature_invalid` (malformed, wrong tag or algorithm, a covered field
 * repeated, or the signature does not verify), or whatever `resolveKey` throws.
 * Time windows and replay (nonce) checks are the caller's (protocol/rules.ts has the
 * protocol's): the parameters are in the result.
 */
export function verifyMessage(view: MessageView, options: VerifyOptions): VerifiedSignature {
  const parsed = parseMessageSignature(view, options.label);
  const { components, params } = parsed;

  if (options.tag !== undefined && params.tag !== options.tag) {
    throw invalid(
      params.tag === undefined
        ? `the signature has no tag (expected "${options.tag}")`
        : `the signature's tag "${params.tag.slice(0, 60)}" is not "${options.tag}"`,
    );
  }
  if (options.exactComponents !== undefined) {
    const expected = options.exactComponents.map(toComponentId);
    if (expected.length !== components.length || expected.some((id, i) => !sameComponent(id, components[i]!))) {
      throw new ProtocolError("signature_missing", "the signature does not cover the expected components");
    }
  }
  for (const input of options.requiredComponents ?? []) {
    const required = toComponentId(input);
    if (!components.some((id) => sameComponent(id, required))) {
      throw new ProtocolError("signature_missing", `the signature does not cover ${serializeComponentId(required)}`);
    }
  }
  for (const name of options.requiredParams ?? []) {
    if (params[name] === undefined) throw invalid(`the signature has no ${name} parameter`);
  }
  if (options.singleLineFields === true) assertSingleLineFields(view, components);
  return verifyParsedSignature(view, parsed, options.resolveKey(params, options.label));
}

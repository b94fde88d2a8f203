// Sealed values (docs/protocol.md, "Sealed values"): AES-256-GCM under the credential-sealing
// key, with the request's signature nonce in the additional data so that a sealed value cannot be
// replayed into the answer to another request.
import { createCipheriv, createDecipheriv } from "node:crypto";
import { ProtocolError } from "./errors.js";
import { randomPublicBytes } from "./random-pool.js";

import type { SealedValue } from "./wire.js";
export type { SealedValue } from "./wire.js";

const AAD_PREFIX = "alter-seal/v1:";
const B64URL = /^[A-Za-z0-9_-]*$/;

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new TypeError("the sealing key must be 32 bytes");
}

/** Seals `value` (serialised as JSON) for the answer to the request signed with `nonce`. */
export function seal(value: unknown, key: Uint8Array, nonce: string): SealedValue {
  checkKey(key);
  // The IV goes out in the clear: drawn from the pool of random blocks (a native call per ~340
  // seals instead of one per seal), still 96 fresh random bits per value as before.
  const iv = randomPublicBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(AAD_PREFIX + nonce, "utf8"));
  const head = cipher.update(JSON.stringify(value), "utf8");
  const tail = cipher.final(); // empty for GCM (a stream mode); concatenated only if it is not
  const ct = tail.length === 0 ? head : Buffer.concat([head, tail]);
  return { alg: "A256GCM", iv: iv.toString("base64url"), ct: ct.toString("base64url"), tag: cipher.getAuthTag().toString("base64url") };
}

function field(sealed: Record<string, unknown>, name: string, length?: number): Buffer {
  const value = sealed[name];
  if (typeof value !== "string" || !B64URL.test(value)) {
    throw new ProtocolError("seal_invalid", `the sealed value's ${name} is not base64url`);
  }
  const bytes = Buffer.from(value, "base64url");
  if (length !== undefined && bytes.length !== length) {
    throw new ProtocolError("seal_invalid", `the sealed value's ${name} must be ${length} bytes`);
  }
  return bytes;
}

/**
 * Opens a sealed value for the request signed with `nonce` and parses its JSON. Throws
 * `ProtocolError("seal_invalid")` when it is malformed, tampered with, or sealed for another
 * request or key; the error never contains any of the plaintext.
 */
export function unseal<T = unknown>(sealed: unknown, key: Uint8Array, nonce: string): T {
  checkKey(key);
  if (sealed === null || typeof sealed !== "object" || (sealed as { alg?: unknown }).alg !== "A256GCM") {
    throw new ProtocolError("seal_invalid", "the sealed value is not an A256GCM object");
  }
  const record = sealed as Record<string, unknown>;
  const iv = field(record, "iv", 12);
  const ct = field(record, "ct");
  const tag = field(record, "tag", 16);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(AAD_PREFIX + nonce, "utf8"));
    decipher.setAuthTag(tag);
    const head = decipher.update(ct);
    const tail = decipher.final(); // empty for GCM; kept for the tag check it performs
    plaintext = tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    throw new ProtocolError("seal_invalid", "the sealed value does not authenticate (wrong key or request, or tampered)");
  }
  try {
    return JSON.parse(plaintext.toString("utf8")) as T;
  } catch {
    throw new ProtocolError("seal_invalid", "the sealed value's plaintext is not JSON");
  } finally {
    plaintext.fill(0);
  }
}

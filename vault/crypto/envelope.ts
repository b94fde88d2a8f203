// Envelope encryption at rest (issue 14): every sealed value gets its own random data key
// (AES-256-GCM), and only that key is wrapped by a key-encryption key from a keyring
// (keyring.ts). Rotating the KEK then rewraps 60-odd bytes per record instead of re-encrypting
// the values, and while a rotation runs every instance opens both old and new records (the ring
// holds both KEKs). AtRest (at-rest.ts) seals every value of the vault in this format.
//
// Format: e1.<kek id>.<wrapped data key>.<iv>.<ciphertext>.<tag> (base64url parts; the wrapped
// key is iv~ciphertext~tag). Both layers take "<purpose>:<record id>" as associated data, so a
// value moved to another row or column does not open, and neither does its wrapped key.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { inspect } from "node:util";
import type { Keyring } from "./keyring.js";

const VERSION = "e1";

export class Envelope {
  readonly #keyring: Keyring;

  constructor(keyring: Keyring) {
    this.#keyring = keyring;
  }

  seal(purpose: string, recordId: string, plaintext: string | Uint8Array): string {
    const dataKey = randomBytes(32);
    try {
      const ad = aad(purpose, recordId);
      const { kekId, wrapped } = this.#keyring.wrap(dataKey, ad);
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", dataKey, iv);
      cipher.setAAD(Buffer.from(ad, "utf8"));
      const ct = Buffer.concat([cipher.update(typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext), cipher.final()]);
      return [VERSION, kekId, wrapped, iv.toString("base64url"), ct.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
    } finally {
      dataKey.fill(0);
    }
  }

  open(purpose: string, recordId: string, sealed: string): Buffer {
    const p = parse(purpose, sealed);
    const ad = aad(purpose, recordId);
    const dataKey = this.#unwrap(purpose, p, ad);
    try {
      const decipher = createDecipheriv("aes-256-gcm", dataKey, Buffer.from(p.iv, "base64url"));
      decipher.setAAD(Buffer.from(ad, "utf8"));
      decipher.setAuthTag(Buffer.from(p.tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(p.ct, "base64url")), decipher.final()]);
    } catch {
      throw new Error(`a sealed ${purpose} value does not open (the record was tampered with)`);
    } finally {
      dataKey.fill(0);
    }
  }

  /** The same value with its data key wrapped under the keyring's current KEK (the ciphertext is untouched). */
  rewrap(purpose: string, recordId: string, sealed: string): string {
    const p = parse(purpose, sealed);
    if (p.kekId === this.#keyring.currentId) return sealed;
    const ad = aad(purpose, recordId);
    const dataKey = this.#unwrap(purpose, p, ad);
    try {
      const { kekId, wrapped } = this.#keyring.wrap(dataKey, ad);
      return [VERSION, kekId, wrapped, p.iv, p.ct, p.tag].join(".");
    } finally {
      dataKey.fill(0);
    }
  }

  #unwrap(purpose: string, p: { kekId: string; wrapped: string }, ad: string): Buffer {
    try {
      return this.#keyring.unwrap(p.kekId, p.wrapped, ad);
    } catch (e) {
      throw new Error(`a sealed ${purpose} value does not open: ${(e as Error).message}`);
    }
  }

  /** The KEK a sealed value's data key is wrapped under (how far a rotation has got). */
  static kekOf(sealed: string): string | undefined {
    const parts = sealed.split(".");
    return parts.length === 6 && parts[0] === VERSION ? parts[1] : undefined;
  }

  toJSON(): string {
    return "[Envelope]";
  }

  [inspect.custom](): string {
    return "[Envelope]";
  }
}

function parse(purpose: string, sealed: string): { kekId: string; wrapped: string; iv: string; ct: string; tag: string } {
  const parts = sealed.split(".");
  if (parts.length !== 6 || parts[0] !== VERSION) throw new Error(`a sealed ${purpose} value is not in the envelope format (${VERSION})`);
  const [, kekId, wrapped, iv, ct, tag] = parts as [string, string, string, string, string, string];
  return { kekId, wrapped, iv, ct, tag };
}

function aad(purpose: string, recordId: string): string {
  return `alter-vault-envelope/v1:${purpose}:${recordId}`;
}

// Encryption at rest: AES-256-GCM under the master key, a fresh 12-byte nonce per record, and
// "<purpose>:<record id>" as associated data so a sealed value cannot be moved to another row
// or column and still open.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { inspect } from "node:util";

const VERSION = "v1";

export class AtRest {
  readonly #key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error("the master key must be 32 bytes");
    this.#key = Buffer.from(masterKey);
  }

  seal(purpose: string, recordId: string, plaintext: string | Uint8Array): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    cipher.setAAD(Buffer.from(aad(purpose, recordId), "utf8"));
    const ct = Buffer.concat([cipher.update(typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString("base64url"), ct.toString("base64url"), tag.toString("base64url")].join(".");
  }

  open(purpose: string, recordId: string, sealed: string): Buffer {
    const parts = sealed.split(".");
    if (parts.length !== 4 || parts[0] !== VERSION) throw new Error(`a sealed ${purpose} value is malformed`);
    const decipher = createDecipheriv("aes-256-gcm", this.#key, Buffer.from(parts[1]!, "base64url"));
    decipher.setAAD(Buffer.from(aad(purpose, recordId), "utf8"));
    decipher.setAuthTag(Buffer.from(parts[3]!, "base64url"));
    try {
      return Buffer.concat([decipher.update(Buffer.from(parts[2]!, "base64url")), decipher.final()]);
    } catch {
      throw new Error(`a sealed ${purpose} value does not open with this master key (wrong key, or the row was tampered with)`);
    }
  }

  sealJson(purpose: string, recordId: string, value: unknown): string {
    return this.seal(purpose, recordId, JSON.stringify(value));
  }

  openJson<T>(purpose: string, recordId: string, sealed: string): T {
    return JSON.parse(this.open(purpose, recordId, sealed).toString("utf8")) as T;
  }

  toJSON(): string {
    return "[AtRest]";
  }

  [inspect.custom](): string {
    return "[AtRest]";
  }
}

function aad(purpose: string, recordId: string): string {
  return `alter-vault-at-rest/v1:${purpose}:${recordId}`;
}

// Encryption at rest: AES-256-GCM under the master key, a fresh 12-byte nonce per record, and
// "<purpose>:<record id>" as associated data so a sealed value cannot be moved to another row
// or column and still open.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { inspect } from "node:util";

const VERSION = "v1";

export class AtRest {
  readonly #key: Buffer;
  readonly #macKeys = new Map<string, Buffer>();

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

  /**
   * HMAC-SHA256 (hex) of `data` under a key derived from the master key for `purpose` (HKDF-SHA256,
   * salt "alter-vault/v1", info "mac:<purpose>"), e.g. the audit checkpoints' signatures. The
   * derived key never leaves this object; a new master key gives new MACs.
   */
  mac(purpose: string, data: string): string {
    let key = this.#macKeys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync("sha256", this.#key, "alter-vault/v1", `mac:${purpose}`, 32));
      this.#macKeys.set(purpose, key);
    }
    return createHmac("sha256", key).update(data, "utf8").digest("hex");
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

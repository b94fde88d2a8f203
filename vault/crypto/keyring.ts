// Key-encryption keys (KEKs) for envelope encryption (envelope.ts): a keyring wraps each record's
// data key under its current KEK and unwraps a data key under whichever KEK it names, so the
// master key can change while instances serve: add the new KEK, make it current, rewrap (only the
// small wrapped keys change), then drop the old one. An interface, so a KMS or HSM can hold the
// KEKs later; the first implementation is a local key file.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";

export interface Keyring {
  /** The KEK new data keys are wrapped under. */
  readonly currentId: string;
  /** Wraps a data key under the current KEK; `aad` binds it to its record. */
  wrap(dataKey: Buffer, aad: string): { kekId: string; wrapped: string };
  /** Unwraps a data key under the KEK `kekId`; throws when that KEK is unknown or the value was changed. */
  unwrap(kekId: string, wrapped: string, aad: string): Buffer;
}

export const KEK_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * KEKs held in this process: a map of id to 32-byte key. `fromFile` reads a keyring file,
 * `{"current": "<id>", "keys": {"<id>": "<32 bytes, base64url>", …}}` (mode 0600, like master.key);
 * `fromMasterKey` makes a one-key ring from the vault's master key.
 */
export class LocalKeyring implements Keyring {
  readonly currentId: string;
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(keys: ReadonlyMap<string, Buffer>, currentId: string) {
    if (!keys.has(currentId)) throw new Error(`the keyring's current KEK "${currentId}" is not one of its keys`);
    for (const [id, key] of keys) {
      if (!KEK_ID.test(id)) throw new Error(`a KEK id must be 1-64 letters, digits, _ or -, not "${id.slice(0, 80)}"`);
      if (key.length !== 32) throw new Error(`KEK "${id}" must be 32 bytes, not ${key.length}`);
    }
    this.#keys = new Map([...keys].map(([id, k]) => [id, Buffer.from(k)]));
    this.currentId = currentId;
  }

  /** A ring of one KEK: the master key, named by a digest of it (the id reveals nothing of the key). */
  static fromMasterKey(masterKey: Buffer): LocalKeyring {
    const id = "mk-" + createHash("sha256").update("alter-vault/kek-id\0").update(masterKey).digest("hex").slice(0, 16);
    return new LocalKeyring(new Map([[id, masterKey]]), id);
  }

  /** Reads a keyring file; a problem names the file and the JSON pointer, never a key. */
  static fromFile(file: string): LocalKeyring {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new Error(`${file}: not a readable JSON keyring (${(error as Error).message.split("\n")[0]!.replace(/"[^"]{20,}"/g, '"…"')})`);
    }
    const o = doc as { current?: unknown; keys?: unknown };
    if (!o || typeof o !== "object") throw new Error(`${file}: a keyring is a JSON object with "current" and "keys"`);
    if (typeof o.current !== "string") throw new Error(`${file}#/current: must be the id of the KEK new data keys are wrapped under`);
    if (!o.keys || typeof o.keys !== "object" || Array.isArray(o.keys)) throw new Error(`${file}#/keys: must be an object of KEK id to key`);
    const keys = new Map<string, Buffer>();
    for (const [id, value] of Object.entries(o.keys as Record<string, unknown>)) {
      const pointer = `${file}#/keys/${id.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      if (!KEK_ID.test(id)) throw new Error(`${pointer}: a KEK id must be 1-64 letters, digits, _ or -`);
      const key = typeof value === "string" && /^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, "base64url") : undefined;
      if (!key || key.length !== 32) throw new Error(`${pointer}: must be 32 bytes in base64url`);
      keys.set(id, key);
    }
    if (!keys.has(o.current)) throw new Error(`${file}#/current: "${o.current.slice(0, 64)}" is not one of the keys`);
    return new LocalKeyring(keys, o.current);
  }

  /** The ids this ring can unwrap under. */
  get ids(): string[] {
    return [...this.#keys.keys()];
  }

  wrap(dataKey: Buffer, aad: string): { kekId: string; wrapped: string } {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#keys.get(this.currentId)!, iv);
    cipher.setAAD(Buffer.from(wrapAad(this.currentId, aad), "utf8"));
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { kekId: this.currentId, wrapped: [iv, ct, cipher.getAuthTag()].map((b) => b.toString("base64url")).join("~") };
  }

  unwrap(kekId: string, wrapped: string, aad: string): Buffer {
    const kek = this.#keys.get(kekId);
    if (!kek) throw new Error(`a data key is wrapped under KEK "${kekId.slice(0, 64)}", which this keyring does not hold`);
    const parts = wrapped.split("~");
    if (parts.length !== 3) throw new Error("a wrapped data key is malformed");
    const decipher = createDecipheriv("aes-256-gcm", kek, Buffer.from(parts[0]!, "base64url"));
    decipher.setAAD(Buffer.from(wrapAad(kekId, aad), "utf8"));
    decipher.setAuthTag(Buffer.from(parts[2]!, "base64url"));
    try {
      return Buffer.concat([decipher.update(Buffer.from(parts[1]!, "base64url")), decipher.final()]);
    } catch {
      throw new Error(`a data key does not unwrap under KEK "${kekId}" (wrong key, or the record was tampered with)`);
    }
  }

  toJSON(): string {
    return `[LocalKeyring ${this.ids.join(",")}]`;
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}

function wrapAad(kekId: string, aad: string): string {
  return `alter-vault-kek/v1:${kekId}:${aad}`;
}

// The keyring of a data folder: every key-encryption key (KEK) this instance can unwrap with.
// The master key (master.key, or ALTER_VAULT_MASTER_KEY) is one KEK; further KEKs, added by
// `vault rotate-master-key`, live in <data>/keyring.json ({"keys": {"<id>": "<32 bytes,
// base64url>"}}, mode 0600, replaced atomically). Which KEK new values are wrapped under is not
// the folder's choice but the database's (crypto/kek-state.ts), so every instance over one
// database wraps under the same one. A KEK's id is a digest of it (the id reveals nothing of the
// key), so a key keeps its id when it moves from keyring.json to master.key.
//
// An instance that meets a KEK id it does not hold reads the folder again (at most once a second),
// so an operator distributes a new KEK by copying keyring.json into each instance's data folder
// before the rotation makes it current; no restart is needed.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { VaultUsageError } from "../errors.js";
import { maskSecrets } from "../quote.js";
import { KEK_ID, type Keyring } from "./keyring.js";
import { loadMasterKey, syncDir, type LoadedMasterKey } from "./master-key.js";

export const KEYRING_FILE = "keyring.json";
const RELOAD_EVERY_MS = 1000;
const UNWRAPPED_KEPT = 1024;

/** A KEK's id: a digest of it ("mk-" and 16 hex digits; it tells nothing of the key). */
export function kekIdOf(key: Buffer): string {
  return "mk-" + createHash("sha256").update("alter-vault/kek-id\0").update(key).digest("hex").slice(0, 16);
}

export function keyringPath(dataDir: string): string {
  return join(dataDir, KEYRING_FILE);
}

export class FolderKeyring implements Keyring {
  #keys = new Map<string, Buffer>();
  #current: string;
  /** The KEK of master.key / ALTER_VAULT_MASTER_KEY (what an existing vault's MAC root comes from). */
  #masterId: string;
  readonly #dir: string | undefined;
  readonly #env: NodeJS.ProcessEnv | undefined;
  #lastReload = 0;
  /** Data keys unwrapped lately, by KEK, wrapped key and record (see unwrap). */
  readonly #unwrapped = new Map<string, Buffer>();

  private constructor(master: Buffer, dir: string | undefined, env: NodeJS.ProcessEnv | undefined) {
    this.#dir = dir;
    this.#env = env;
    this.#masterId = kekIdOf(master);
    this.#keys.set(this.#masterId, Buffer.from(master));
    this.#current = this.#masterId;
    if (dir) for (const [id, k] of readKeyringFile(dir)) this.#keys.set(id, k);
  }

  /** One KEK, no folder (tests, `vault init` with a given key). */
  static ofKey(key: Buffer): FolderKeyring {
    if (key.length !== 32) throw new Error("the master key must be 32 bytes");
    return new FolderKeyring(key, undefined, undefined);
  }

  /** The folder's KEKs: `loaded` (the master key, from its file or the environment) and keyring.json. */
  static fromFolder(dataDir: string, loaded: LoadedMasterKey, env?: NodeJS.ProcessEnv): FolderKeyring {
    return new FolderKeyring(loaded.key, dataDir, env);
  }

  get currentId(): string {
    return this.#current;
  }

  get masterId(): string {
    return this.#masterId;
  }

  get ids(): string[] {
    return [...this.#keys.keys()];
  }

  /** Whether this ring holds `id`, reading the folder again (rate-limited) when it does not. */
  holds(id: string): boolean {
    if (!this.#keys.has(id)) this.reload();
    return this.#keys.has(id);
  }

  /** Makes `id` the KEK new data keys are wrapped under; false (and no change) when not held. */
  useCurrent(id: string): boolean {
    if (!this.holds(id)) return false;
    this.#current = id;
    return true;
  }

  /** Reads master.key and keyring.json again (at most once a second), keeping the KEKs it holds. */
  reload(force = false): void {
    if (!this.#dir || (!force && Date.now() - this.#lastReload < RELOAD_EVERY_MS)) return;
    this.#lastReload = Date.now();
    try {
      const loaded = loadMasterKey(this.#dir, this.#env);
      this.#keys.set(kekIdOf(loaded.key), loaded.key);
      for (const [id, k] of readKeyringFile(this.#dir)) this.#keys.set(id, k);
    } catch {
      // a file being replaced or unreadable now: keep what is held; unwrap names the missing KEK
    }
  }

  /** Holds `key` in this process only (a new KEK given from the environment); returns its id. */
  adopt(key: Buffer): string {
    const id = kekIdOf(key);
    this.#keys.set(id, Buffer.from(key));
    return id;
  }

  /** Forgets KEKs (retired ones), never the current one. */
  drop(ids: readonly string[]): void {
    for (const id of ids) if (id !== this.#current) this.#keys.delete(id);
    for (const k of this.#unwrapped.keys()) if (ids.some((id) => k.startsWith(`${id}.`))) this.#unwrapped.delete(k);
  }

  wrap(dataKey: Buffer, aad: string): { kekId: string; wrapped: string } {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#keys.get(this.#current)!, iv);
    cipher.setAAD(Buffer.from(wrapAad(this.#current, aad), "utf8"));
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { kekId: this.#current, wrapped: [iv, ct, cipher.getAuthTag()].map((b) => b.toString("base64url")).join("~") };
  }

  unwrap(kekId: string, wrapped: string, aad: string): Buffer {
    const cacheKey = `${kekId}.${wrapped}.${aad}`;
    const hit = this.#unwrapped.get(cacheKey);
    if (hit) return Buffer.from(hit);
    const key = this.#unwrapFresh(kekId, wrapped, aad);
    // The hot values (a grant's credential, a managed secret) are opened on every call: their data
    // keys are kept, a bounded number, so each open costs one AES-GCM operation, not two. This
    // holds nothing the KEKs in this object could not unwrap anyway; dropping a KEK forgets them.
    if (this.#unwrapped.size >= UNWRAPPED_KEPT) this.#unwrapped.delete(this.#unwrapped.keys().next().value!);
    this.#unwrapped.set(cacheKey, Buffer.from(key));
    return key;
  }

  #unwrapFresh(kekId: string, wrapped: string, aad: string): Buffer {
    if (!this.holds(kekId)) {
      throw new Error(
        `a data key is wrapped under KEK "${kekId.slice(0, 64)}", which this instance's keyring does not hold (copy ${KEYRING_FILE} from the folder the rotation ran in into this data folder)`,
      );
    }
    const parts = wrapped.split("~");
    if (parts.length !== 3) throw new Error("a wrapped data key is malformed");
    try {
      return gcmOpen(this.#keys.get(kekId)!, parts[0]!, parts[1]!, parts[2]!, wrapAad(kekId, aad));
    } catch {
      throw new Error(`a data key does not unwrap under KEK "${kekId}" (wrong key, or the record was tampered with)`);
    }
  }

  /**
   * Opens a value of the format before envelopes (v1: sealed directly under the master key of its
   * time) with whichever KEK it was sealed under: the master key, or any other KEK held.
   */
  openDirect(iv: string, ct: string, tag: string, aad: string): Buffer | undefined {
    const order = [this.#masterId, this.#current, ...this.#keys.keys()];
    for (const id of new Set(order)) {
      const key = this.#keys.get(id);
      if (!key) continue;
      try {
        return gcmOpen(key, iv, ct, tag, aad);
      } catch {
        // not this one
      }
    }
    return undefined;
  }

  /** The MAC root an existing vault had before envelopes: derived from its master key. */
  derive(f: (masterKey: Buffer) => Buffer): Buffer {
    return f(this.#keys.get(this.#masterId)!);
  }

  toJSON(): string {
    return `[FolderKeyring ${this.ids.join(",")}]`;
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}

function gcmOpen(key: Buffer, iv: string, ct: string, tag: string, aad: string): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]);
}

function wrapAad(kekId: string, aad: string): string {
  return `alter-vault-kek/v1:${kekId}:${aad}`;
}

/** The KEKs of <data>/keyring.json (none when it does not exist); problems name the file and pointer. */
export function readKeyringFile(dataDir: string): Map<string, Buffer> {
  const file = keyringPath(dataDir);
  const keys = new Map<string, Buffer>();
  if (!existsSync(file)) return keys;
  const shown = maskSecrets(file);
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    throw new VaultUsageError(`${shown} is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${shown}\` first.`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw new VaultUsageError(`${shown}: not a readable JSON keyring`);
  }
  const o = doc as { keys?: unknown } | null;
  if (!o || typeof o !== "object" || !o.keys || typeof o.keys !== "object" || Array.isArray(o.keys)) {
    throw new VaultUsageError(`${shown}#/keys: must be an object of KEK id to key`);
  }
  for (const [id, value] of Object.entries(o.keys as Record<string, unknown>)) {
    const pointer = `${shown}#/keys/${id.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (!KEK_ID.test(id)) throw new VaultUsageError(`${pointer}: a KEK id must be 1-64 letters, digits, _ or -`);
    const key = typeof value === "string" && /^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, "base64url") : undefined;
    if (!key || key.length !== 32) throw new VaultUsageError(`${pointer}: must be 32 bytes in base64url`);
    keys.set(id, key);
  }
  return keys;
}

/** Replaces <data>/keyring.json atomically and durably (mode 0600 from the start); no KEKs removes it. */
export function writeKeyringFile(dataDir: string, keys: ReadonlyMap<string, Buffer>): void {
  const file = keyringPath(dataDir);
  if (keys.size === 0) {
    rmSync(file, { force: true });
    syncDir(dataDir);
    return;
  }
  const tmp = `${file}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, JSON.stringify({ keys: Object.fromEntries([...keys].map(([id, k]) => [id, k.toString("base64url")])) }, null, 2) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  syncDir(dataDir);
}

/** Adds a KEK to the folder's keyring.json; returns its id. */
export function addKekToFolder(dataDir: string, key: Buffer): string {
  const keys = readKeyringFile(dataDir);
  const id = kekIdOf(key);
  keys.set(id, key);
  writeKeyringFile(dataDir, keys);
  return id;
}

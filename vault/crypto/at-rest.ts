// Encryption at rest: every sealed value is an envelope (envelope.ts, format e1): its own random
// AES-256-GCM data key, wrapped by the keyring's current key-encryption key (KEK), with
// "<purpose>:<record id>" as associated data of both layers, so a sealed value cannot be moved to
// another row or column and still open. Values of the format before envelopes (v1: AES-GCM
// directly under the master key) still open; a master-key rotation rewraps them into e1.
//
// Which KEK is current is the database's decision (kek-state.ts), followed by every instance;
// MAC keys come from a root of their own (mac-root.ts) that does not change with the KEK.
import { createHmac } from "node:crypto";
import { inspect } from "node:util";
import { Envelope } from "./envelope.js";
import { FolderKeyring } from "./folder-keyring.js";
import { macKeyFor, macRootFromMasterKey } from "./mac-root.js";

const V1 = "v1";

export class AtRest {
  readonly #ring: FolderKeyring;
  readonly #envelope: Envelope;
  #macRoot: Buffer;
  readonly #macKeys = new Map<string, Buffer>();
  #follower: { stop(): void } | undefined;

  /** A master key (one KEK, its derived MAC root) or a folder's keyring. */
  constructor(keys: Buffer | FolderKeyring) {
    this.#ring = Buffer.isBuffer(keys) ? FolderKeyring.ofKey(keys) : keys;
    this.#envelope = new Envelope(this.#ring);
    // Until the database's root is adopted (kek-state.ts), the root an existing vault always had.
    this.#macRoot = this.#ring.derive(macRootFromMasterKey);
  }

  /** This process's keyring (ids only leave it). */
  get keyring(): FolderKeyring {
    return this.#ring;
  }

  seal(purpose: string, recordId: string, plaintext: string | Uint8Array): string {
    return this.#envelope.seal(purpose, recordId, plaintext);
  }

  open(purpose: string, recordId: string, sealed: string): Buffer {
    if (!sealed.startsWith(`${V1}.`)) return this.#envelope.open(purpose, recordId, sealed);
    const parts = sealed.split(".");
    if (parts.length !== 4) throw new Error(`a sealed ${purpose} value is malformed`);
    const plain = this.#ring.openDirect(parts[1]!, parts[2]!, parts[3]!, v1Aad(purpose, recordId));
    if (!plain) throw new Error(`a sealed ${purpose} value does not open with this master key (wrong key, or the row was tampered with)`);
    return plain;
  }

  sealJson(purpose: string, recordId: string, value: unknown): string {
    return this.seal(purpose, recordId, JSON.stringify(value));
  }

  openJson<T>(purpose: string, recordId: string, sealed: string): T {
    return JSON.parse(this.open(purpose, recordId, sealed).toString("utf8")) as T;
  }

  /**
   * The same value wrapped under the current KEK: an envelope gets its data key rewrapped (the
   * ciphertext is untouched), a v1 value is sealed again as an envelope.
   */
  rewrap(purpose: string, recordId: string, sealed: string): string {
    if (!sealed.startsWith(`${V1}.`)) return this.#envelope.rewrap(purpose, recordId, sealed);
    const plain = this.open(purpose, recordId, sealed);
    try {
      return this.seal(purpose, recordId, plain);
    } finally {
      plain.fill(0);
    }
  }

  /** The KEK a sealed value depends on: an envelope's KEK id, or "v1" for the format before them. */
  static kekOf(sealed: string): string | undefined {
    return sealed.startsWith(`${V1}.`) ? V1 : Envelope.kekOf(sealed);
  }

  /**
   * HMAC-SHA256 (hex) of `data` under the MAC key for `purpose` (HKDF-Expand of the MAC root,
   * mac-root.ts), e.g. CSRF tokens and the audit checkpoints' signatures. The key never leaves
   * this object, and a KEK rotation does not change it.
   */
  mac(purpose: string, data: string): string {
    let key = this.#macKeys.get(purpose);
    if (!key) {
      key = macKeyFor(this.#macRoot, purpose);
      this.#macKeys.set(purpose, key);
    }
    return createHmac("sha256", key).update(data, "utf8").digest("hex");
  }

  /** Adopts the database's MAC root (kek-state.ts). */
  useMacRoot(root: Buffer): void {
    if (root.length !== 32) throw new Error("a MAC root must be 32 bytes");
    this.#macRoot = Buffer.from(root);
    this.#macKeys.clear();
  }

  /** The timer following the database's current KEK (kek-state.ts); a new one replaces the old. */
  setFollower(follower: { stop(): void } | undefined): void {
    this.#follower?.stop();
    this.#follower = follower;
  }

  /** Stops following the database (the process closes this vault). */
  close(): void {
    this.setFollower(undefined);
  }

  toJSON(): string {
    return "[AtRest]";
  }

  [inspect.custom](): string {
    return "[AtRest]";
  }
}

function v1Aad(purpose: string, recordId: string): string {
  return `alter-vault-at-rest/v1:${purpose}:${recordId}`;
}

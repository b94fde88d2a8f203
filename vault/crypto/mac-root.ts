// The root of the vault's MAC keys (CSRF tokens, approver cookies, named-approver links, audit
// checkpoints and override signatures): a secret of its own, stored sealed in the database
// (meta `sealed:mac-root`), so MACs do not change when the key-encryption key does. A rotation
// only rewraps it, and a token or checkpoint signed before a rotation verifies after it, on
// every instance.
//
// Per purpose the MAC key is HKDF-Expand(root, "mac:<purpose>", 32). Before envelopes the keys
// were HKDF-SHA256(master key, salt "alter-vault/v1", info "mac:<purpose>"), which is
// HKDF-Expand(HKDF-Extract("alter-vault/v1", master key), …): so an existing vault's root is
// that Extract of its master key (one-way: the root does not give the master key back), and
// every MAC it issued before stays valid. A new vault's root is 32 random bytes.
import { createHmac, randomBytes } from "node:crypto";

const SALT = "alter-vault/v1";

/** HKDF-Extract(salt "alter-vault/v1", masterKey): the root an existing vault's MACs were made under. */
export function macRootFromMasterKey(masterKey: Buffer): Buffer {
  return createHmac("sha256", SALT).update(masterKey).digest();
}

export function newMacRoot(): Buffer {
  return randomBytes(32);
}

/** HKDF-Expand(root, "mac:<purpose>", 32): one SHA-256 block, T(1) = HMAC(root, info || 0x01). */
export function macKeyFor(root: Buffer, purpose: string): Buffer {
  return createHmac("sha256", root).update(`mac:${purpose}`, "utf8").update(Buffer.from([1])).digest();
}

// PKCE (RFC 7636, S256 only), state and nonce values.
import { createHash, randomBytes } from "node:crypto";

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomToken(32);
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** Tokens that travel in URLs are stored only as hashes. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

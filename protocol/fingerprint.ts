// A credential's fingerprint lets the SDK tell the vault "the provider refused this token"
// without sending the token: the vault refreshes only when its current token has the same
// fingerprint, so many concurrent 401s cause one refresh (see docs/protocol.md).
import { createHash } from "node:crypto";

/** base64url of the first 16 bytes of SHA-256 over the token's UTF-8 bytes. */
export function credentialFingerprint(token: string): string {
  return createHash("sha256").update(token, "utf8").digest().subarray(0, 16).toString("base64url");
}

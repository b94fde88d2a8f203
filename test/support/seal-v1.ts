// A value in the sealed format before envelopes (v1: AES-256-GCM directly under the master key),
// as vaults made by earlier versions hold them, for tests of reading and rewrapping old rows.
import { createCipheriv, randomBytes } from "node:crypto";

export function sealV1(masterKey: Buffer, purpose: string, recordId: string, plaintext: string | Uint8Array): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  cipher.setAAD(Buffer.from(`alter-vault-at-rest/v1:${purpose}:${recordId}`, "utf8"));
  const ct = Buffer.concat([cipher.update(typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext), cipher.final()]);
  return ["v1", iv.toString("base64url"), ct.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

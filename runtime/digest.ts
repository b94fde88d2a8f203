// RFC 9530 Content-Digest: `sha-256=:<base64>:` over the body bytes exactly as sent.
import { createHash, timingSafeEqual } from "node:crypto";
import { SignatureError } from "./errors.js";
import { parseDictionary, isInnerList, StructuredFieldError } from "./structured-fields.js";

export type DigestAlgorithm = "sha-256" | "sha-512";

const NODE_HASH: Record<DigestAlgorithm, string> = { "sha-256": "sha256", "sha-512": "sha512" };

function bytesOf(body: Uint8Array | string | undefined | null): Uint8Array | string {
  return body ?? "";
}

/** The Content-Digest field value for `body` (the empty string when there is none). */
export function createContentDigest(body: Uint8Array | string | undefined | null, alg: DigestAlgorithm = "sha-256"): string {
  const digest = createHash(NODE_HASH[alg]).update(bytesOf(body)).digest("base64");
  return `${alg}=:${digest}:`;
}

/**
 * Checks a Content-Digest field value against `body`. Every algorithm this module knows that the
 * field lists must match, and `required` (default sha-256) must be among them; anything else
 * throws `SignatureError("digest_mismatch")`.
 */
export function verifyContentDigest(
  field: string | undefined,
  body: Uint8Array | string | undefined | null,
  required: DigestAlgorithm = "sha-256",
): void {
  if (field === undefined || field === "") {
    throw new SignatureError("digest_mismatch", "the message has no Content-Digest field");
  }
  let dict;
  try {
    dict = parseDictionary(field);
  } catch (error) {
    if (error instanceof StructuredFieldError) {
      throw new SignatureError("digest_mismatch", `the Content-Digest field is malformed: ${error.message}`);
    }
    throw error;
  }
  let sawRequired = false;
  for (const [alg, member] of dict) {
    const nodeAlg = NODE_HASH[alg as DigestAlgorithm];
    if (nodeAlg === undefined) continue;
    if (isInnerList(member) || !(member.value instanceof Uint8Array)) {
      throw new SignatureError("digest_mismatch", `the Content-Digest member ${alg} is not a byte sequence`);
    }
    const expected = createHash(nodeAlg).update(bytesOf(body)).digest();
    const given = member.value;
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new SignatureError("digest_mismatch", `the Content-Digest (${alg}) does not match the body`);
    }
    if (alg === required) sawRequired = true;
  }
  if (!sawRequired) {
    throw new SignatureError("digest_mismatch", `the Content-Digest field has no ${required} member`);
  }
}

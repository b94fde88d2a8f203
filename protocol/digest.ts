// RFC 9530 Content-Digest: `sha-256=:<base64>:` over the body bytes exactly as sent.
import { hash, timingSafeEqual } from "node:crypto";
import { ProtocolError } from "./errors.js";
import { parseDictionary, isInnerList, StructuredFieldError } from "./structured-fields.js";

export type DigestAlgorithm = "sha-256" | "sha-512";

const NODE_HASH: Record<DigestAlgorithm, string> = { "sha-256": "sha256", "sha-512": "sha512" };

function bytesOf(body: Uint8Array | string | undefined | null): Uint8Array | string {
  return body ?? "";
}

/** The Content-Digest field value for `body` (the empty string when there is none). */
export function createContentDigest(body: Uint8Array | string | undefined | null, alg: DigestAlgorithm = "sha-256"): string {
  // crypto.hash (Node 20.12+): one native call, without the Hash object and its stream machinery.
  const digest = hash(NODE_HASH[alg], bytesOf(body), "base64");
  return `${alg}=:${digest}:`;
}

/** One digest a Content-Digest field states, in an algorithm this module knows. */
export interface StatedDigest {
  alg: DigestAlgorithm;
  /** The node:crypto hash name. */
  hash: string;
  value: Uint8Array;
}

/**
 * The digests a Content-Digest field states (members in algorithms this module does not know
 * are ignored); `required` must be among them. Throws `ProtocolError("digest_mismatch")` for a
 * missing or malformed field. Lets a receiver hash a body while it streams in.
 */
export function parseContentDigest(field: string | undefined, required: DigestAlgorithm = "sha-256"): StatedDigest[] {
  if (field === undefined || field === "") {
    throw new ProtocolError("digest_mismatch", "the message has no Content-Digest field");
  }
  let dict;
  try {
    dict = parseDictionary(field);
  } catch (error) {
    if (error instanceof StructuredFieldError) {
      throw new ProtocolError("digest_mismatch", `the Content-Digest field is malformed: ${error.message}`);
    }
    throw error;
  }
  const stated: StatedDigest[] = [];
  for (const [alg, member] of dict) {
    const hash = NODE_HASH[alg as DigestAlgorithm];
    if (hash === undefined) continue;
    if (isInnerList(member) || !(member.value instanceof Uint8Array)) {
      throw new ProtocolError("digest_mismatch", `the Content-Digest member ${alg} is not a byte sequence`);
    }
    stated.push({ alg: alg as DigestAlgorithm, hash, value: member.value });
  }
  if (!stated.some((d) => d.alg === required)) {
    throw new ProtocolError("digest_mismatch", `the Content-Digest field has no ${required} member`);
  }
  return stated;
}

/** Whether a computed digest equals the stated one (constant time). */
export function digestEquals(stated: StatedDigest, computed: Uint8Array): boolean {
  return computed.length === stated.value.length && timingSafeEqual(computed, stated.value);
}

/**
 * Checks a Content-Digest field value against `body`. Every algorithm this module knows that the
 * field lists must match, and `required` (default sha-256) must be among them; anything else
 * throws `ProtocolError("digest_mismatch")`.
 */
export function verifyContentDigest(
  field: string | undefined,
  body: Uint8Array | string | undefined | null,
  required: DigestAlgorithm = "sha-256",
): void {
  for (const stated of parseContentDigest(field, required)) {
    if (!digestEquals(stated, hash(stated.hash, bytesOf(body), "buffer"))) {
      throw new ProtocolError("digest_mismatch", `the Content-Digest (${stated.alg}) does not match the body`);
    }
  }
}

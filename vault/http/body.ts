// Reads request bodies with a size limit. A signed request's body is read only after its
// headers verified (verify.ts), and streams into the digests its Content-Digest states: it is
// refused as soon as it passes the limit, and when it ends with another digest.
import { createHash, type Hash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { digestEquals, type StatedDigest } from "../../protocol/digest.js";
import { VaultError } from "../errors.js";
import { refusal, type Checked } from "./refusal.js";

/** An unsigned route's body (browser forms), whole, up to `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Buffer | Promise<Buffer> {
  const body = readLimited(req, limit, undefined);
  return body instanceof Promise ? body.then((b) => wholeBody(b, limit)) : wholeBody(body, limit);
}

function wholeBody(body: Buffer | undefined, limit: number): Buffer {
  if (body === undefined) throw tooLarge(limit);
  return body;
}

/**
 * A signed request's body, hashed while it arrives. Refuses `payload_too_large` before reading
 * anything when Content-Length says so, or at the first chunk past the limit; `digest_mismatch`
 * when the bytes do not match the stated digests.
 */
export function readSignedBody(req: IncomingMessage, limit: number, stated: readonly StatedDigest[], keyId: string): Checked<Buffer> | Promise<Checked<Buffer>> {
  const hashes = stated.map((d) => createHash(d.hash));
  const body = readLimited(req, limit, hashes);
  // Usually the whole body came with the headers: then it is checked now, without a promise.
  return body instanceof Promise ? body.then((b) => checkedBody(b, limit, stated, hashes, keyId)) : checkedBody(body, limit, stated, hashes, keyId);
}

function checkedBody(body: Buffer | undefined, limit: number, stated: readonly StatedDigest[], hashes: Hash[], keyId: string): Checked<Buffer> {
  if (body === undefined) return refusal("payload_too_large", `the body is larger than ${limit} bytes`, keyId);
  for (let i = 0; i < stated.length; i++) {
    if (!digestEquals(stated[i]!, hashes[i]!.digest())) {
      return refusal("digest_mismatch", `the Content-Digest (${stated[i]!.alg}) does not match the body`, keyId);
    }
  }
  return { ok: true, value: body };
}

/**
 * The body, or undefined once it is larger than `limit`. The rest is then left unread: the
 * stream is paused, not destroyed (that would cut the connection before the answer is sent).
 */
function readLimited(req: IncomingMessage, limit: number, hashes: Hash[] | undefined): Buffer | undefined | Promise<Buffer | undefined> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) return undefined;
  // No Content-Length and no Transfer-Encoding: a request without a body (RFC 9112, 6.3).
  if (!mayHaveBody(req)) return EMPTY;
  if (req.complete && req.readableFlowing !== true) return readArrived(req, limit, hashes);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (value: Buffer | undefined, error?: unknown) => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      if (error !== undefined) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        return done(undefined);
      }
      if (hashes !== undefined) for (const h of hashes) h.update(chunk);
      chunks.push(chunk);
    };
    const onEnd = () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    const onError = (error: unknown) => done(undefined, error);
    // A client that goes away mid-body: nothing will answer it, but the handler must not hang.
    const onClose = () => done(undefined, new VaultError("invalid_request", "The client closed the connection before the body ended."));
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/**
 * The body of a request whose message the parser has already ended (a small body arrives with
 * its headers): every byte is in the stream's buffer, so it is taken in one read, with no
 * listeners and no promise. Over the limit, it is left there unread, as readLimited leaves it.
 */
function readArrived(req: IncomingMessage, limit: number, hashes: Hash[] | undefined): Buffer | undefined {
  if (req.readableLength > limit) return undefined;
  const body = (req.readableLength === 0 ? null : (req.read() as Buffer | null)) ?? EMPTY;
  if (hashes !== undefined) for (const h of hashes) h.update(body);
  return body;
}

const EMPTY = Buffer.alloc(0);

function tooLarge(limit: number): VaultError {
  return new VaultError("payload_too_large", `The request body is larger than ${limit} bytes.`);
}

/** Whether the request announces a body (Content-Length above 0, or a transfer coding). */
export function mayHaveBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
}

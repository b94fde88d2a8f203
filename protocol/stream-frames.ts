// The streamed proxy answer (docs/protocol.md, "Streamed answers"): the body of a `POST /v1/proxy`
// answer whose request asked `stream: true` and whose provider answered 2xx. A signed answer
// cannot cover a body it has not seen, so the HTTP response's signature covers a head (its
// Content-Digest is the head frame's, `Alter-Stream: head` says so), and a signed end frame
// covers the bytes that followed:
//
//   frame := uint32 big-endian length, then that many bytes
//   body  := frame(head JSON) frame(data)* frame(empty) frame(end JSON)
//   end   := { "bytes": n, "digest": "sha-256=:…:", "mac": "…" }            (all data relayed)
//          | { "error": { "code", "message" }, "mac": "…" }                    (the provider failed midway)
//   mac   := base64 HMAC-SHA256 with the response-signing key of
//            "alter-gen/v2/stream-end\n" + the response's Signature value + "\n" + ("<n>\n<digest>" | "error\n<code>")
//
// Binding the mac to the response's Signature (itself bound to the request's) means an end frame
// cannot be moved onto another stream. Imports only node:crypto.
import { createHmac, timingSafeEqual } from "node:crypto";

export const STREAM_CONTENT_TYPE = "application/vnd.alter-gen.stream";
/** The `Alter-Stream` header's value: the Content-Digest covers the head frame only. */
export const STREAM_HEAD = "head";
const END_TAG = "alter-gen/v2/stream-end";
/** The largest frame: the vault splits larger chunks, a reader refuses a longer declared length. */
export const MAX_FRAME = 1024 * 1024;

export type StreamEnd = { bytes: number; digest: string } | { error: { code: string; message: string } };

/** One frame: the length prefix and the payload (at most MAX_FRAME bytes; `frames` splits). */
export function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.byteLength);
  out.writeUInt32BE(payload.byteLength, 0);
  out.set(payload, 4);
  return out;
}

/** Data as frames of at most MAX_FRAME bytes (none for empty data: an empty frame ends the data). */
export function dataFrames(data: Uint8Array): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < data.byteLength; at += MAX_FRAME) out.push(frame(data.subarray(at, Math.min(data.byteLength, at + MAX_FRAME))));
  return out;
}

function endBase(signature: string, end: StreamEnd): string {
  const what = "error" in end ? `error\n${end.error.code}` : `${end.bytes}\n${end.digest}`;
  return `${END_TAG}\n${signature}\n${what}`;
}

/** The end frame's payload, its mac made with the response-signing key. */
export function signedEnd(key: Uint8Array, signature: string, end: StreamEnd): Buffer {
  const mac = createHmac("sha256", key).update(endBase(signature, end)).digest("base64");
  return Buffer.from(JSON.stringify({ ...end, mac }), "utf8");
}

/** The end frame's content when its mac verifies, else undefined. */
export function verifiedEnd(key: Uint8Array, signature: string, payload: Uint8Array): StreamEnd | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch {
    return undefined;
  }
  const p = parsed as { bytes?: unknown; digest?: unknown; mac?: unknown; error?: { code?: unknown; message?: unknown } };
  if (typeof p?.mac !== "string") return undefined;
  let end: StreamEnd;
  if (typeof p.bytes === "number" && typeof p.digest === "string") end = { bytes: p.bytes, digest: p.digest };
  else if (typeof p.error?.code === "string") end = { error: { code: p.error.code, message: typeof p.error.message === "string" ? p.error.message : "" } };
  else return undefined;
  const want = createHmac("sha256", key).update(endBase(signature, end)).digest();
  const got = Buffer.from(p.mac, "base64");
  return got.length === want.length && timingSafeEqual(got, want) ? end : undefined;
}

/**
 * Splits arriving bytes into frames. `push` returns the frames completed by a chunk; a frame
 * wholly inside one chunk is a view into it (no copy), one split across chunks is joined once.
 */
export class FrameSplitter {
  /** The pieces of an incomplete frame, and their total length. */
  #parts: Uint8Array[] = [];
  #held = 0;

  push(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    let at = 0;
    if (this.#held) {
      const joined = this.#complete(chunk);
      if (!joined) return frames;
      frames.push(joined.frame);
      at = joined.used;
    }
    while (chunk.byteLength - at >= 4) {
      const len = lengthOf(chunk, at);
      if (chunk.byteLength - at < 4 + len) break;
      frames.push(chunk.subarray(at + 4, at + 4 + len));
      at += 4 + len;
    }
    if (at < chunk.byteLength) {
      this.#parts.push(chunk.slice(at));
      this.#held += chunk.byteLength - at;
    }
    return frames;
  }

  /** Bytes of an incomplete frame still waiting. */
  get pending(): number {
    return this.#held;
  }

  /** Adds `chunk` to the held frame; the frame and the bytes of `chunk` it took once it is whole. */
  #complete(chunk: Uint8Array): { frame: Uint8Array; used: number } | undefined {
    let used = 0;
    if (this.#parts[0]!.byteLength < 4) {
      // The length prefix itself was split: what is held (at most 3 bytes) joined with the chunk's start.
      used = Math.min(chunk.byteLength, 4 - this.#held);
      const prefix = Buffer.concat([...this.#parts, chunk.subarray(0, used)]);
      this.#parts = [prefix];
      this.#held = prefix.byteLength;
      if (prefix.byteLength < 4) return undefined;
    }
    const rest = chunk.subarray(used);
    const need = 4 + lengthOf(this.#parts[0]!, 0) - this.#held;
    if (rest.byteLength < need) {
      this.#parts.push(rest.slice());
      this.#held += rest.byteLength;
      return undefined;
    }
    const whole = Buffer.concat([...this.#parts, rest.subarray(0, need)]);
    this.#parts = [];
    this.#held = 0;
    return { frame: whole.subarray(4), used: used + need };
  }
}

function lengthOf(buf: Uint8Array, at: number): number {
  const len = new DataView(buf.buffer, buf.byteOffset + at, 4).getUint32(0);
  if (len > MAX_FRAME) throw new RangeError(`a frame of ${len} bytes is longer than ${MAX_FRAME}`);
  return len;
}

// The SDK's half of a streamed proxy answer (docs/protocol.md, "Streamed answers";
// protocol/stream-frames.ts). The transport has verified the head (signature, and Content-Digest
// over the head frame); this turns the frames after it into the caller's stream: data frames are
// handed over as they arrive, counted and hashed, and the stream only closes once the end frame's
// mac verifies and its byte count and digest match what was handed over. Anything else errors the
// stream at its end (or where it broke): a SignatureError for an end that does not verify or does
// not match (the bytes already handed over must not be trusted), a NetworkError for a stream cut
// off or an end that reports the provider failed midway.
import { createHash } from "node:crypto";
import { FrameSplitter, verifiedEnd } from "../../protocol/stream-frames.js";
import { NetworkError, SignatureError } from "../errors.js";

export interface FramedSource {
  /** The rest of the vault's answer body, after the bytes already split. */
  chunks: AsyncIterator<Uint8Array>;
  splitter: FrameSplitter;
  /** Frames after the head that arrived with it. */
  queued: Uint8Array[];
  /** Drops the answer (and its connection). */
  destroy(): void;
  /** The response-signing key and the response's Signature value the end is bound to. */
  key: Uint8Array;
  signature: string;
  signal: AbortSignal | undefined;
  /** Called once the stream is over, whichever way. */
  done(): void;
}

export function framedBody(source: FramedSource): ReadableStream<Uint8Array> {
  const digest = createHash("sha256");
  let bytes = 0;
  let ending = false;
  const queue = source.queued;
  const nextFrame = async (): Promise<Uint8Array | undefined> => {
    while (queue.length === 0) {
      const r = await source.chunks.next();
      if (r.done) return undefined;
      queue.push(...source.splitter.push(r.value));
    }
    return queue.shift();
  };
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
    source.destroy();
    source.done();
    controller.error(error);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const f = await nextFrame();
          if (f === undefined) return fail(controller, new NetworkError("the vault's streamed answer ended before its signed end; the bytes received may be incomplete", { code: "stream_truncated" }));
          if (!ending && f.byteLength > 0) {
            digest.update(f);
            bytes += f.byteLength;
            return controller.enqueue(f.slice());
          }
          if (!ending) {
            ending = true;
            const endFrame = await nextFrame();
            if (endFrame === undefined) return fail(controller, new NetworkError("the vault's streamed answer ended before its signed end; the bytes received may be incomplete", { code: "stream_truncated" }));
            return settle(controller, endFrame);
          }
        } catch (error) {
          if (source.signal?.aborted) return fail(controller, source.signal.reason);
          if (error instanceof RangeError) return fail(controller, new SignatureError("signature_invalid", `the vault's streamed answer is not framed as the protocol says (${error.message}); the bytes received must not be trusted`));
          return fail(controller, new NetworkError("the connection to the vault broke while its streamed answer arrived", { code: "stream_truncated" }));
        }
      },
      cancel() {
        source.destroy();
        source.done();
      },
    },
    { highWaterMark: 0 },
  );

  function settle(controller: ReadableStreamDefaultController<Uint8Array>, endFrame: Uint8Array): void {
    const end = verifiedEnd(source.key, source.signature, endFrame);
    if (!end) return fail(controller, new SignatureError("signature_invalid", "the vault's streamed answer has an end that does not verify; the bytes received must not be trusted"));
    if ("error" in end) return fail(controller, new NetworkError(`the provider's answer was cut off while the vault relayed it (${end.error.code})`, { code: "provider_unreachable" }));
    const got = `sha-256=:${digest.digest("base64")}:`;
    if (end.bytes !== bytes || end.digest !== got) {
      return fail(controller, new SignatureError("digest_mismatch", `the vault's streamed answer does not match its signed end (${bytes} bytes received, ${end.bytes} signed); the bytes received must not be trusted`));
    }
    source.done();
    controller.close();
  }
}

// A provider's answer body handed to the caller as it arrives (`stream: true`): a web
// ReadableStream pulled from undici's body, one chunk per read, so nothing is read ahead of the
// consumer beyond undici's own buffer (the socket is paused meanwhile: backpressure end to end).
// Each chunk is scrubbed of the credential across chunk boundaries (protocol/scrub-stream.ts);
// a failure while reading becomes the SDK's TimeoutError or NetworkError, an abort the signal's
// reason; cancelling the stream destroys the body, which frees the socket.
import type { Scrubber } from "../../protocol/scrub.js";
import { StreamScrubber } from "../../protocol/scrub-stream.js";

/** What the stream needs to read a body and to name its failures. */
export interface StreamSource {
  /** undici's body (a Node Readable): async-iterable chunks, destroyable. */
  body: AsyncIterable<Uint8Array> & { destroy(error?: Error): unknown };
  scrubber: Scrubber;
  signal: AbortSignal | undefined;
  /** The SDK error for a failure while the body arrives (timeout or network). */
  failure(error: unknown): Error;
}

/** Streams `source.body` to the caller, scrubbed, pulled on demand. */
export function streamedBody(source: StreamSource): ReadableStream<Uint8Array> {
  const { body, signal } = source;
  const chunks = body[Symbol.asyncIterator]();
  const tail = source.scrubber.active ? new StreamScrubber(source.scrubber) : undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            const next = await chunks.next();
            if (next.done) {
              const rest = tail?.end();
              if (rest?.byteLength) controller.enqueue(rest);
              controller.close();
              return;
            }
            const out = tail ? tail.push(next.value) : next.value;
            // A chunk wholly held back asks for the next one: every pull enqueues or ends.
            if (out.byteLength) return controller.enqueue(out);
          }
        } catch (error) {
          controller.error(signal?.aborted ? signal.reason : source.failure(error));
        }
      },
      cancel() {
        // The consumer stopped: drop the rest of the body and its connection.
        body.destroy();
      },
    },
    // Read only when the consumer reads: undici's buffer is the only read-ahead.
    { highWaterMark: 0 },
  );
}

/** A body already in memory (proxy mode's buffered relay) as a one-chunk stream. */
export function bytesAsStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.byteLength) controller.enqueue(bytes);
      controller.close();
    },
  });
}

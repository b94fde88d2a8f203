// Writes a streamed proxy answer (docs/protocol.md, "Streamed answers"; protocol/stream-frames.ts):
// the signed head (the route's JSON, its Content-Digest the head frame's), then the provider's body
// as it arrives, scrubbed across chunk boundaries, in frames, then the end frame whose mac covers
// the byte count and digest of what was relayed. Backpressure: the next provider chunk is read
// only once the caller's socket took the last one; a caller that goes away drops the provider's
// body (and its connection).
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { StreamScrubber } from "../../protocol/scrub-stream.js";
import { STREAM_CONTENT_TYPE, STREAM_HEAD, dataFrames, frame, signedEnd, type StreamEnd } from "../../protocol/stream-frames.js";
import type { ArrivingBody } from "../proxy/send.js";

const WRITE_SLACK = 1024 * 1024;

/** Headers for the head: the stream's content type and the `Alter-Stream` marker (signed, as every alter-* header). */
export function streamHeadHeaders(headers: Record<string, string>): void {
  headers["content-type"] = STREAM_CONTENT_TYPE;
  headers["alter-stream"] = STREAM_HEAD;
}

/** Relays `arriving` after the signed `head`; `headers` already carry the head's signature. */
export function relayStream(res: ServerResponse, headers: Record<string, string>, head: Buffer, arriving: ArrivingBody, responseKey: Uint8Array): void {
  const signature = headers.signature;
  res.writeHead(200, headers);
  if (signature === undefined) {
    // Unsigned (no request signature to bind to): no end can be signed, so no data is sent.
    arriving.body.destroy();
    res.end(frame(head));
    return;
  }
  res.write(frame(head));
  res.once("close", () => {
    if (!res.writableFinished) arriving.body.destroy();
  });
  void pump(res, arriving, responseKey, signature);
}

async function pump(res: ServerResponse, arriving: ArrivingBody, key: Uint8Array, signature: string): Promise<void> {
  const scrub = arriving.scrubber.active ? new StreamScrubber(arriving.scrubber) : undefined;
  const digest = createHash("sha256");
  let bytes = 0;
  const send = async (data: Uint8Array): Promise<void> => {
    if (!data.byteLength) return;
    digest.update(data);
    bytes += data.byteLength;
    for (const f of dataFrames(data)) res.write(f);
    // Backpressure with some slack: waiting for 'drain' after every 64 KiB frame paces the relay
    // to round trips; one socket's worth of buffered bytes is the bound instead.
    if (res.writableLength > WRITE_SLACK) await drained(res);
  };
  let end: StreamEnd;
  try {
    for await (const chunk of arriving.body) {
      if (res.destroyed) return;
      await send(scrub ? scrub.push(chunk) : chunk);
    }
    if (scrub) await send(scrub.end());
    end = { bytes, digest: `sha-256=:${digest.digest("base64")}:` };
  } catch {
    if (res.destroyed) return;
    end = { error: { code: "provider_unreachable", message: "The provider's answer was cut off while it was relayed." } };
  }
  res.write(frame(new Uint8Array(0)));
  res.end(frame(signedEnd(key, signature, end)));
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}

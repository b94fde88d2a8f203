// Scrubbing a body that is handed on while it arrives (a streamed download, retrieve or proxy
// mode): the same search as a buffered body's (scrub.ts, `Scrubber.bytes`, binary bodies
// included), run over each chunk joined to the tail held back from the one before. Only the last
// `longestForm - 1` bytes are ever held back: a form that starts earlier ends inside the searched
// window, so it is found whole; one that starts in the tail is searched again with the next chunk.
import type { Scrubber } from "./scrub.js";

const EMPTY = new Uint8Array(0);

export class StreamScrubber {
  readonly #scrubber: Scrubber;
  readonly #keep: number;
  #held: Uint8Array = EMPTY;

  constructor(scrubber: Scrubber) {
    this.#scrubber = scrubber;
    this.#keep = Math.max(0, scrubber.longestForm - 1);
  }

  /** The bytes of `chunk` (and of the tail before it) that can go on now, scrubbed. */
  push(chunk: Uint8Array): Uint8Array {
    if (this.#keep === 0) return chunk;
    const window = this.#held.byteLength ? concat(this.#held, chunk) : chunk;
    const scrubbed = this.#scrubber.bytes(window);
    if (scrubbed.byteLength <= this.#keep) {
      this.#held = scrubbed === chunk ? chunk.slice() : scrubbed;
      return EMPTY;
    }
    const cut = scrubbed.byteLength - this.#keep;
    // A copy: the tail must not pin the whole chunk (or alias a buffer its producer reuses).
    this.#held = scrubbed.slice(cut);
    return scrubbed.subarray(0, cut);
  }

  /** What is still held back, at the end of the body (already scrubbed by the last `push`). */
  end(): Uint8Array {
    const rest = this.#held;
    this.#held = EMPTY;
    return rest;
  }

  /** Bytes held back right now (tests bound it). */
  get held(): number {
    return this.#held.byteLength;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

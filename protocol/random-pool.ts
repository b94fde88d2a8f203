// Random bytes for public per-message values (AES-GCM IVs), drawn from the CSPRNG in 4 KB blocks.
// `randomBytes(12)` costs a native call (a few µs) per value; one call per 4 KB block is ~340 IVs.
//
// Safety: every byte of a block is handed out at most once (the position only moves forward; a
// spent block is dropped and a new one drawn), and each value is copied into a buffer of its own,
// so no caller can reach the block, the bytes handed to another caller, or the bytes to come.
// Worker threads load their own copy of this module and draw their own blocks; a Node process
// cannot fork itself with its heap (child processes start afresh), so no two processes share a
// block. Fork safety in the C sense is therefore not needed, and not provided.
// Use it for values that go out in the clear (IVs, nonces), not for key material: keys come from
// `randomBytes` directly, so that no future key sits in a block beforehand.
import { randomFillSync } from "node:crypto";

const BLOCK_SIZE = 4096;

let block: Buffer = Buffer.alloc(0);
let position = 0;

/** `size` fresh random bytes (at most 256) in a new Buffer, never given out before. */
export function randomPublicBytes(size: number): Buffer {
  if (!Number.isInteger(size) || size < 0 || size > 256) throw new RangeError("randomPublicBytes takes 0 to 256 bytes");
  if (position + size > block.length) {
    // A new block, not the old one refilled: what is left of the old one is dropped, unused.
    block = randomFillSync(Buffer.allocUnsafeSlow(BLOCK_SIZE));
    position = 0;
  }
  // Memory of its own (not a slice of Node's shared small-buffer pool), so `out.buffer` reaches
  // nothing but these bytes; it is wholly overwritten by the copy.
  const out = Buffer.allocUnsafeSlow(size);
  block.copy(out, 0, position, position + size);
  position += size;
  return out;
}

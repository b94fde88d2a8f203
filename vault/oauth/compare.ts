import { timingSafeEqual } from "node:crypto";

/** Compares two hex digests without leaking where they differ. */
export function constantTimeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

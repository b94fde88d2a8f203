import { describe, expect, it } from "vitest";
import { randomPublicBytes } from "../../protocol/random-pool.js";
import { seal } from "../../protocol/seal.js";

// Draws enough 12-byte values to cross several 4 KB blocks (341 values per block).
const DRAWS = 2000;

describe("randomPublicBytes (random bytes drawn from the CSPRNG in blocks)", () => {
  it("never hands out the same bytes twice, within a block and across block refills", () => {
    const seen = new Set<string>();
    for (let i = 0; i < DRAWS; i++) seen.add(randomPublicBytes(12).toString("hex"));
    // 96 random bits: any repeat means bytes were handed out again (a position not moved on,
    // or a block used again instead of a new one).
    expect(seen.size).toBe(DRAWS);
  });

  it("hands out values of mixed sizes without overlap: no value's bytes reappear in another", () => {
    const values: Buffer[] = [];
    for (let i = 0; i < 600; i++) values.push(randomPublicBytes(1 + (i % 40)));
    const all = Buffer.concat(values).toString("hex");
    // Every 8-byte window of a long value is found exactly once in everything handed out.
    for (const value of values.filter((v) => v.length >= 32).slice(0, 50)) {
      const window = value.subarray(8, 16).toString("hex");
      expect(all.split(window)).toHaveLength(2);
    }
  });

  it("gives each value memory of its own: no caller reaches another value or the block", () => {
    const a = randomPublicBytes(12);
    const b = randomPublicBytes(12);
    expect(a.buffer.byteLength).toBe(12);
    expect(Buffer.from(a.buffer).includes(b)).toBe(false);
    a.fill(0);
    expect(b.equals(Buffer.alloc(12))).toBe(false);
  });

  it("returns exactly the size asked for, and refuses sizes it does not draw", () => {
    expect(randomPublicBytes(0)).toHaveLength(0);
    expect(randomPublicBytes(256)).toHaveLength(256);
    expect(() => randomPublicBytes(257)).toThrow(RangeError);
    expect(() => randomPublicBytes(-1)).toThrow(RangeError);
    expect(() => randomPublicBytes(1.5)).toThrow(RangeError);
  });

  it("gives every sealed value its own IV across block refills", () => {
    const key = Buffer.alloc(32, 7);
    const ivs = new Set<string>();
    for (let i = 0; i < DRAWS; i++) ivs.add(seal({ i }, key, "nonce").iv);
    expect(ivs.size).toBe(DRAWS);
  });
});

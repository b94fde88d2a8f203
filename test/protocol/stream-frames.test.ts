// protocol/stream-frames.ts: frames split back exactly however the bytes are cut, a frame longer
// than the limit is refused, and an end frame verifies only with its key, its answer's signature
// and its own content.
import { describe, expect, it } from "vitest";
import { FrameSplitter, MAX_FRAME, dataFrames, frame, signedEnd, verifiedEnd } from "../../protocol/stream-frames.js";

const payloads = [new Uint8Array(0), new Uint8Array([1]), new Uint8Array(5).fill(7), new Uint8Array(70_000).map((_, i) => i & 0xff), new Uint8Array([9, 9])];
const wire = Buffer.concat(payloads.map((p) => frame(p)));

describe("FrameSplitter", () => {
  it.each([1, 2, 3, 4, 5, 7, 64, 1000, 65_536, wire.byteLength])("cut every %i bytes, the frames come back as written", (step) => {
    const s = new FrameSplitter();
    const out: Uint8Array[] = [];
    for (let at = 0; at < wire.byteLength; at += step) out.push(...s.push(wire.subarray(at, at + step)));
    expect(out.map((f) => Buffer.from(f).toString("hex"))).toEqual(payloads.map((p) => Buffer.from(p).toString("hex")));
    expect(s.pending).toBe(0);
  });

  it("a declared length over the limit is refused", () => {
    const bad = Buffer.alloc(4);
    bad.writeUInt32BE(MAX_FRAME + 1, 0);
    expect(() => new FrameSplitter().push(bad)).toThrow(RangeError);
  });

  it("dataFrames splits data larger than a frame may hold", () => {
    const data = new Uint8Array(MAX_FRAME * 2 + 3);
    expect(dataFrames(data).map((f) => f.byteLength - 4)).toEqual([MAX_FRAME, MAX_FRAME, 3]);
  });
});

describe("the signed end", () => {
  const key = new Uint8Array(32).fill(3);
  const sig = "alter=:c2lnbmF0dXJl:";
  const end = { bytes: 12, digest: "sha-256=:abc=:" };
  it.each([
    ["the same key, signature and content", key, sig, (p: Buffer) => p, true],
    ["another key", new Uint8Array(32).fill(4), sig, (p: Buffer) => p, false],
    ["another answer's signature", key, "alter=:b3RoZXI=:", (p: Buffer) => p, false],
    ["another byte count", key, sig, (p: Buffer) => Buffer.from(p.toString().replace('"bytes":12', '"bytes":11')), false],
    ["not JSON", key, sig, () => Buffer.from("nope"), false],
  ] as const)("%s", (_name, k, s, change, ok) => {
    const verified = verifiedEnd(k, s, change(signedEnd(key, sig, end)));
    expect(verified !== undefined).toBe(ok);
  });
  it("an error end verifies as an error", () => {
    const e = { error: { code: "provider_unreachable", message: "cut" } };
    expect(verifiedEnd(key, sig, signedEnd(key, sig, e))).toEqual(e);
  });
});

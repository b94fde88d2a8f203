// protocol/scrub-stream.ts: a body scrubbed while it streams gives the same bytes as the whole
// body scrubbed at once (scrub.ts), wherever the chunks are cut, including through the middle of
// a form of the credential; and it never holds more than one form's length back.
import { describe, expect, it } from "vitest";
import { credentialScrubber, Scrubber } from "../../protocol/scrub.js";
import { StreamScrubber } from "../../protocol/scrub-stream.js";

const TOKEN = "ghp_CANARYstream/tok+en=7f3a~9!c*Q2";
const PLAIN = "ghp_CANARYplain0123456789abcdefABCDEF";
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

const FORMS: [string, string, string][] = [
  ["the token as it is", TOKEN, TOKEN],
  ["percent-encoded", TOKEN, encodeURIComponent(TOKEN)],
  ["percent-encoded twice", TOKEN, encodeURIComponent(encodeURIComponent(TOKEN))],
  ["JSON-escaped", TOKEN, JSON.stringify({ t: TOKEN }).replaceAll("/", "\\/")],
  ["base64 of the Authorization header", TOKEN, b64(`Authorization: Bearer ${TOKEN}`)],
  ["a plain token", PLAIN, PLAIN],
  ["a plain token's base64url", PLAIN, Buffer.from(PLAIN).toString("base64url")],
];

/** Binary filler around the form: bytes that are not UTF-8, kept byte for byte. */
const before = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x80, 0x41]);
const after = new Uint8Array([0x00, 0xc3, 0x28, 0xff, 0x0a]);

function body(form: string): Uint8Array {
  return new Uint8Array(Buffer.concat([before, Buffer.from(form, "latin1"), after]));
}

function streamed(scrubber: Scrubber, chunks: Uint8Array[]): { out: Uint8Array; maxHeld: number } {
  const s = new StreamScrubber(scrubber);
  const parts: Uint8Array[] = [];
  let maxHeld = 0;
  for (const c of chunks) {
    parts.push(s.push(c));
    maxHeld = Math.max(maxHeld, s.held);
  }
  parts.push(s.end());
  return { out: new Uint8Array(Buffer.concat(parts)), maxHeld };
}

const scrubberFor = (token: string) => credentialScrubber({ type: "bearer" }, { token }, { authorization: `Bearer ${token}` });

describe("a form of the credential cut between two chunks is still scrubbed", () => {
  it.each(FORMS)("%s, cut at every byte", (_name, token, form) => {
    const scrubber = scrubberFor(token);
    const whole = body(form);
    const expected = scrubber.bytes(whole);
    expect(Buffer.from(expected).toString("latin1")).toContain("[REDACTED]");
    for (let cut = 1; cut < whole.byteLength; cut++) {
      const { out, maxHeld } = streamed(scrubber, [whole.slice(0, cut), whole.slice(cut)]);
      expect(Buffer.from(out).equals(Buffer.from(expected)), `cut at ${cut}`).toBe(true);
      expect(maxHeld).toBeLessThan(scrubber.longestForm);
    }
  });

  it.each(FORMS)("%s, one byte per chunk", (_name, token, form) => {
    const scrubber = scrubberFor(token);
    const whole = body(form);
    const { out, maxHeld } = streamed(scrubber, [...whole].map((b) => new Uint8Array([b])));
    expect(Buffer.from(out).equals(Buffer.from(scrubber.bytes(whole)))).toBe(true);
    expect(Buffer.from(out).toString("latin1")).not.toContain(form);
    expect(maxHeld).toBeLessThan(scrubber.longestForm);
  });
});

describe("what is held back", () => {
  it("a plain token's stream holds back less than its longest form", () => {
    const scrubber = scrubberFor(PLAIN);
    // The longest literal form is the base64 of the carrier (`Bearer <token>`), about 4/3 of it.
    expect(scrubber.longestForm).toBeLessThanOrEqual(Math.ceil(((PLAIN.length + 7) * 4) / 3));
    const big = new Uint8Array(1 << 20).fill(0x61);
    const s = new StreamScrubber(scrubber);
    expect(s.push(big).byteLength).toBe(big.byteLength - (scrubber.longestForm - 1));
    expect(s.held).toBe(scrubber.longestForm - 1);
    expect(s.end().byteLength).toBe(scrubber.longestForm - 1);
  });

  it("bytes with no credential go through unchanged, binary included", () => {
    const scrubber = scrubberFor(TOKEN);
    const data = new Uint8Array(300_000).map((_, i) => (i * 7919) & 0xff);
    const chunks = [data.slice(0, 1), data.slice(1, 65_537), data.slice(65_537, 65_540), data.slice(65_540)];
    const { out } = streamed(scrubber, chunks);
    expect(Buffer.from(out).equals(Buffer.from(data))).toBe(true);
  });

  it("with nothing to search for, each chunk goes on as it is and nothing is held", () => {
    const none = new Scrubber([]);
    const s = new StreamScrubber(none);
    const chunk = new Uint8Array([1, 2, 3]);
    expect(s.push(chunk)).toBe(chunk);
    expect(s.held).toBe(0);
  });
});

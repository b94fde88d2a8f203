// The one rule every agent adapter (MCP, LangChain, AI SDK) uses for what a model reads of a
// successful call, table by table: each kind of answer, the cut of a long one, and the option's check.
import { describe, expect, it } from "vitest";
import { AlterValueError } from "alter-gen/runtime";
import { answerLimit, DEFAULT_ANSWER_CHARS, modelAnswer, type ModelAnswer } from "../../integrations/shared/model-answer.js";

const bytes = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const zip = new Uint8Array(300_000).fill(7);
zip.set(bytes("PK\x03\x04\x14\x00\x00\x00"), 0);
const LOG = "2026-12-03T10:00:00Z build started\n\tstep 1 ok\r\n";

describe("modelAnswer", () => {
  type Want = Partial<ModelAnswer> & { match?: RegExp };
  const rows: [name: string, data: unknown, contentType: string | undefined, want: Want][] = [
    ["an object: its JSON and the value", { name: "octo", id: 1 }, "application/json", { kind: "json", text: '{"name":"octo","id":1}', json: { name: "octo", id: 1 }, cut: false }],
    ["an array: its JSON", [1, 2], undefined, { kind: "json", text: "[1,2]", json: [1, 2] }],
    ["null is JSON", null, "application/json", { kind: "json", text: "null", json: null }],
    ["a string: as is", "plain text", "text/plain", { kind: "text", text: "plain text", cut: false }],
    ["nothing (a 204)", undefined, undefined, { kind: "empty", text: "The call succeeded with no content." }],
    ["an empty string", "", "text/plain", { kind: "empty", text: "The call succeeded with no content." }],
    ["no bytes", new Uint8Array(0), "application/zip", { kind: "empty" }],
    ["an archive: its size and media type", zip, "application/zip", { kind: "binary", text: "The call succeeded with a binary answer of 300000 bytes (application/zip), which is not shown here.", bytes: 300_000, mediaType: "application/zip" }],
    ["an image: its size and media type", bytes("\x89PNG\r\n\x1a\n\x00\x00"), "image/png; charset=binary", { kind: "binary", match: /of 10 bytes \(image\/png\)/, mediaType: "image/png" }],
    ["octet-stream with controls: its size", zip, "application/octet-stream", { kind: "binary", text: "The call succeeded with a binary answer of 300000 bytes, which is not shown here." }],
    ["a log as bytes (text/plain): its text", new Uint8Array(Buffer.from(LOG)), "text/plain; charset=utf-8", { kind: "text", text: LOG, bytes: Buffer.byteLength(LOG) }],
    ["XML as bytes (+xml): its text", new Uint8Array(Buffer.from("<a>é</a>")), "application/atom+xml", { kind: "text", text: "<a>é</a>" }],
    ["UTF-8 bytes with no media type: their text", new Uint8Array(Buffer.from("größe ok")), undefined, { kind: "text", text: "größe ok" }],
    ["octet-stream of clean UTF-8: its text", new Uint8Array(Buffer.from("a,b\n1,2\n")), "application/octet-stream", { kind: "text", text: "a,b\n1,2\n" }],
    ["invalid UTF-8 with no media type: its size", bytes("\xff\xfe\xfa"), undefined, { kind: "binary", text: "The call succeeded with a binary answer of 3 bytes, which is not shown here." }],
  ];
  it.each(rows)("%s", (_name, data, contentType, want) => {
    const { match, ...fields } = want;
    const seen = modelAnswer(data, { contentType });
    expect(seen).toMatchObject(fields);
    if (match) expect(seen.text).toMatch(match);
    // Never the numbered-bytes JSON of a Uint8Array.
    expect(seen.text).not.toMatch(/"0":/);
  });

  const cuts: [name: string, data: unknown, contentType: string | undefined, max: number, note: RegExp][] = [
    ["a long text", "x".repeat(DEFAULT_ANSWER_CHARS + 10), undefined, DEFAULT_ANSWER_CHARS, /^x+\n… \[cut: the answer has 100010 characters; only the first 100000 characters are shown\. Ask for less/],
    ["a long JSON answer", { items: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `item ${i}` })) }, "application/json", DEFAULT_ANSWER_CHARS, /^\{"items":\[\{"id":0.*\n… \[cut: the answer has \d+ characters; only the first 100000/s],
    ["a custom limit", "y".repeat(500), undefined, 200, /^y{200}\n… \[cut: the answer has 500 characters; only the first 200/],
    ["megabytes of log bytes: only a prefix is decoded", new Uint8Array(5_000_000).fill(0x61), "text/plain", 1_000, /^a{1000}\n… \[cut: the answer has 5000000 bytes; only the first 1000 characters/],
    ["a surrogate pair at the cut stays whole", `${"z".repeat(199)}😀tail`, undefined, 200, /^z{199}\n… \[cut: .* only the first 199 characters/],
  ];
  it.each(cuts)("cuts %s and says so", (_name, data, contentType, max, note) => {
    const seen = modelAnswer(data, { contentType, maxChars: max });
    expect(seen.cut).toBe(true);
    expect(seen.json).toBeUndefined();
    expect(seen.text).toMatch(note);
    expect(seen.text.length).toBeLessThanOrEqual(max + 200);
  });
});

describe("answerLimit", () => {
  const rows: [given: unknown, want: number | RegExp][] = [
    [undefined, DEFAULT_ANSWER_CHARS],
    [5_000, 5_000],
    [0, /^toAiSdkTools: maxAnswerChars must be an integer of at least 100 characters \(got 0\)\.$/],
    [1.5, /\(got 1\.5\)/],
    ["1000", /\(got string\)/],
  ];
  it.each(rows)("%s", (given, want) => {
    if (typeof want === "number") expect(answerLimit(given, "toAiSdkTools: maxAnswerChars")).toBe(want);
    else expect(() => answerLimit(given, "toAiSdkTools: maxAnswerChars")).toThrow(expect.objectContaining({ name: AlterValueError.name, message: expect.stringMatching(want) }));
  });
});

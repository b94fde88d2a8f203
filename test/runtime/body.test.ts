import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { bodyBytes, encodeBody, encodeForm } from "../../runtime/internal/body.js";

const text = (b: { payload: Uint8Array | Readable }) => new TextDecoder().decode(b.payload as Uint8Array);

describe("encodeBody", () => {
  it("json", async () => {
    const b = await encodeBody("json", "application/json", { a: [1, "x"] }, "op body");
    expect(text(b)).toBe('{"a":[1,"x"]}');
    expect(b.contentType).toBe("application/json");
    expect(b.replayable).toBe(true);
  });

  it("form: scalars as text, JSON-string fields (Slack blocks) untouched", async () => {
    const blocks = JSON.stringify([{ type: "section" }]);
    const b = await encodeBody("form", "application/x-www-form-urlencoded", { channel: "C1", text: "hi there & more", blocks, unfurl: false, skip: undefined }, "op body");
    const sp = new URLSearchParams(text(b));
    expect(sp.get("channel")).toBe("C1");
    expect(sp.get("text")).toBe("hi there & more");
    expect(sp.get("blocks")).toBe(blocks);
    expect(sp.get("unfurl")).toBe("false");
    expect(sp.has("skip")).toBe(false);
  });

  it("form: nested objects and arrays in bracket notation (Stripe deepObject)", async () => {
    const b = await encodeBody("form", "application/x-www-form-urlencoded", { metadata: { plan: "pro" }, items: [{ price: "p_1", quantity: 2 }], expand: ["a", "b"] }, "op body");
    expect(decodeURIComponent(text(b))).toBe("metadata[plan]=pro&items[0][price]=p_1&items[0][quantity]=2&expand[0]=a&expand[1]=b");
  });

  it("form rejects a non-object, naming where", () => {
    expect(() => encodeForm("x", "chat/postMessage body")).toThrow(/chat\/postMessage body: a form body must be an object/);
  });

  it("multipart: serialised once with its boundary, files and fields", async () => {
    const b = await encodeBody("multipart", "multipart/form-data", { title: "t", file: new Blob(["hello"], { type: "text/plain" }) }, "op body");
    expect(b.contentType).toMatch(/^multipart\/form-data; boundary=/);
    const s = text(b);
    expect(s).toContain('name="title"');
    expect(s).toContain("hello");
    expect(s).toContain('name="file"; filename=');
    expect(b.replayable).toBe(true);
  });

  it("multipart given one file: a single part named file", async () => {
    const b = await encodeBody("multipart", "multipart/form-data", new File(["abc"], "a.txt"), "op body");
    expect(text(b)).toContain('name="file"; filename="a.txt"');
  });

  it("binary: bytes are replayable, streams are not", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(await encodeBody("binary", "application/octet-stream", bytes, "x")).toMatchObject({ payload: bytes, replayable: true });
    const blob = await encodeBody("binary", "application/octet-stream", new Blob([new Uint8Array([9])], { type: "image/png" }), "x");
    expect(blob.contentType).toBe("image/png");
    expect([...(blob.payload as Uint8Array)]).toEqual([9]);
    const streamed = await encodeBody("binary", "application/octet-stream", Readable.from([Buffer.from("ab"), Buffer.from("c")]), "x");
    expect(streamed.replayable).toBe(false);
    expect(Buffer.from(await bodyBytes(streamed)).toString()).toBe("abc");
  });

  it("binary with a media range sends a concrete type", async () => {
    expect((await encodeBody("binary", "*/*", new Uint8Array([1]), "x")).contentType).toBe("application/octet-stream");
    expect((await encodeBody("binary", "image/*", new Blob([new Uint8Array([1])], { type: "image/png" }), "x")).contentType).toBe("image/png");
  });

  it("text requires a string", async () => {
    await expect(encodeBody("text", "text/plain", 5, "op body")).rejects.toThrow(/op body: a text body must be a string/);
    expect(text(await encodeBody("text", "text/csv", "a,b", "x"))).toBe("a,b");
  });
});

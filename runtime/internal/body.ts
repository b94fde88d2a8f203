// Encodes a request body once, into a form that can be sent again on retry (bytes), or is
// marked non-replayable (streams), so the retry loop never re-sends a consumed stream.
import { Readable } from "node:stream";
import { FormData, Response } from "undici";
import type { BodyKind } from "../operation.js";
import { AlterValueError } from "../errors.js";

export interface EncodedBody {
  /** Bytes for everything replayable; a stream only for streamed binary uploads. */
  payload: Uint8Array | Readable;
  contentType: string;
  replayable: boolean;
}

const utf8 = new TextEncoder();

function isStream(value: unknown): value is Readable | ReadableStream<Uint8Array> {
  return (
    value instanceof Readable ||
    (typeof ReadableStream !== "undefined" && value instanceof ReadableStream) ||
    (typeof value === "object" && value !== null && typeof (value as { pipe?: unknown }).pipe === "function")
  );
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== "undefined" && value instanceof Blob;
}

/** A scalar form value as text; objects and arrays become JSON (multipart text parts). */
export function formValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

// Nested objects and arrays use bracket notation (`metadata[plan]=pro`, `items[0][price]=p_1`):
// that is what the one catalog provider with nested form fields (Stripe, whose document declares
// `style: deepObject` for them) and qs-style servers read. Slack declares every form field as a
// scalar (its JSON fields, such as `blocks`, are typed `string`), so those pass through as given.
function formPairs(prefix: string, value: unknown, out: [string, string][]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => formPairs(`${prefix}[${i}]`, v, out));
  } else if (typeof value === "object" && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) formPairs(`${prefix}[${k}]`, v, out);
  } else {
    out.push([prefix, formValue(value)]);
  }
}

export function encodeForm(value: unknown, where: string): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AlterValueError(`${where}: a form body must be an object of fields`);
  }
  const pairs: [string, string][] = [];
  for (const [k, v] of Object.entries(value)) formPairs(k, v, pairs);
  return new URLSearchParams(pairs).toString();
}

async function encodeMultipart(value: unknown, where: string): Promise<{ bytes: Uint8Array; contentType: string }> {
  let form: FormData;
  if (value instanceof FormData) form = value;
  else if (isBlob(value) || value instanceof Uint8Array) {
    // A document that types the whole multipart body as one binary (Jira's attachments) means a
    // single file part; "file" is the field name such APIs read.
    form = new FormData();
    const blob = isBlob(value) ? value : new Blob([value]);
    form.append("file", blob, (value as { name?: string }).name ?? "file");
  }
  else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    form = new FormData();
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === null) continue;
      const parts = Array.isArray(v) && v.some((x) => isBlob(x) || x instanceof Uint8Array) ? v : [v];
      for (const part of parts) {
        if (isBlob(part)) form.append(k, part, (part as { name?: string }).name ?? k);
        else if (part instanceof Uint8Array) form.append(k, new Blob([part]), k);
        else if (isStream(part)) throw new AlterValueError(`${where}.${k}: streams are not accepted in multipart bodies; pass a Blob or Uint8Array`);
        else form.append(k, formValue(part));
      }
    }
  } else {
    throw new AlterValueError(`${where}: a multipart body must be an object of fields or a FormData`);
  }
  // Serialising once gives bytes that can be re-sent, hashed (SigV4) and base64'd (proxy mode).
  const res = new Response(form);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { bytes, contentType: res.headers.get("content-type") ?? "multipart/form-data" };
}

/**
 * Encodes `value` for an operation body of `kind`. `mediaType` is the document's media type,
 * used as the Content-Type except for multipart (which needs the boundary).
 */
export async function encodeBody(kind: BodyKind, mediaType: string, value: unknown, where: string): Promise<EncodedBody> {
  switch (kind) {
    case "json":
      return { payload: utf8.encode(JSON.stringify(value)), contentType: mediaType || "application/json", replayable: true };
    case "form":
      return { payload: utf8.encode(encodeForm(value, where)), contentType: mediaType || "application/x-www-form-urlencoded", replayable: true };
    case "text":
      if (typeof value !== "string") throw new AlterValueError(`${where}: a text body must be a string`);
      return { payload: utf8.encode(value), contentType: mediaType || "text/plain", replayable: true };
    case "multipart": {
      const { bytes, contentType } = await encodeMultipart(value, where);
      return { payload: bytes, contentType, replayable: true };
    }
    case "binary": {
      // A range (`*/*`, `image/*`) is what the document accepts, not a type to send.
      const contentType = mediaType && !mediaType.includes("*") ? mediaType : "application/octet-stream";
      if (value instanceof Uint8Array) return { payload: value, contentType, replayable: true };
      if (value instanceof ArrayBuffer) return { payload: new Uint8Array(value), contentType, replayable: true };
      if (typeof value === "string") return { payload: utf8.encode(value), contentType, replayable: true };
      if (isBlob(value)) return { payload: new Uint8Array(await value.arrayBuffer()), contentType: value.type || contentType, replayable: true };
      if (isStream(value)) {
        const stream = value instanceof Readable ? value : Readable.fromWeb(value as import("node:stream/web").ReadableStream<Uint8Array>);
        return { payload: stream, contentType, replayable: false };
      }
      throw new AlterValueError(`${where}: a binary body must be a Uint8Array, ArrayBuffer, Blob, string or stream, got ${value === null ? "null" : typeof value}`);
    }
  }
}

/** Reads a non-replayable body fully (proxy mode sends it as base64). */
export async function bodyBytes(body: EncodedBody): Promise<Uint8Array> {
  if (body.payload instanceof Uint8Array) return body.payload;
  const chunks: Buffer[] = [];
  for await (const chunk of body.payload) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

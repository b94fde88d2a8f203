// Turning a provider's answer into what the caller sees: flat lower-case headers, the request
// id, and the body decoded per the operation's response kind.
import type { ProviderSpec, ResponseKind } from "../operation.js";

const DEFAULT_REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-amzn-requestid", "x-amz-request-id"];

/** Flattens undici/Node headers (arrays for repeated fields) into `name: value` with lower-case names. */
export function flattenHeaders(raw: Record<string, string | string[] | undefined> | Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  if (Symbol.iterator in raw) {
    for (const [name, value] of raw as Iterable<[string, string | string[] | undefined]>) addHeader(out, name, value);
  } else {
    for (const name in raw) if (Object.hasOwn(raw, name)) addHeader(out, name, raw[name]);
  }
  return out;
}

/**
 * undici's response headers as `name: value`. undici already lower-cases names and builds a fresh
 * object per response, so when no field repeats (arrays) that object is used as it is.
 */
export function undiciHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  for (const name in raw) if (typeof raw[name] !== "string") return flattenHeaders(raw);
  return raw as Record<string, string>;
}

function addHeader(out: Record<string, string>, name: string, value: string | string[] | undefined): void {
  if (value === undefined) return;
  const n = name.toLowerCase();
  // Set-Cookie must not be comma-joined (dates contain commas); keep lines apart.
  const v = Array.isArray(value) ? value.join(n === "set-cookie" ? "\n" : ", ") : value;
  out[n] = Object.hasOwn(out, n) ? `${out[n]}, ${v}` : v;
}

export function requestIdOf(headers: Readonly<Record<string, string>>, provider: Pick<ProviderSpec, "requestIdHeaders">): string | undefined {
  for (const name of provider.requestIdHeaders ?? DEFAULT_REQUEST_ID_HEADERS) {
    const v = headers[name.toLowerCase()];
    if (v) return v;
  }
  return undefined;
}

function isJsonType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const t = contentType.split(";")[0]!.trim().toLowerCase();
  return t === "application/json" || t.endsWith("+json") || t === "text/json";
}

/** A body as read off the wire: text when it will be decoded as text, bytes otherwise. */
export type RawBody = string | Uint8Array;

function asText(body: RawBody): string {
  return typeof body === "string" ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
}

function asBytes(body: RawBody): Uint8Array {
  return typeof body === "string" ? new Uint8Array(Buffer.from(body, "utf8")) : body;
}

/** Whether a success body of this kind is read as text (so it need not be copied as bytes first). */
export function readsAsText(kind: ResponseKind): boolean {
  return kind !== "binary";
}

/**
 * Decodes a success body. `json` falls back to text when the provider sends something that is
 * not JSON (an empty 200, an HTML maintenance page) rather than failing with a SyntaxError.
 */
export function decodeBody(kind: ResponseKind, status: number, headers: Readonly<Record<string, string>>, body: RawBody): unknown {
  if (kind === "empty" || status === 204 || status === 205 || status === 304) return undefined;
  if (kind === "binary") return asBytes(body);
  const text = asText(body);
  if (kind === "text") return text;
  if (isBlank(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An error body: JSON when it parses (whatever the content type), else text, else undefined. */
export function decodeErrorBody(headers: Readonly<Record<string, string>>, body: RawBody): unknown {
  const text = asText(body);
  if (isBlank(text)) return undefined;
  if (isJsonType(headers["content-type"]) || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      /* fall through to text */
    }
  }
  return text;
}

// Stops at the first non-space character (index 0 for any JSON body) instead of trimming a
// copy of the whole text.
function isBlank(text: string): boolean {
  return !/\S/.test(text);
}

// Turning a provider's answer into what the caller sees: flat lower-case headers, the request
// id, and the body decoded per the operation's response kind.
import type { ProviderSpec, ResponseKind } from "./operation.js";

const DEFAULT_REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-amzn-requestid", "x-amz-request-id"];

/** Flattens undici/Node headers (arrays for repeated fields) into `name: value` with lower-case names. */
export function flattenHeaders(raw: Record<string, string | string[] | undefined> | Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Symbol.iterator in raw ? (raw as Iterable<[string, string | string[] | undefined]>) : Object.entries(raw);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const n = name.toLowerCase();
    // Set-Cookie must not be comma-joined (dates contain commas); keep lines apart.
    const v = Array.isArray(value) ? value.join(n === "set-cookie" ? "\n" : ", ") : value;
    out[n] = n in out ? `${out[n]}, ${v}` : v;
  }
  return out;
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

const utf8 = new TextDecoder();

/**
 * Decodes a success body. `json` falls back to text when the provider sends something that is
 * not JSON (an empty 200, an HTML maintenance page) rather than failing with a SyntaxError.
 */
export function decodeBody(kind: ResponseKind, status: number, headers: Readonly<Record<string, string>>, bytes: Uint8Array): unknown {
  if (kind === "empty" || status === 204 || status === 205 || status === 304) return undefined;
  if (kind === "binary") return bytes;
  const text = utf8.decode(bytes);
  if (kind === "text") return text;
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An error body: JSON when it parses (whatever the content type), else text, else undefined. */
export function decodeErrorBody(headers: Readonly<Record<string, string>>, bytes: Uint8Array): unknown {
  const text = utf8.decode(bytes);
  if (text.trim() === "") return undefined;
  if (isJsonType(headers["content-type"]) || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      /* fall through to text */
    }
  }
  return text;
}

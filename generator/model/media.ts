// Classifies media types into the body and response kinds the runtime knows.
import type { BodyKind, ResponseKind } from "../../runtime/operation.js";

export function isJsonMedia(m: string): boolean {
  const base = m.split(";")[0]!.trim().toLowerCase();
  return base === "application/json" || base.endsWith("+json") || base.endsWith("/json") || base === "text/json";
}

function isBinaryMedia(m: string): boolean {
  const base = m.split(";")[0]!.trim().toLowerCase();
  return (
    base === "application/octet-stream" ||
    base === "*/*" ||
    /^(image|audio|video|font)\//.test(base) ||
    ["application/pdf", "application/zip", "application/gzip", "application/x-gzip", "application/x-tar"].includes(base)
  );
}

export function bodyKind(mediaType: string, schema: Record<string, any> | undefined): BodyKind {
  const base = mediaType.split(";")[0]!.trim().toLowerCase();
  if (base === "application/x-www-form-urlencoded") return "form";
  if (base.startsWith("multipart/")) return "multipart";
  if (isJsonMedia(base)) return "json";
  if (base.startsWith("text/")) return "text";
  if (isBinaryMedia(base)) return schema && schema.type !== undefined && schema.type !== "string" ? "json" : "binary";
  return "json";
}

export function responseKind(mediaType: string, schema: Record<string, any> | undefined): ResponseKind {
  const base = mediaType.split(";")[0]!.trim().toLowerCase();
  if (isJsonMedia(base)) return "json";
  if (schema?.format === "binary") return "binary";
  if (base.startsWith("text/")) return "text";
  if (isBinaryMedia(base)) return schema && schema.type !== undefined && schema.type !== "string" ? "json" : "binary";
  return schema?.type === "string" ? "text" : "json";
}

const bodyPreference: BodyKind[] = ["json", "form", "multipart", "text", "binary"];
const responsePreference: ResponseKind[] = ["json", "text", "binary"];

/** 0 for plain `application/json`, 1 for any other media type: the tie-break inside one kind. */
function plainJsonFirst(mediaType: string): number {
  return mediaType.split(";")[0]!.trim().toLowerCase() === "application/json" ? 0 : 1;
}

/** Picks the media type a client sends when several are offered: JSON first, plain `application/json` before vendor JSON. */
export function pickBodyMedia(content: Record<string, any>): { mediaType: string; kind: BodyKind } | undefined {
  const options = Object.keys(content).map((m) => ({ mediaType: m, kind: bodyKind(m, content[m]?.schema) }));
  options.sort((a, b) => bodyPreference.indexOf(a.kind) - bodyPreference.indexOf(b.kind) || plainJsonFirst(a.mediaType) - plainJsonFirst(b.mediaType));
  return options[0];
}

/**
 * Picks the representation a response is typed from, and so the one the runtime asks for (the
 * operation table's `accept` when it is not the kind's default): JSON first, plain
 * `application/json` before vendor JSON (GitHub lists `application/vnd.github.object` first for
 * repos/get-content, whose `application/json` answer is a different shape).
 */
export function pickResponseMedia(content: Record<string, any>): { mediaType: string; kind: ResponseKind } | undefined {
  const options = Object.keys(content).map((m) => ({ mediaType: m, kind: responseKind(m, content[m]?.schema) }));
  options.sort((a, b) => responsePreference.indexOf(a.kind) - responsePreference.indexOf(b.kind) || plainJsonFirst(a.mediaType) - plainJsonFirst(b.mediaType));
  return options[0];
}

/**
 * Every representation a response declares that a caller can name in an Accept header: one per
 * base media type (lower case, parameters dropped), in document order; media ranges (`image/*` and the
 * like) are what a server may answer, not a representation to ask for, so they are left out.
 */
export function representationsOf(content: Record<string, any>): { mediaType: string; key: string; kind: ResponseKind }[] {
  const out: { mediaType: string; key: string; kind: ResponseKind }[] = [];
  for (const key of Object.keys(content)) {
    const mediaType = key.split(";")[0]!.trim().toLowerCase();
    if (mediaType.includes("*") || out.some((r) => r.mediaType === mediaType)) continue;
    // An XML answer is text to the runtime, whatever schema the document gives it (Zoom pairs
    // each JSON answer with an XML one described by the same object schema).
    const xml = !mediaType.startsWith("image/") && (mediaType.endsWith("/xml") || mediaType.endsWith("+xml"));
    out.push({ mediaType, key, kind: xml ? "text" : responseKind(key, content[key]?.schema) });
  }
  return out;
}

/**
 * The Accept header an operation must send so that the answer is the representation its type was
 * built from, when the runtime's default for the kind would not ask for it; undefined otherwise.
 */
export function acceptFor(kind: ResponseKind, mediaType: string | undefined): string | undefined {
  if (!mediaType) return undefined;
  const base = mediaType.split(";")[0]!.trim().toLowerCase();
  if (kind === "json") return base === "application/json" ? undefined : base;
  if (kind === "text") return base === "text/plain" || base.includes("*") ? undefined : base;
  return undefined;
}

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

/** Picks the media type a client sends when several are offered: JSON first. */
export function pickBodyMedia(content: Record<string, any>): { mediaType: string; kind: BodyKind } | undefined {
  const options = Object.keys(content).map((m) => ({ mediaType: m, kind: bodyKind(m, content[m]?.schema) }));
  options.sort((a, b) => bodyPreference.indexOf(a.kind) - bodyPreference.indexOf(b.kind));
  return options[0];
}

export function pickResponseMedia(content: Record<string, any>): { mediaType: string; kind: ResponseKind } | undefined {
  const options = Object.keys(content).map((m) => ({ mediaType: m, kind: responseKind(m, content[m]?.schema) }));
  options.sort((a, b) => responsePreference.indexOf(a.kind) - responsePreference.indexOf(b.kind));
  return options[0];
}

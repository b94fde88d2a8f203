// What a model reads of a successful tool call, one rule for every agent adapter (alter-gen/mcp,
// alter-gen/langchain, alter-gen/ai), by the kind of answer the provider sent:
//   json    its JSON text (and the value itself, for a framework that passes structured output);
//   text    as is;
//   binary  described by its size and media type: as JSON a Uint8Array is an object of numbered
//           bytes, megabytes of digits a model cannot read. Bytes whose media type is textual (a
//           log, CSV, XML), or with no media type that decode as clean UTF-8, are read as text;
//   empty   a sentence saying the call succeeded with nothing to show (a 204, an empty body).
// A text or JSON answer longer than `maxChars` is cut, and the text says so and how to ask for
// less: a model's context is finite, and one huge page of results can push the conversation out.
// This module loads no framework: each adapter wraps the result in its own idiom.
import { AlterValueError } from "../../runtime/index.js";

/**
 * Characters of one answer a model receives at most, by default: about 25,000 tokens (at ~4
 * characters a token), an eighth of a 200k-token context, so a few calls per turn still fit.
 */
export const DEFAULT_ANSWER_CHARS = 100_000;

export type AnswerKind = "json" | "text" | "binary" | "empty";

export interface ModelAnswer {
  kind: AnswerKind;
  /** What the model reads. */
  text: string;
  /** The answer's JSON value, when it is JSON and was not cut (structured output). */
  json?: unknown;
  /** Whether `text` is a cut of a longer answer. */
  cut: boolean;
  /** A binary answer's size in bytes. */
  bytes?: number;
  /** The answer's media type (its Content-Type without parameters), when the provider sent one. */
  mediaType?: string;
}

export interface ModelAnswerOptions {
  /** The answer's Content-Type, as the provider sent it. */
  contentType?: string | undefined;
  /** Characters of text at most. @default DEFAULT_ANSWER_CHARS */
  maxChars?: number | undefined;
}

const TEXTUAL = /^(?:text\/.*|application\/(?:json|xml|javascript|ecmascript|x-ndjson|ndjson|x-yaml|yaml|csv|sql|graphql|x-www-form-urlencoded)|[^/]+\/[^;]*\+(?:json|xml|yaml))$/;
// Controls a text does not contain (tab, line feed, form feed and carriage return are text).
const CONTROL = /[\x00-\x08\x0b\x0e-\x1f\x7f]/;

/** Checks an adapter's `maxAnswerChars` option; `where` names it in the error. */
export function answerLimit(value: unknown, where: string): number {
  if (value === undefined) return DEFAULT_ANSWER_CHARS;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 100) {
    throw new AlterValueError(`${where} must be an integer of at least 100 characters (got ${typeof value === "number" ? value : typeof value}).`);
  }
  return value;
}

/** The model's view of `data`, a tool call's decoded answer. */
export function modelAnswer(data: unknown, options: ModelAnswerOptions = {}): ModelAnswer {
  const max = options.maxChars ?? DEFAULT_ANSWER_CHARS;
  const mediaType = options.contentType?.split(";")[0]!.trim().toLowerCase() || undefined;
  const typed = mediaType ? { mediaType } : {};
  if (data === undefined || data === "") return { kind: "empty", text: "The call succeeded with no content.", cut: false, ...typed };
  if (data instanceof Uint8Array) return bytesAnswer(data, mediaType, max);
  if (typeof data === "string") return { kind: "text", ...cutText(data, max), ...typed };
  const json = JSON.stringify(data) ?? String(data);
  const shown = cutText(json, max);
  return { kind: "json", ...shown, ...(shown.cut ? {} : { json: data }), ...typed };
}

function bytesAnswer(data: Uint8Array, mediaType: string | undefined, max: number): ModelAnswer {
  const typed = mediaType ? { mediaType } : {};
  if (data.byteLength === 0) return { kind: "empty", text: "The call succeeded with no content.", cut: false, ...typed };
  const text = asText(data, mediaType, max);
  if (text !== undefined) {
    // Only a prefix was decoded when the bytes could not fit anyway (at most 4 bytes a character).
    const whole = data.byteLength <= max * 4;
    const shown = cutText(text, max, whole ? undefined : `${data.byteLength} bytes`);
    return { kind: "text", ...shown, bytes: data.byteLength, ...typed };
  }
  const what = mediaType && mediaType !== "application/octet-stream" ? ` (${mediaType})` : "";
  return { kind: "binary", text: `The call succeeded with a binary answer of ${data.byteLength} bytes${what}, which is not shown here.`, cut: false, bytes: data.byteLength, ...typed };
}

/** The bytes as text when they are text: a textual media type, or none and clean UTF-8. */
function asText(data: Uint8Array, mediaType: string | undefined, max: number): string | undefined {
  const head = data.byteLength <= max * 4 ? data : data.subarray(0, max * 4);
  if (mediaType && TEXTUAL.test(mediaType)) return new TextDecoder().decode(head, { stream: head !== data });
  if (mediaType && mediaType !== "application/octet-stream") return undefined;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: head !== data });
    return CONTROL.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

/** `text` cut at `max` characters (never inside a surrogate pair) with a note of what was left out. */
function cutText(text: string, max: number, total?: string): { text: string; cut: boolean } {
  if (text.length <= max && total === undefined) return { text, cut: false };
  let end = Math.min(max, text.length);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  const size = total ?? `${text.length} characters`;
  return { text: `${text.slice(0, end)}\n… [cut: the answer has ${size}; only the first ${end} characters are shown. Ask for less: a smaller page, fewer fields, a narrower filter.]`, cut: true };
}

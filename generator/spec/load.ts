// Reads an OpenAPI document from a file or URL and parses it as JSON or YAML, turning every
// failure into a GeneratorError that names the file and, for syntax errors, line and column.
import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadYaml } from "../../catalog/yaml.js";
import { SpecError, UsageError } from "../errors.js";

export interface LoadedText {
  /** Absolute path, or the URL as given. */
  source: string;
  text: string;
  sha256: string;
}

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Why a document could not be read, as the end of a sentence naming it ("… does not exist"). */
export class ReadFailure extends Error {
  override name = "ReadFailure";
  constructor(readonly reason: string) {
    super(reason);
  }
}

export async function readSource(source: string, flag?: string): Promise<LoadedText> {
  try {
    return await readText(source);
  } catch (err) {
    if (!(err instanceof ReadFailure)) throw err;
    const at = isUrl(source) ? source : path.resolve(source);
    throw new UsageError(`The OpenAPI document ${at} ${err.reason}.`, { file: at, ...(flag ? { flag } : {}) });
  }
}

/** The text of a file or URL; failures are ReadFailures. */
export async function readText(source: string): Promise<LoadedText> {
  if (isUrl(source)) return fetchText(source);
  const file = path.resolve(source);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReadFailure(
      code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory, not a file" : code === "EACCES" ? "is not readable (permission denied)" : `cannot be read (${code ?? String(err)})`,
    );
  }
  const text = bytes.toString("utf8");
  // The digest of the bytes as read skips encoding 12 MB of text back to UTF-8; it is the digest
  // of the text whenever the bytes are valid UTF-8 (decoding changes nothing then).
  return { source: file, text, sha256: isUtf8(bytes) ? createHash("sha256").update(bytes).digest("hex") : sha256(text) };
}

async function fetchText(url: string): Promise<LoadedText> {
  // undici is loaded lazily: most runs read local files.
  const { fetch } = await import("undici");
  let status: number;
  let text: string;
  try {
    const res = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(60_000) });
    status = res.status;
    text = await res.text();
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    throw new ReadFailure(`could not be fetched: ${cause?.message ?? (err as Error).message}`);
  }
  if (status < 200 || status >= 300) throw new ReadFailure(`could not be fetched: the server answered HTTP ${status}`);
  return { source: url, text, sha256: sha256(text) };
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses JSON (fast path) or YAML; `file` is only used in error messages. */
export async function parseText(text: string, file: string): Promise<unknown> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(text);
    } catch (err) {
      const message = (err as Error).message;
      const pos = /position (\d+)/.exec(message);
      const where = pos ? lineColumn(text, Number(pos[1])) : undefined;
      const at = where ? ` at line ${where.line}, column ${where.column}` : "";
      throw new SpecError(`The document is not valid JSON${at}: ${message.replace(/ in JSON at position \d+.*$/, "")}.`, { file });
    }
  }
  const doc = (await loadYaml()).parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0] ?? (first.pos ? (({ line, column }) => ({ line, col: column }))(lineColumn(text, first.pos[0])) : undefined);
    const at = pos ? ` at line ${pos.line}, column ${pos.col}` : "";
    const reason = first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new SpecError(`The document is not valid YAML${at}: ${reason}.`, { file });
  }
  return doc.toJS({ maxAliasCount: -1 });
}

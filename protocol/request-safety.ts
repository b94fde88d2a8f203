// What a caller's value must not do to the structure of a provider request, checked by the
// runtime on each parameter and again by the vault on the whole request (defence in depth).
//
// Path: a serialised value must not change the path template's structure. URL parsers
// (WHATWG's, and undici's through it) resolve `.` and `..` segments, `%2e` spelt ones included,
// and read `\` as `/`; servers and proxies in front of a provider may percent-decode a path once
// or more before routing. So `repos.delete({ owner: "..", repo: "user" })` would otherwise send
// `DELETE /user`. What is refused, after each round of percent-decoding (until none is left):
// a `.` or `..` piece between slashes or backslashes, and any backslash. Unencoded `?` and `#`
// (only an `allowReserved` value keeps them) would end the path, so they are refused too.
// This rule knows nothing of empty values: whether a parameter may be empty is decided apart.

/** Characters that can make a serialised value (already percent-encoded) change the path. */
const SUSPECT = /[.%\\?#]/;

/** Decodes every `%XX` as one character (enough to see dots and slashes; never throws). */
function decodeOnce(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function hasDotPiece(text: string): boolean {
  for (const piece of text.split(/[/\\]/)) if (piece === "." || piece === "..") return true;
  return false;
}

/**
 * Why `text` (a path segment or a value's serialisation, as it will appear in the URL) would
 * change the path's structure, or undefined when it cannot.
 */
export function pathStructureProblem(text: string): string | undefined {
  if (!SUSPECT.test(text)) return undefined;
  if (text.includes("?") || text.includes("#")) return `holds an unencoded "${text.includes("?") ? "?" : "#"}", which would end the path`;
  let cur = text;
  for (let round = 0; ; round++) {
    if (cur.includes("\\")) return round === 0 ? `holds a backslash, which URL parsers read as "/"` : `holds an encoded backslash, which a server may read as "/"`;
    if (hasDotPiece(cur)) return round === 0 ? `is or holds a dot segment ("." or "..")` : `is or holds a percent-encoded dot segment ("." or ".." once decoded)`;
    if (!cur.includes("%")) return undefined;
    const next = decodeOnce(cur);
    if (next === cur) return undefined;
    cur = next;
  }
}

/** A path segment of a split template: parts[from..to], after the last `/` of parts[from], before the first of parts[to]. */
export interface SegmentBounds {
  from: number;
  leftCut: number;
  to: number;
  rightCut: number;
}

/**
 * For a path template split at its `{name}` holes (literals at even indexes, holes at odd), the
 * holes that share their segment with literal text or another hole (`/files/.{ext}`, `/{a}{b}`),
 * with that segment's bounds. Such a segment is checked whole: `.` and `{ext}` = "." make "..".
 */
export function sharedSegments(parts: readonly string[]): Map<number, SegmentBounds> {
  const shared = new Map<number, SegmentBounds>();
  for (let slot = 1; slot < parts.length; slot += 2) {
    let from = slot - 1;
    while (from > 0 && !parts[from]!.includes("/")) from -= 2;
    let to = slot + 1;
    while (to < parts.length - 1 && !parts[to]!.includes("/")) to += 2;
    const leftCut = parts[from]!.lastIndexOf("/") + 1;
    const slash = parts[to]!.indexOf("/");
    const rightCut = slash === -1 ? parts[to]!.length : slash;
    const alone = from === slot - 1 && leftCut === parts[from]!.length && to === slot + 1 && rightCut === 0;
    if (!alone) shared.set(slot, { from, leftCut, to, rightCut });
  }
  return shared;
}

/** The text of a shared segment once its holes are filled. */
export function segmentText(parts: readonly string[], b: SegmentBounds): string {
  return parts[b.from]!.slice(b.leftCut) + parts.slice(b.from + 1, b.to).join("") + parts[b.to]!.slice(0, b.rightCut);
}

/**
 * The path part of an absolute URL as written (between the authority and `?`/`#`), without
 * parsing it: parsing is what would resolve the dot segments this module looks for.
 */
export function rawPathOf(url: string): string {
  const scheme = url.indexOf("://");
  const from = scheme === -1 ? 0 : scheme + 3;
  let start = -1;
  let end = url.length;
  for (let i = from; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (start === -1 && c === 0x2f) start = i;
    else if (c === 0x3f || c === 0x23) {
      end = i;
      break;
    }
  }
  return start === -1 ? "/" : url.slice(start, end);
}

/** Characters a header field value cannot carry (RFC 9110 §5.5: VCHAR, obs-text, SP, HTAB only). */
const NOT_IN_HEADER = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Why `value` cannot be sent as a header field value, or undefined. A line break would end the
 * header (and could start another); other control characters are refused by HTTP itself.
 */
export function headerValueProblem(value: string): string | undefined {
  const m = NOT_IN_HEADER.exec(value);
  if (!m) return undefined;
  const c = m[0].charCodeAt(0);
  const name = c === 0x0d ? "a carriage return (CR)" : c === 0x0a ? "a line feed (LF)" : c === 0 ? "a NUL character" : c > 0xff ? `the character U+${c.toString(16).toUpperCase().padStart(4, "0")}, which is not Latin-1` : `the control character 0x${c.toString(16).padStart(2, "0")}`;
  return `holds ${name}, which a header cannot carry`;
}

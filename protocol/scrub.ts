// Scrubbing a provider's answer of the credential that was injected into the request, by value:
// a provider may quote it back anywhere (a redirect's Location, a debug echo of the request's
// headers, an error body quoting Authorization, a custom header), and in any encoding.
// Shared by the runtime (retrieve mode) and the vault's proxy (proxy mode), so it imports nothing
// from the project: one definition of "every form of an injected credential".
//
// Searched for, for each secret part of the credential (the token; both halves of a basic pair
// and the pair itself; an AWS secret access key, session token and the request's SigV4
// signature) and for the header value that carried it when that holds no part verbatim (`Basic …`):
//   - the value itself;
//   - the value with any of its characters other than [A-Za-z0-9._-] escaped, each as its
//     encoder chose: percent-encoded (either hex case, encoded again any number of times, `+`
//     for a space), JSON (`\/`, `\"`, `\uXXXX`), HTML (`&amp;`, `&#47;`, `&#x2F;`). One pattern per
//     value covers every URL, form, JSON and HTML encoder, whatever characters it leaves alone;
//   - base64 and base64url, at each of the three byte alignments it can have inside a longer
//     base64 text (so `base64("Authorization: Bearer x")` is caught, not only `base64(x)`); the
//     one or two characters at each end that mix in neighbouring bytes are left, which carry a
//     few bits of the value at most.
// Not searched: compressed or encrypted bodies (gzip, zip), other text encodings (UTF-16), a
// value split across lines. Parts shorter than MIN_SECRET_LENGTH are only searched as part of
// the longer values that hold them (searching a 4-character value would mangle ordinary text).
// Forms are worked out once per credential use and dropped with it; they are never cached.

/** What replaces every form of the credential. */
export const SCRUBBED = "[REDACTED]";
/** Shortest secret part searched for on its own. */
export const MIN_SECRET_LENGTH = 6;
/** Shortest base64 fragment searched for (shorter ones could match unrelated base64 text). */
const MIN_BASE64_FORM = 8;

/** Credential fields that are identifiers, not secrets (AWS quotes the key id in its errors). */
const PUBLIC_FIELDS = new Set(["accessKeyId"]);

/** The injection, structurally (docs/protocol.md, `Injection`). */
export interface InjectionLike {
  type: string;
  name?: string;
}

/** Characters no encoder escapes: a value made only of them has no escaped form. */
const PLAIN = /^[A-Za-z0-9._-]*$/;
const ASCII = /^[\x00-\x7f]*$/;
/** A text without any of these holds no escaped form (escapes start with %, \ or &; + is a space). */
const ESCAPE_HINT = /[%\\&+]/;
const INSPECT = Symbol.for("nodejs.util.inspect.custom");
/** Bytes one escaped character may take in a streamed body's search (`%25252F`, `\\u002F`, `&#x2F;`). */
const ESCAPE_WIDTH = 8;

/** The escaped forms of one value: a pattern built and compiled on first use (most answers never need it). */
interface Pattern {
  value: string;
  /** Whether the value is ASCII, so the pattern also works on bytes read as Latin-1. */
  ascii: boolean;
  re?: RegExp;
}

/**
 * Finds and replaces every form of a set of secret values in text, bytes and headers. Holds
 * them in private fields and never prints them; keep it in a local variable of one call.
 */
export class Scrubber {
  /** Literal forms, longest first (a longer form holding a shorter one is replaced whole). */
  readonly #literals: readonly string[];
  /** The same as Latin-1 views of their UTF-8 bytes, for binary bodies (made on first use). */
  #latin1: readonly string[] | undefined;
  readonly #patterns: Pattern[];
  readonly #min: number;

  constructor(secrets: readonly string[]) {
    const literals = new Set<string>();
    const patterns: Pattern[] = [];
    for (const s of secrets) {
      if (s.length < MIN_SECRET_LENGTH) continue;
      literals.add(s);
      addBase64Forms(s, literals);
      if (PLAIN.test(s)) continue;
      // base64 of a JSON document that quotes the value (a debug echo of the request's headers)
      const json = JSON.stringify(s).slice(1, -1);
      if (json !== s) addBase64Forms(json, literals);
      patterns.push({ value: s, ascii: ASCII.test(s) });
    }
    this.#literals = [...literals].sort((a, b) => b.length - a.length);
    this.#patterns = patterns;
    this.#min = this.#literals.length ? this.#literals[this.#literals.length - 1]!.length : Infinity;
  }

  /** Whether there is anything to search for. */
  get active(): boolean {
    return this.#literals.length > 0;
  }

  /**
   * The most bytes one form can span in a body (a streamed body holds this many minus one back,
   * so a form split over two chunks is still found): the longest literal form, and for a value
   * with escaped forms up to ESCAPE_WIDTH bytes per byte of it (`%25252F` is 7).
   */
  get longestForm(): number {
    let n = 0;
    for (const f of this.#literals) n = Math.max(n, Buffer.byteLength(f, "utf8"));
    for (const p of this.#patterns) n = Math.max(n, Buffer.byteLength(p.value, "utf8") * ESCAPE_WIDTH);
    return n;
  }

  /** The text with every form replaced by `[REDACTED]` (the same string when there was none). */
  text(s: string): string {
    return this.#scrub(s, this.#literals, false);
  }

  /** The bytes with every form replaced, byte for byte elsewhere (binary bodies stay intact). */
  bytes(b: Uint8Array): Uint8Array {
    if (b.byteLength < this.#min) return b;
    // Latin-1 maps each byte to one character and back, so nothing else of the body changes.
    const view = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
    this.#latin1 ??= this.#literals.map((f) => Buffer.from(f, "utf8").toString("latin1"));
    const out = this.#scrub(view, this.#latin1, true);
    return out === view ? b : new Uint8Array(Buffer.from(out, "latin1"));
  }

  /**
   * Headers with every name and value scrubbed. Returns `headers` itself when nothing matched
   * (the common case: a length comparison for most headers), else a scrubbed copy.
   */
  headers<H extends Record<string, string>>(headers: H): H {
    let out: Record<string, string> | undefined;
    for (const name in headers) {
      const value = headers[name]!;
      const v = this.text(value);
      const n = this.text(name);
      if (v === value && n === name) continue;
      out ??= { ...headers };
      if (n !== name) delete out[name];
      out[n] = v;
    }
    return (out ?? headers) as H;
  }

  #scrub(s: string, literals: readonly string[], bytes: boolean): string {
    if (s.length < this.#min) return s;
    for (const f of literals) if (s.includes(f)) s = s.replaceAll(f, SCRUBBED);
    if (this.#patterns.length && ESCAPE_HINT.test(s)) {
      for (const p of this.#patterns) {
        if (bytes && !p.ascii) continue;
        p.re ??= new RegExp(escapedPattern(p.value), "g");
        p.re.lastIndex = 0;
        s = s.replace(p.re, SCRUBBED);
      }
    }
    return s;
  }

  toJSON(): string {
    return "[Scrubber]";
  }

  [INSPECT](): string {
    return "Scrubber {}";
  }
}

/** A scrubber with nothing to search for (no credential was injected). */
export const NO_SCRUBBER = new Scrubber([]);

/**
 * The scrubber for one injected credential. `sentHeaders` are the request's headers after
 * injection: the header value that carried the credential is searched for too, and a SigV4
 * signature (derived, but enough to replay that one request) is found there.
 */
export function credentialScrubber(injection: InjectionLike, credential: unknown, sentHeaders: Readonly<Record<string, string>>): Scrubber {
  const parts: string[] = [];
  const c = (credential ?? {}) as Record<string, unknown>;
  for (const k in c) {
    const v = c[k];
    if (typeof v === "string" && !PUBLIC_FIELDS.has(k)) parts.push(v);
  }
  if (typeof c.username === "string" && typeof c.password === "string") parts.push(`${c.username}:${c.password}`);
  // Cookie and multi injections write each value verbatim where it goes: their values' own forms cover them.
  const carrierName = injection.type === "header" ? injection.name?.toLowerCase() : injection.type === "query" || injection.type === "cookie" || injection.type === "multi" ? undefined : "authorization";
  const carrier = carrierName ? sentHeaders[carrierName] : undefined;
  if (carrier !== undefined) {
    if (injection.type === "aws-sigv4") {
      const sig = /Signature=([0-9a-fA-F]+)/.exec(carrier);
      if (sig) parts.push(sig[1]!);
    }
    // A carrier that holds a part verbatim (`Bearer x`) adds nothing that part's forms do not
    // (escaping works per character; base64 is searched at every alignment).
    if (!parts.some((p) => p.length >= MIN_SECRET_LENGTH && carrier.includes(p))) parts.push(carrier);
  }
  return new Scrubber(parts);
}

function hexPattern(n: number, width: number): string {
  return [...n.toString(16).padStart(width, "0")].map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d)).join("");
}

const HTML_NAMED: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&(?:apos|#39);" };
const JSON_SHORT: Record<string, string> = { "/": "\\\\/", '"': '\\\\"', "\\": "\\\\\\\\" };

/** Every way an encoder may write one character that it does not leave as it is. */
function charPattern(ch: string): string {
  if (/[A-Za-z0-9._-]/.test(ch)) return ch;
  const cp = ch.codePointAt(0)!;
  const alts = [ch.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&")];
  // Percent-encoded (per UTF-8 byte), possibly encoded again: %2F, %252F, %25252F…
  alts.push([...Buffer.from(ch, "utf8")].map((b) => `%(?:25)*${hexPattern(b, 2)}`).join(""));
  if (ch === " ") alts.push("\\+");
  if (cp < 0x10000) alts.push(`\\\\u${hexPattern(cp, 4)}`);
  if (JSON_SHORT[ch]) alts.push(JSON_SHORT[ch]!);
  alts.push(`&#0*${cp};`, `&#[xX]0*${hexPattern(cp, 1)};`);
  if (HTML_NAMED[ch]) alts.push(HTML_NAMED[ch]!);
  return `(?:${alts.join("|")})`;
}

function escapedPattern(s: string): string {
  let out = "";
  for (const ch of s) out += charPattern(ch);
  return out;
}

/**
 * Base64 of `s` as it appears inside a longer base64 text: with 0, 1 or 2 bytes before it, the
 * characters that depend only on `s`'s bytes (the first one or two and the last one can mix in
 * bits of the neighbouring bytes, so they are left out).
 */
function addBase64Forms(s: string, out: Set<string>): void {
  // btoa takes one byte per character: the UTF-8 bytes of `s`, as Latin-1 (itself when ASCII).
  const bytes = ASCII.test(s) ? s : Buffer.from(s, "utf8").toString("latin1");
  for (let before = 0; before < 3; before++) {
    const b64 = btoa(before === 0 ? bytes : before === 1 ? "\0" + bytes : "\0\0" + bytes);
    let end = b64.length;
    while (end > 0 && b64.charCodeAt(end - 1) === 0x3d) end--;
    if ((bytes.length + before) % 3 !== 0) end--;
    const core = b64.slice(before === 0 ? 0 : before + 1, end);
    if (core.length < MIN_BASE64_FORM) continue;
    out.add(core);
    if (core.includes("+") || core.includes("/")) out.add(core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
}

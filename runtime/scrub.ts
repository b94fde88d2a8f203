// Scrubbing a provider's answer of the credential that was injected into the request, by value:
// a provider may quote it back anywhere (a redirect's Location, a debug echo of the request's
// headers, an error body quoting Authorization, a custom header), and in any encoding.
// Shared by the runtime (retrieve mode) and the vault's proxy (proxy mode), so it imports nothing
// from the project: one definition of "every form of an injected credential".
//
// Forms searched for, for each secret part of the credential (the token; both halves of a basic
// pair and the pair itself; an AWS secret access key, session token and the request's SigV4
// signature) and for each header value that carried it (`Bearer x`, `token x`, `Basic …`):
//   - the value itself;
//   - percent-encoded (encodeURIComponent, RFC 3986 strict with !'()* escaped, form encoding with
//     `+` for spaces, each with upper- and lower-case hex, and encoded twice);
//   - JSON-escaped (`\"`, `\\`, `\/`, and `\u003c`-style escapes of <>&'), HTML-escaped;
//   - base64 and base64url, at each of the three byte alignments it can have inside a longer
//     base64 text (so `base64("Authorization: Bearer x")` is caught, not only `base64(x)`).
// Not searched: compressed or encrypted bodies (gzip, zip), other text encodings (UTF-16), a
// value split across lines. Parts shorter than MIN_SECRET_LENGTH are only searched as part of
// the longer forms that hold them (searching a 4-character value would mangle ordinary text).
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

const PLAIN = /^[A-Za-z0-9._~-]*$/;
const SCRUBBED_BYTES = new Uint8Array(Buffer.from(SCRUBBED, "utf8"));
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * Finds and replaces every form of a set of secret values in text, bytes and headers. Holds
 * the forms in private fields and never prints them; keep it in a local variable of one call.
 */
export class Scrubber {
  readonly #forms: readonly string[];
  readonly #min: number;
  #bytes: Buffer[] | undefined;

  constructor(secrets: readonly string[]) {
    const forms = new Set<string>();
    for (const s of secrets) addForms(s, forms);
    // Longest first: a longer form that holds a shorter one is replaced whole.
    this.#forms = [...forms].sort((a, b) => b.length - a.length);
    this.#min = this.#forms.length ? this.#forms[this.#forms.length - 1]!.length : Infinity;
  }

  /** Whether there is anything to search for. */
  get active(): boolean {
    return this.#forms.length > 0;
  }

  /** The text with every form replaced by `[REDACTED]` (the same string when there was none). */
  text(s: string): string {
    if (s.length < this.#min) return s;
    for (const f of this.#forms) if (s.includes(f)) s = s.replaceAll(f, SCRUBBED);
    return s;
  }

  /** The bytes with every form replaced, byte for byte elsewhere (binary bodies stay intact). */
  bytes(b: Uint8Array): Uint8Array {
    if (b.byteLength < this.#min) return b;
    let cur = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    let changed = false;
    for (const f of (this.#bytes ??= this.#forms.map((x) => Buffer.from(x, "utf8")))) {
      let at = cur.indexOf(f);
      if (at === -1) continue;
      const chunks: Uint8Array[] = [];
      let from = 0;
      while (at !== -1) {
        chunks.push(cur.subarray(from, at), SCRUBBED_BYTES);
        from = at + f.length;
        at = cur.indexOf(f, from);
      }
      chunks.push(cur.subarray(from));
      cur = Buffer.concat(chunks);
      changed = true;
    }
    return changed ? new Uint8Array(cur.buffer, cur.byteOffset, cur.byteLength) : b;
  }

  /**
   * Headers with every name and value scrubbed. Returns `headers` itself when nothing matched
   * (the common case: one length comparison per header), else a scrubbed copy.
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

  toJSON(): string {
    return "[Scrubber]";
  }

  [INSPECT](): string {
    return `Scrubber { forms: ${this.#forms.length} }`;
  }
}

/** A scrubber with nothing to search for (no credential was injected). */
export const NO_SCRUBBER = new Scrubber([]);

/**
 * The scrubber for one injected credential. `sentHeaders` are the request's headers after
 * injection: the header value that carried the credential is a form of its own, and a SigV4
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
  const carrierName = injection.type === "header" ? injection.name?.toLowerCase() : injection.type === "query" ? undefined : "authorization";
  const carrier = carrierName ? sentHeaders[carrierName] : undefined;
  if (carrier !== undefined) {
    if (injection.type === "aws-sigv4") {
      const sig = /Signature=([0-9a-fA-F]+)/.exec(carrier);
      if (sig) parts.push(sig[1]!);
    }
    // A carrier that holds a part verbatim adds no form that part's forms do not already hold
    // (percent, JSON and HTML escaping work per character; base64 is searched at every alignment).
    if (!parts.some((p) => p.length >= MIN_SECRET_LENGTH && carrier.includes(p))) parts.push(carrier);
  }
  return new Scrubber(parts);
}

function addForms(s: string, out: Set<string>): void {
  if (s.length < MIN_SECRET_LENGTH) return;
  out.add(s);
  if (!PLAIN.test(s)) {
    // encodeURIComponent refuses lone surrogates; such a value is searched for as it is.
    try {
      for (const e of percentForms(s)) out.add(e);
    } catch {
      /* no percent forms */
    }
    for (const e of escapedForms(s)) if (e !== s) out.add(e);
  }
  addBase64Forms(s, out);
}

function upperHex(c: string): string {
  return "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");
}

function percentForms(s: string): string[] {
  const component = encodeURIComponent(s);
  const strict = component.replace(/[!'()*]/g, upperHex);
  const forms = [component, strict, component.replace(/%20/g, "+"), strict.replace(/%20/g, "+"), encodeURIComponent(component)];
  const lower = forms.map((f) => f.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
  return [...forms, ...lower];
}

// Encoders that make JSON safe inside HTML (Go, Gson) write these as \u00XX.
const JSON_HTML_SAFE: Record<string, string> = { "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027", "=": "\\u003d" };
const HTML: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapedForms(s: string): string[] {
  const json = JSON.stringify(s).slice(1, -1);
  const html = s.replace(/[&<>"']/g, (c) => HTML[c]!);
  const htmlSafe = json.replace(/[<>&'=]/g, (c) => JSON_HTML_SAFE[c]!);
  return [
    json,
    json.replace(/\//g, "\\/"),
    htmlSafe,
    htmlSafe.replace(/\\u00[0-9a-f]{2}/g, (u) => u.toUpperCase().replace("\\U", "\\u")),
    html,
    html.replace(/&#39;/g, "&#x27;"),
  ];
}

/**
 * Base64 of `s` as it appears inside a longer base64 text: with 0, 1 or 2 bytes before it, the
 * characters that depend only on `s`'s bytes (the first one or two and the last one can mix in
 * bits of the neighbouring bytes, so they are left out).
 */
function addBase64Forms(s: string, out: Set<string>): void {
  const bytes = Buffer.from(s, "utf8");
  const padded = Buffer.alloc(bytes.length + 2);
  bytes.copy(padded, 2);
  for (let before = 0; before < 3; before++) {
    const b64 = padded.subarray(2 - before).toString("base64");
    let end = b64.length;
    while (end > 0 && b64.charCodeAt(end - 1) === 0x3d) end--;
    if ((bytes.length + before) % 3 !== 0) end--;
    const core = b64.slice(before === 0 ? 0 : before + 1, end);
    if (core.length < MIN_BASE64_FORM) continue;
    out.add(core);
    const url = core.replace(/\+/g, "-").replace(/\//g, "_");
    if (url !== core) out.add(url);
  }
}

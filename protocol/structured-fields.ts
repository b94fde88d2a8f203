// The subset of RFC 8941 Structured Field Values that HTTP Message Signatures need: dictionaries
// of items and inner lists with parameters, and every bare item type. Parsing is strict (any
// deviation throws StructuredFieldError) because a lenient parser in front of a signature check
// lets two parties disagree about what was signed.

/** An sf-token; kept apart from strings because the two serialise differently. */
export class SfToken {
  constructor(readonly value: string) {}
}

/** An sf-decimal; kept apart from integers because `1.0` and `1` serialise differently. */
export class SfDecimal {
  constructor(readonly value: number) {}
}

export type BareItem = number | string | boolean | Uint8Array | SfToken | SfDecimal;
/** Ordered, as RFC 8941 requires; a repeated key keeps its first position and its last value. */
export type Parameters = Map<string, BareItem>;

export interface Item {
  value: BareItem;
  params: Parameters;
}

export interface InnerList {
  items: Item[];
  params: Parameters;
}

export type Member = Item | InnerList;
export type Dictionary = Map<string, Member>;

export class StructuredFieldError extends Error {
  override name = "StructuredFieldError";
}

export function isInnerList(member: Member): member is InnerList {
  return (member as InnerList).items !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Serialisation (RFC 8941 §4.1)

const KEY_RE = /^[a-z*][a-z0-9_\-.*]*$/;
const TOKEN_RE = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/;

// Keys repeat on every message (created, keyid, req, key, ...): remember the valid ones.
const validKeys = new Set<string>();

export function serializeKey(key: string): string {
  if (validKeys.has(key)) return key;
  if (!KEY_RE.test(key)) throw new StructuredFieldError(`invalid key ${JSON.stringify(key)}`);
  if (validKeys.size < 256) validKeys.add(key);
  return key;
}

export function serializeString(value: string): string {
  let escapes = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw new StructuredFieldError("string holds a character outside 0x20-0x7e");
    if (c === 0x22 || c === 0x5c) escapes = true;
  }
  return escapes ? `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"` : `"${value}"`;
}

export function serializeBareItem(value: BareItem): string {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || Math.abs(value) > 999_999_999_999_999) {
      throw new StructuredFieldError(`integer out of range: ${value}`);
    }
    return String(value);
  }
  if (typeof value === "string") return serializeString(value);
  if (typeof value === "boolean") return value ? "?1" : "?0";
  if (value instanceof Uint8Array) return `:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64")}:`;
  if (value instanceof SfToken) {
    if (!TOKEN_RE.test(value.value)) throw new StructuredFieldError(`invalid token ${JSON.stringify(value.value)}`);
    return value.value;
  }
  const rounded = Math.round(value.value * 1000) / 1000;
  if (Math.abs(Math.trunc(rounded)) > 999_999_999_999) throw new StructuredFieldError("decimal out of range");
  const text = String(rounded);
  return text.includes(".") ? text : `${text}.0`;
}

export function serializeParams(params: Parameters | undefined): string {
  if (params === undefined || params.size === 0) return "";
  let out = "";
  for (const [key, value] of params) {
    out += `;${serializeKey(key)}`;
    if (value !== true) out += `=${serializeBareItem(value)}`;
  }
  return out;
}

export function serializeItem(item: Item): string {
  return serializeBareItem(item.value) + serializeParams(item.params);
}

export function serializeInnerList(list: InnerList): string {
  return `(${list.items.map(serializeItem).join(" ")})${serializeParams(list.params)}`;
}

export function serializeMember(member: Member): string {
  return isInnerList(member) ? serializeInnerList(member) : serializeItem(member);
}

export function serializeDictionary(dict: Dictionary): string {
  const parts: string[] = [];
  for (const [key, member] of dict) {
    if (!isInnerList(member) && member.value === true) {
      parts.push(serializeKey(key) + serializeParams(member.params));
    } else {
      parts.push(`${serializeKey(key)}=${serializeMember(member)}`);
    }
  }
  return parts.join(", ");
}

// ---------------------------------------------------------------------------------------------
// Parsing (RFC 8941 §4.2)

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text.charAt(this.pos);
  }
  code(): number {
    return this.text.charCodeAt(this.pos);
  }
  fail(what: string): never {
    throw new StructuredFieldError(`${what} at character ${this.pos}`);
  }
  skipSP(): void {
    while (this.text.charCodeAt(this.pos) === 0x20) this.pos++;
  }
  skipOWS(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09) return;
      this.pos++;
    }
  }
}

const isDigit = (c: string): boolean => c >= "0" && c <= "9";
const isAlpha = (c: string): boolean => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
const TCHAR_EXTRA = "!#$%&'*+-.^_`|~:/";
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

function isKeyChar(c: number): boolean {
  // lcalpha / DIGIT / "_" / "-" / "." / "*"
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d || c === 0x2e || c === 0x2a;
}

function parseKey(cur: Cursor): string {
  const first = cur.code();
  if (!((first >= 0x61 && first <= 0x7a) || first === 0x2a)) cur.fail("expected a key");
  const start = cur.pos;
  cur.pos++;
  while (isKeyChar(cur.code())) cur.pos++;
  return cur.text.slice(start, cur.pos);
}

function parseNumber(cur: Cursor): number | SfDecimal {
  const start = cur.pos;
  let sign = 1;
  if (cur.peek() === "-") {
    sign = -1;
    cur.pos++;
  }
  if (!isDigit(cur.peek())) cur.fail("expected a digit");
  const digitsStart = cur.pos;
  let dot = -1;
  while (!cur.done) {
    const c = cur.peek();
    if (isDigit(c)) cur.pos++;
    else if (c === "." && dot === -1) {
      if (cur.pos - digitsStart > 12) cur.fail("decimal has too many integer digits");
      dot = cur.pos;
      cur.pos++;
    } else break;
    if (dot === -1 && cur.pos - digitsStart > 15) cur.fail("integer too long");
    if (dot !== -1 && cur.pos - digitsStart > 16) cur.fail("decimal too long");
  }
  const text = cur.text.slice(start, cur.pos);
  if (dot === -1) return sign * Number(text.slice(sign === -1 ? 1 : 0));
  const fraction = cur.pos - dot - 1;
  if (fraction < 1 || fraction > 3) cur.fail("decimal needs 1 to 3 fractional digits");
  return new SfDecimal(Number(text));
}

function parseString(cur: Cursor): string {
  cur.pos++; // opening quote
  let out = "";
  let start = cur.pos;
  const text = cur.text;
  while (cur.pos < text.length) {
    const c = text.charCodeAt(cur.pos);
    if (c === 0x5c) {
      const next = text.charCodeAt(cur.pos + 1);
      if (next !== 0x22 && next !== 0x5c) cur.fail("invalid escape in string");
      out += text.slice(start, cur.pos) + String.fromCharCode(next);
      cur.pos += 2;
      start = cur.pos;
    } else if (c === 0x22) {
      out += text.slice(start, cur.pos);
      cur.pos++;
      return out;
    } else {
      if (c < 0x20 || c > 0x7e) cur.fail("invalid character in string");
      cur.pos++;
    }
  }
  return cur.fail("unterminated string");
}

function parseToken(cur: Cursor): SfToken {
  const start = cur.pos;
  cur.pos++;
  for (;;) {
    const c = cur.peek();
    if (c !== "" && (isAlpha(c) || isDigit(c) || TCHAR_EXTRA.includes(c))) cur.pos++;
    else break;
  }
  return new SfToken(cur.text.slice(start, cur.pos));
}

function parseByteSequence(cur: Cursor): Uint8Array {
  cur.pos++;
  const end = cur.text.indexOf(":", cur.pos);
  if (end === -1) cur.fail("unterminated byte sequence");
  const b64 = cur.text.slice(cur.pos, end);
  if (!BASE64_RE.test(b64) || b64.length % 4 === 1) cur.fail("invalid base64 in byte sequence");
  cur.pos = end + 1;
  return Buffer.from(b64, "base64");
}

function parseBareItem(cur: Cursor): BareItem {
  const c = cur.peek();
  if (c === "-" || isDigit(c)) return parseNumber(cur);
  if (c === '"') return parseString(cur);
  if (c === "*" || isAlpha(c)) return parseToken(cur);
  if (c === ":") return parseByteSequence(cur);
  if (c === "?") {
    const v = cur.text.charAt(cur.pos + 1);
    if (v !== "0" && v !== "1") cur.fail("invalid boolean");
    cur.pos += 2;
    return v === "1";
  }
  return cur.fail("expected an item");
}

function parseParams(cur: Cursor): Parameters {
  const params: Parameters = new Map();
  while (cur.peek() === ";") {
    cur.pos++;
    cur.skipSP();
    const key = parseKey(cur);
    let value: BareItem = true;
    if (cur.peek() === "=") {
      cur.pos++;
      value = parseBareItem(cur);
    }
    params.set(key, value);
  }
  return params;
}

function parseItem(cur: Cursor): Item {
  const value = parseBareItem(cur);
  return { value, params: parseParams(cur) };
}

function parseInnerList(cur: Cursor): InnerList {
  cur.pos++; // "("
  const items: Item[] = [];
  while (!cur.done) {
    cur.skipSP();
    if (cur.peek() === ")") {
      cur.pos++;
      return { items, params: parseParams(cur) };
    }
    items.push(parseItem(cur));
    const c = cur.peek();
    if (c !== " " && c !== ")") cur.fail("expected a space or ')' in inner list");
  }
  return cur.fail("unterminated inner list");
}

function parseMember(cur: Cursor): Member {
  return cur.peek() === "(" ? parseInnerList(cur) : parseItem(cur);
}

/**
 * Parses a whole field value as a Dictionary (RFC 8941 §4.2.2). A repeated key keeps its last
 * value, as the RFC says; pass `repeated` to learn which keys were repeated.
 */
export function parseDictionary(text: string, repeated?: Set<string>): Dictionary {
  const cur = new Cursor(text);
  const dict: Dictionary = new Map();
  cur.skipSP();
  if (cur.done) return dict;
  for (;;) {
    const key = parseKey(cur);
    let member: Member;
    if (cur.peek() === "=") {
      cur.pos++;
      member = parseMember(cur);
    } else {
      member = { value: true, params: parseParams(cur) };
    }
    if (repeated !== undefined && dict.has(key)) repeated.add(key);
    dict.set(key, member);
    cur.skipOWS();
    if (cur.done) return dict;
    if (cur.peek() !== ",") cur.fail("expected ',' between dictionary members");
    cur.pos++;
    cur.skipOWS();
    if (cur.done) cur.fail("trailing ',' in dictionary");
  }
}

/** Parses a whole field value as one Item (RFC 8941 §4.2.3), e.g. a component identifier. */
export function parseItemField(text: string): Item {
  const cur = new Cursor(text);
  cur.skipSP();
  const item = parseItem(cur);
  cur.skipSP();
  if (!cur.done) cur.fail("unexpected characters after item");
  return item;
}

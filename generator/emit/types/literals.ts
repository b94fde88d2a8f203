// Literal text exactly as prettier prints it: string quotes, number forms, property keys.

const IDENTIFIER = /^[$_\p{ID_Start}][$\u200c\u200d\p{ID_Continue}]*$/u;

export function isIdentifierName(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** A character stringLiteral escapes whatever the quote (backslash, controls, DEL, line separators). */
const NEEDS_ESCAPE = /[\\\x00-\x1f\x7f\u2028\u2029]/;

/**
 * A string literal. Double quotes unless the value holds more double than single quotes (what
 * prettier picks); control characters and line separators escaped.
 */
export function stringLiteral(value: string): string {
  let doubles = 0;
  let singles = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34) doubles++;
    else if (c === 39) singles++;
  }
  const quote = doubles > singles ? "'" : '"';
  // Most strings (descriptions, names) need no escape at all: copied whole, not char by char.
  if (!NEEDS_ESCAPE.test(value) && !value.includes(quote)) return quote + value + quote;
  // One native pass over the rest (descriptions hold line breaks): only the characters to escape call back.
  return quote + value.replace(quote === '"' ? ESCAPED_DOUBLE : ESCAPED_SINGLE, (ch) => ESCAPES[ch] ?? (ch === quote ? "\\" + ch : "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0"))) + quote;
}

/** How stringLiteral writes the characters it escapes by name; other controls become `\uXXXX`. */
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f", "\u2028": "\\u2028", "\u2029": "\\u2029" };
const ESCAPED_DOUBLE = /[\\\x00-\x1f\x7f\u2028\u2029"]/g;
const ESCAPED_SINGLE = /[\\\x00-\x1f\x7f\u2028\u2029']/g;

/** A number literal in prettier's normal form (`1e21`, not `1e+21`). */
export function numberLiteral(value: number): string {
  if (Object.is(value, -0)) return "0";
  return String(value).toLowerCase().replace(/e\+/, "e");
}

/** A property key: bare when it is an identifier name, quoted otherwise (prettier's "as-needed"). */
export function propertyKey(name: string): string {
  return isIdentifierName(name) ? name : stringLiteral(name);
}

// String literals as prettier prints them (emit/types/literals.ts): the quote with fewer escapes,
// every control character, line separator and backslash escaped. Each row is checked against
// prettier itself, and against the value JavaScript reads back.
import { describe, expect, it } from "vitest";
import { format } from "prettier";
import { stringLiteral } from "../../generator/emit/types/literals.js";

const cases: [string, string][] = [
  ["plain text", "List repositories for a user"],
  ["line breaks in a description", "Summary\n\nMore text.\r\nDocs: https://example.com"],
  ["tabs, backspace and form feed", "a\tb\bc\fd"],
  ["other controls and DEL", "x\u0000y\u000bz\u001f\u007f"],
  ["line and paragraph separators", "one\u2028two\u2029three"],
  ["a backslash", "C:\\path\\to"],
  ["more double quotes than single", 'say "hi" and "bye"'],
  ["more single quotes than double", "it's Bob's \"thing\""],
  ["double quotes with a line break", 'the "a" and "b"\nnext'],
  ["equal counts keep double quotes", "it's \"x"],
  ["non-ASCII text and emoji", "café 😀 — naïve"],
  ["a lone surrogate", "a\ud800b"],
  ["empty", ""],
];

describe("stringLiteral", () => {
  it.each(cases)("%s", async (_name, value) => {
    const literal = stringLiteral(value);
    expect(new Function(`return ${literal};`)()).toBe(value);
    const statement = `x = ${literal};\n`;
    expect(statement).toBe(await format(statement, { parser: "babel" }));
  });
});

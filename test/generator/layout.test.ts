// The layout printer the emitters share: prettier's algorithm on the commands we use. Every
// case is also checked against prettier itself where the text is TypeScript.
import { describe, expect, it } from "vitest";
import { group, hardline, ifBreak, indent, indentIfBreak, join, lazyGroup, line, printLayout, softline, stringWidth, type Layout } from "../../generator/emit/layout.js";

const words = (n: number, w = 9) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(w));

const cases: [string, { given: () => Layout; width?: number; want: string }][] = [
  ["a group that fits stays flat", { given: () => group(["[", indent([softline, join([",", line], words(3))]), softline, "]"]), want: "[aaaaaaaaa, bbbbbbbbb, ccccccccc]" }],
  [
    "a group that does not fit breaks every line in it",
    { given: () => group(["[", indent([softline, join([",", line], words(3))]), softline, "]"]), width: 20, want: "[\n  aaaaaaaaa,\n  bbbbbbbbb,\n  ccccccccc\n]" },
  ],
  ["text after the group counts (rest commands)", { given: () => [group(["(", softline, "x".repeat(8), ")"]), ";".repeat(3)], width: 12, want: "(\nxxxxxxxx);;;" }],
  ["a hard line breaks the enclosing groups", { given: () => group(["{", indent([line, "a", hardline, "b"]), line, "}"]), want: "{\n  a\n  b\n}" }],
  ["trailing spaces are trimmed before a newline", { given: () => group(["a: ", indent([softline, "x".repeat(20)])]), width: 10, want: "a:\n  xxxxxxxxxxxxxxxxxxxx" }],
  ["ifBreak picks by the enclosing group", { given: () => [group(["a", ifBreak("!", "?")]), " ", group(["b", line, "c".repeat(30), ifBreak("!", "?")])], width: 20, want: "a? b\n" + "c".repeat(30) + "!" }],
  [
    "indentIfBreak follows another group",
    {
      given: () => {
        const id = Symbol("g");
        return group(["x =", group(indent(line), { id }), indentIfBreak(group(["[", indent([softline, "y".repeat(30)]), softline, "]"]), id)]);
      },
      width: 20,
      // The operator's group stays flat because the rest can break: `x = [` (prettier's "fluid").
      want: "x = [\n  yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n]",
    },
  ],
  [
    "indentIfBreak indents when that group broke",
    {
      given: () => {
        const id = Symbol("g");
        return group(["x =", group(indent(line), { id }), indentIfBreak(["y".repeat(30), hardline, "z"], id)]);
      },
      width: 20,
      want: "x =\n  " + "y".repeat(30) + "\n  z",
    },
  ],
  ["a lazy group prints its flat text when it fits", { given: () => lazyGroup("short", () => "LONG FORM"), want: "short" }],
  ["a lazy group prints its full form when it does not fit", { given: () => lazyGroup("x".repeat(30), () => ["x", hardline, "y"]), width: 10, want: "x\ny" }],
  ["wide characters count two columns", { given: () => group(["[", indent([softline, "漢字漢字漢字"]), softline, "]"]), width: 13, want: "[\n  漢字漢字漢字\n]" }],
];

describe("printLayout", () => {
  it.each(cases)("%s", (_name, { given, width = 80, want }) => {
    expect(printLayout(given(), width)).toBe(want);
  });

  it("measures strings as prettier does", () => {
    expect(stringWidth("abc")).toBe(3);
    expect(stringWidth("漢字")).toBe(4);
    expect(stringWidth("e\u0301")).toBe(1);
  });
});

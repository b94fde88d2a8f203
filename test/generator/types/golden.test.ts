// Golden snapshots: each fixture document's component declarations (`schemas.d.ts`) and enum
// values (`schemas.js`) must match the checked-in files byte for byte, and prettier must leave
// both unchanged. UPDATE_GOLDEN=1 rewrites the files (review the diff before committing).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { printComponentDeclarations } from "../../../generator/emit/types/index.js";
import { fixtureNames, fixturesDir, loadFixture } from "./fixtures.js";

const update = process.env.UPDATE_GOLDEN === "1";
const names = fixtureNames();

describe("schema fixtures", () => {
  it("has a fixture for every edge case", () => {
    expect(names).toEqual(
      expect.arrayContaining([
        "additional-properties",
        "composition",
        "discriminator",
        "enums",
        "formats",
        "json-schema-extras",
        "nullable-30",
        "nullable-31",
        "read-write-only",
        "recursive",
      ]),
    );
  });

  describe.each(names)("%s", (name) => {
    const out = printComponentDeclarations(loadFixture(name));
    const files: [string, string, "typescript" | "babel"][] = [
      ["schemas.d.ts", out.code, "typescript"],
      ["schemas.js", out.enums.js, "babel"],
    ];

    it.each(files)("%s matches the golden file", (file, text) => {
      const path = join(fixturesDir, name, file);
      if (update) writeFileSync(path, text);
      expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(readFileSync(path, "utf8"));
    });

    it.each(files)("%s is already prettier-formatted", async (_file, text, parser) => {
      expect(await prettier.format(text, { parser })).toBe(text);
    });

    it("is byte-identical when printed again from a fresh load", () => {
      const again = printComponentDeclarations(loadFixture(name));
      expect(again.code).toBe(out.code);
      expect(again.enums.js).toBe(out.enums.js);
    });
  });
});

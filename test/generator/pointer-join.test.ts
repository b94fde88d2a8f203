// JSON pointers in error locations (catalog/errors.ts, RFC 6901): plain segments are appended as
// they are, `~` and `/` escaped, and `~` before `/` so "~1" stays "~01" rather than becoming a slash.
import { describe, expect, it } from "vitest";
import { joinPointer, pointerSegment } from "../../catalog/errors.js";

describe("pointerSegment", () => {
  it.each([
    ["plain", "plain"],
    ["/repos/{owner}/{repo}", "~1repos~1{owner}~1{repo}"],
    ["a~b", "a~0b"],
    ["~1", "~01"],
    ["~/", "~0~1"],
    ["", ""],
    [7, "7"],
  ] as const)("%j → %j", (segment, escaped) => {
    expect(pointerSegment(segment)).toBe(escaped);
  });
});

describe("joinPointer", () => {
  it.each([
    ["/paths", ["/user/repos", "get"], "/paths/~1user~1repos/get"],
    ["", ["components", "schemas", "a~b"], "/components/schemas/a~0b"],
    ["/x", [], "/x"],
    ["/responses", [200, "content", "application/json"], "/responses/200/content/application~1json"],
  ] as const)("%j + %j", (base, segments, pointer) => {
    expect(joinPointer(base, ...segments)).toBe(pointer);
  });
});

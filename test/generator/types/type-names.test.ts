import { describe, expect, it } from "vitest";
import { enumMemberNames } from "../../../generator/emit/types/index.js";
import { typeNameFor } from "../../../generator/model/type-names.js";

const cases: [string, { given: string; taken?: string[]; want: string }][] = [
  ["kebab-case", { given: "simple-user", want: "SimpleUser" }],
  ["snake_case", { given: "account_capability", want: "AccountCapability" }],
  ["dotted namespaces", { given: "microsoft.graph.user", want: "MicrosoftGraphUser" }],
  ["already PascalCase", { given: "PullRequest", want: "PullRequest" }],
  ["inner capitals kept", { given: "gitHubAPIKey", want: "GitHubAPIKey" }],
  ["leading digit", { given: "3ds-result", want: "_3dsResult" }],
  ["only symbols", { given: "---", want: "Schema" }],
  ["global we print (Blob)", { given: "blob", want: "BlobSchema" }],
  ["runtime type imported beside schema types (BlobLike)", { given: "blob-like", want: "BlobLikeSchema" }],
  ["runtime type only namespace modules import (BinaryInput)", { given: "binary-input", want: "BinaryInput" }],
  ["lib type (Record)", { given: "record", want: "RecordSchema" }],
  ["web class (Event)", { given: "Event", want: "EventSchema" }],
  ["collision gets a number", { given: "simple_user", taken: ["SimpleUser"], want: "SimpleUser2" }],
  ["second collision", { given: "simple user", taken: ["SimpleUser", "SimpleUser2"], want: "SimpleUser3" }],
  ["non-ASCII letters are kept", { given: "café-menu", want: "CaféMenu" }],
];

describe("typeNameFor", () => {
  it.each(cases)("%s", (_name, { given, taken = [], want }) => {
    const set = new Set(taken);
    expect(typeNameFor(given, set)).toBe(want);
    expect(set.has(want)).toBe(true);
  });

  it("always returns a valid identifier", () => {
    for (const name of ["a b", "1", "x-1-y", "__proto__", "constructor", "ünïcödé", "$ref", "a.b.c"]) {
      expect(typeNameFor(name, new Set())).toMatch(/^[_$\p{ID_Start}][$\p{ID_Continue}]*$/u);
    }
  });
});

const enumCases: [string, { given: (string | number | boolean)[]; want: string[] }][] = [
  ["words", { given: ["active", "in-progress", "on_hold"], want: ["Active", "InProgress", "OnHold"] }],
  ["signs", { given: ["+1", "-1"], want: ["Plus1", "Minus1"] }],
  ["numbers", { given: [1, -2, 1.5], want: ["_1", "Minus2", "_1_5"] }],
  ["empty and symbols", { given: ["", "***"], want: ["Empty", "Value"] }],
  ["collisions", { given: ["a-b", "a_b", "AB"], want: ["AB", "AB_2", "AB_3"] }],
  ["booleans", { given: [true, false], want: ["True", "False"] }],
];

describe("enumMemberNames", () => {
  it.each(enumCases)("%s", (_name, { given, want }) => {
    expect(enumMemberNames(given)).toEqual(want);
  });
});

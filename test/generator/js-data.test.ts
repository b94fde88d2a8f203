// The data printer (emit/js-data.ts) writes what prettier writes, case by case: each row is printed
// by exportConst and must come back unchanged from prettier itself (babel for .js, typescript for
// .ts). Rows are the shapes that once differed in generated/ (a long key opening an array, numeric
// keys, long strings after a key).
import { describe, expect, it } from "vitest";
import { format } from "prettier";
import { exportConst, type Data } from "../../generator/emit/js-data.js";

const longKey = "deleteRepositoriesByWorkspaceByRepoSlugCommitByCommitCommentsByCommentId";

const cases: [string, Data][] = [
  ["a key so long that `key: [` passes 80 columns", { security: { operations: { [longKey]: [{ oauth2: ["repository"] }, { basic: [] }] } } }],
  ["a quoted key so long that `key: {` passes 80 columns", { security: { operations: { [`get-/files/v3/files/import-from-url/async/tasks/{taskId}/${"x".repeat(12)}`]: [{ a: [] }, { b: ["c"] }] } } }],
  ["numeric keys", { properties: { "0": { type: "string" }, "1.5": { type: "number" }, "01": { type: "null" } } }],
  ["a long string after a key", { description: "x".repeat(90), id: "short" }],
  ["a short key and a long string", { a: "y".repeat(90) }],
  ["arrays that fit and arrays that do not", { hosts: ["api.example.com"], scopes: Array.from({ length: 12 }, (_, i) => `scope.number.${i}`) }],
];

describe("exportConst prints data as prettier does", () => {
  it.each(cases)("%s (.js)", async (_name, data) => {
    const js = exportConst("value", data);
    expect(js).toBe(await format(js, { parser: "babel" }));
  });
  it.each(cases)("%s (.ts)", async (_name, data) => {
    const ts = exportConst("value: unknown", data, undefined, "ts");
    expect(ts).toBe(await format(ts, { parser: "typescript" }));
  });
});

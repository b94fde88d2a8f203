import { describe, expect, it } from "vitest";
import type { OperationSpec, ParamSpec } from "../../runtime/operation.js";
import { buildTarget, joinUrl } from "../../runtime/url.js";
import { AlterValueError } from "../../runtime/errors.js";

const op = (params: Record<string, ParamSpec | ParamSpec["in"]>, path = "/x"): OperationSpec => ({ id: "test/op", method: "GET", path, params });

describe("query serialisation (OpenAPI 3 styles)", () => {
  const cases: [string, { spec: ParamSpec; value: unknown; want: string }][] = [
    ["form explode scalar", { spec: { in: "query" }, value: "a b", want: "?q=a%20b" }],
    ["form explode array", { spec: { in: "query" }, value: [1, 2], want: "?q=1&q=2" }],
    ["form no-explode array", { spec: { in: "query", explode: false }, value: [1, 2], want: "?q=1,2" }],
    ["form explode object", { spec: { in: "query" }, value: { a: 1, b: "x" }, want: "?a=1&b=x" }],
    ["form no-explode object", { spec: { in: "query", explode: false }, value: { a: 1, b: "x" }, want: "?q=a,1,b,x" }],
    ["spaceDelimited", { spec: { in: "query", style: "spaceDelimited", explode: false }, value: ["a", "b"], want: "?q=a%20b" }],
    ["pipeDelimited", { spec: { in: "query", style: "pipeDelimited", explode: false }, value: ["a", "b"], want: "?q=a|b" }],
    ["deepObject", { spec: { in: "query", style: "deepObject", explode: true }, value: { role: "admin", n: 2 }, want: "?q%5Brole%5D=admin&q%5Bn%5D=2" }],
    ["deepObject nested", { spec: { in: "query", style: "deepObject" }, value: { a: { b: ["x"] } }, want: "?q%5Ba%5D%5Bb%5D%5B0%5D=x" }],
    ["boolean", { spec: { in: "query" }, value: false, want: "?q=false" }],
    ["date", { spec: { in: "query" }, value: new Date("2024-01-02T03:04:05Z"), want: "?q=2024-01-02T03%3A04%3A05.000Z" }],
    ["reserved escaped", { spec: { in: "query" }, value: "a/b?c&d=e", want: "?q=a%2Fb%3Fc%26d%3De" }],
    ["allowReserved", { spec: { in: "query", allowReserved: true }, value: "a/b:c d", want: "?q=a/b:c%20d" }],
    ["wire name", { spec: { in: "query", name: "per_page" }, value: 5, want: "?per_page=5" }],
    ["null skipped", { spec: { in: "query" }, value: null, want: "" }],
    ["empty array skipped", { spec: { in: "query" }, value: [], want: "" }],
  ];
  it.each(cases)("%s", (_name, { spec, value, want }) => {
    const t = buildTarget("https://api.example.com", op({ q: spec }), { q: value });
    expect(t.url).toBe("https://api.example.com/x" + want);
  });
});

describe("path serialisation", () => {
  const cases: [string, { spec: ParamSpec; value: unknown; want: string }][] = [
    ["simple", { spec: { in: "path" }, value: "a b/c", want: "/items/a%20b%2Fc" }],
    ["simple array", { spec: { in: "path" }, value: [1, 2], want: "/items/1,2" }],
    ["simple object explode", { spec: { in: "path", explode: true }, value: { a: 1, b: 2 }, want: "/items/a=1,b=2" }],
    ["label", { spec: { in: "path", style: "label" }, value: [1, 2], want: "/items/.1,2" }],
    ["label explode", { spec: { in: "path", style: "label", explode: true }, value: [1, 2], want: "/items/.1.2" }],
    ["matrix", { spec: { in: "path", style: "matrix" }, value: 5, want: "/items/;id=5" }],
    ["matrix explode array", { spec: { in: "path", style: "matrix", explode: true }, value: [1, 2], want: "/items/;id=1;id=2" }],
    ["number", { spec: { in: "path" }, value: 42, want: "/items/42" }],
  ];
  it.each(cases)("%s", (_name, { spec, value, want }) => {
    const t = buildTarget("https://api.example.com", op({ id: spec }, "/items/{id}"), { id: value });
    expect(t.url).toBe("https://api.example.com" + want);
  });

  it("maps a renamed property to its template name", () => {
    const t = buildTarget("https://h", op({ repoName: { in: "path", name: "repo" } }, "/r/{repo}"), { repoName: "x" });
    expect(t.url).toBe("https://h/r/x");
  });

  it("names the missing path parameter", () => {
    expect(() => buildTarget("https://h", op({ id: "path" }, "/items/{id}"), {})).toThrow(AlterValueError);
    expect(() => buildTarget("https://h", op({ id: "path" }, "/items/{id}"), {})).toThrow(/parameter "id" \(in path\) is required/);
  });

  it("names a template variable no parameter fills", () => {
    expect(() => buildTarget("https://h", op({}, "/items/{id}"), {})).toThrow(/names \{id\}/);
  });
});

describe("headers, cookies, body, unknown params", () => {
  it("serialises header params with simple style, lower-case names", () => {
    const t = buildTarget("https://h", op({ xTrace: { in: "header", name: "X-Trace" }, tags: { in: "header", name: "X-Tags" } }), { xTrace: "abc", tags: ["a", "b"] });
    expect(t.headers).toEqual({ "x-trace": "abc", "x-tags": "a,b" });
  });

  it("refuses header values with line breaks (header injection)", () => {
    expect(() => buildTarget("https://h", op({ h: "header" }), { h: "a\r\nX-Evil: 1" })).toThrow(/parameter "h" \(in header h\) holds a carriage return/);
  });

  it("joins cookie params", () => {
    const t = buildTarget("https://h", op({ a: "cookie", b: "cookie" }), { a: "1", b: "2" });
    expect(t.headers.cookie).toBe("a=1; b=2");
  });

  it("passes body through untouched", () => {
    const body = { x: 1 };
    expect(buildTarget("https://h", op({}), { body }).body).toBe(body);
  });

  it("rejects unknown params, naming them", () => {
    expect(() => buildTarget("https://h", op({ a: "query" }), { b: 1 })).toThrow(/unknown parameter "b" \(known: a\)/);
  });

  it("rejects an object where a scalar is required", () => {
    expect(() => buildTarget("https://h", op({ a: "header" }), { a: () => 1 })).toThrow(/parameter "a" must be a string/);
  });

  it("extraQuery replaces a caller param of the same wire name", () => {
    const t = buildTarget("https://h", op({ cursor: "query", limit: "query" }), { cursor: "old", limit: 10 }, { cursor: "n/1" });
    expect(t.url).toBe("https://h/x?limit=10&cursor=n%2F1");
  });
});

describe("joinUrl", () => {
  it.each([
    ["https://h/v1", "/a", "https://h/v1/a"],
    ["https://h/v1/", "/a", "https://h/v1/a"],
    ["https://h", "a", "https://h/a"],
  ])("%s + %s", (base, path, want) => expect(joinUrl(base, path)).toBe(want));
});

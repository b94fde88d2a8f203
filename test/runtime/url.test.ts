import { describe, expect, it } from "vitest";
import type { OperationSpec, ParamSpec } from "../../runtime/operation.js";
import { buildTarget, joinUrl } from "../../runtime/internal/url.js";
import { AlterValueError } from "../../runtime/errors.js";
import { DOT_SEGMENT_VALUES, SAFE_PATH_VALUES } from "../support/path-attacks.js";

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

describe("path values that would change the endpoint", () => {
  const del = op({ owner: "path", repo: "path" }, "/repos/{owner}/{repo}");
  it.each(DOT_SEGMENT_VALUES)("refuses owner %j (%s), naming the parameter", (value) => {
    let error: unknown;
    try {
      buildTarget("https://api.github.com", del, { owner: value, repo: "user" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AlterValueError);
    expect((error as AlterValueError).code).toBe("invalid_path_parameter");
    expect((error as Error).message).toMatch(/^test\/op: parameter "owner" \(in path\) would change the endpoint of GET \/repos\/\{owner\}\/\{repo\}: /);
  });

  it.each(SAFE_PATH_VALUES)("keeps owner %j (%s) inside its segment", (value) => {
    const t = buildTarget("https://api.github.com", del, { owner: value, repo: "r" });
    expect(new URL(t.url).pathname.split("/")).toHaveLength(4);
    expect(new URL(t.url).pathname.endsWith("/r")).toBe(true);
  });

  const styles: [string, { spec: ParamSpec; path: string; params: Record<string, unknown>; prop: string }][] = [
    ["label style: the prefix dot and a dot value make ..", { spec: { in: "path", style: "label" }, path: "/items/{id}", params: { id: "." }, prop: "id" }],
    ["label style array", { spec: { in: "path", style: "label" }, path: "/items/{id}", params: { id: ["."] }, prop: "id" }],
    ["allowReserved keeps a slash: a dot segment inside", { spec: { in: "path", allowReserved: true }, path: "/files/{id}", params: { id: "a/../../admin" }, prop: "id" }],
    ["allowReserved keeps %2e escapes", { spec: { in: "path", allowReserved: true }, path: "/files/{id}", params: { id: "%2e%2e" }, prop: "id" }],
    ["allowReserved keeps ?, which would end the path", { spec: { in: "path", allowReserved: true }, path: "/files/{id}/raw", params: { id: "a?x=" }, prop: "id" }],
    ["allowReserved keeps #, which would end the path", { spec: { in: "path", allowReserved: true }, path: "/files/{id}/raw", params: { id: "a#" }, prop: "id" }],
  ];
  it.each(styles)("%s", (_name, { spec, path, params, prop }) => {
    expect(() => buildTarget("https://h", op({ [prop]: spec }, path), params)).toThrow(new RegExp(`parameter "${prop}" \\(in path\\) would change the endpoint`));
  });

  it("checks a segment two parameters share as a whole, whatever each one is alone", () => {
    const shared = op({ a: "path", b: "path" }, "/v1/{a}{b}/x");
    expect(() => buildTarget("https://h", shared, { a: ".", b: "." })).toThrow(/parameter "a" \(in path\).*the path segment it is part of \(".."\)/);
    expect(buildTarget("https://h", shared, { a: ".", b: "a" }).url).toBe("https://h/v1/.a/x");
    // A literal dot in the template and a "." value make "..".
    const dotted = op({ ext: "path" }, "/files/.{ext}");
    expect(() => buildTarget("https://h", dotted, { ext: "." })).toThrow(/parameter "ext" \(in path\).*\(".."\)/);
    expect(buildTarget("https://h", dotted, { ext: "env" }).url).toBe("https://h/files/.env");
  });
});

describe("headers, cookies, body, unknown params", () => {
  it("serialises header params with simple style, lower-case names", () => {
    const t = buildTarget("https://h", op({ xTrace: { in: "header", name: "X-Trace" }, tags: { in: "header", name: "X-Tags" } }), { xTrace: "abc", tags: ["a", "b"] });
    expect(t.headers).toEqual({ "x-trace": "abc", "x-tags": "a,b" });
  });

  it.each([
    ["CR LF (header injection)", "a\r\nX-Evil: 1", /holds a carriage return \(CR\)/],
    ["a lone LF", "a\nb", /holds a line feed \(LF\)/],
    ["NUL", "a\u0000b", /holds a NUL character/],
    ["ESC", "a\u001bb", /holds the control character 0x1b/],
    ["DEL", "a\u007fb", /holds the control character 0x7f/],
    ["a character beyond Latin-1", "price €5", /holds the character U\+20AC, which is not Latin-1/],
    ["an array item with a line break", ["a", "b\r\nX-Evil: 1"], /holds a carriage return/],
    ["an object value with a line break", { a: "x\nX-Evil: 1" }, /holds a line feed/],
  ] as const)("refuses a header value with %s, naming the parameter", (_name, value, why) => {
    expect(() => buildTarget("https://h", op({ h: "header" }), { h: value })).toThrow(AlterValueError);
    expect(() => buildTarget("https://h", op({ h: "header" }), { h: value })).toThrow(/parameter "h" \(in header h\)/);
    expect(() => buildTarget("https://h", op({ h: "header" }), { h: value })).toThrow(why);
  });

  it("accepts tabs and Latin-1 in header values", () => {
    expect(buildTarget("https://h", op({ h: "header" }), { h: "a\tcafé" }).headers).toEqual({ h: "a\tcafé" });
  });

  it("query values keep line breaks, percent-encoded: they can never reach the request line raw", () => {
    const t = buildTarget("https://h", op({ jql: "query", q: { in: "query", allowReserved: true } }), { jql: "project = X\r\nAND status = Open", q: "a\nb" });
    expect(t.url).toBe("https://h/x?jql=project%20%3D%20X%0D%0AAND%20status%20%3D%20Open&q=a%0Ab");
    expect(t.url).not.toMatch(/[\x00-\x20\x7f]/);
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

describe("an empty path value (ParamSpec.allowEmpty)", () => {
  const cases: [string, { path: string; spec: ParamSpec; value: string; want: string | RegExp }][] = [
    ["allowed, the template's last segment", { path: "/repos/{o}/contents/{p}", spec: { in: "path", allowEmpty: true }, value: "", want: "https://api.example.com/repos/o/contents/" }],
    ["allowed, a value as usual", { path: "/repos/{o}/contents/{p}", spec: { in: "path", allowEmpty: true }, value: "a b", want: "https://api.example.com/repos/o/contents/a%20b" }],
    ["not marked", { path: "/repos/{o}/contents/{p}", spec: { in: "path" }, value: "", want: /parameter "p" \(in path\) is required/ }],
    ["marked but in the middle (would leave //)", { path: "/repos/{o}/{p}/x", spec: { in: "path", allowEmpty: true }, value: "", want: /parameter "p" \(in path\) is required/ }],
    ["marked but sharing its segment", { path: "/files/{p}.json", spec: { in: "path", allowEmpty: true }, value: "", want: /parameter "p" \(in path\) is required/ }],
    ["marked, still no dot segment", { path: "/repos/{o}/contents/{p}", spec: { in: "path", allowEmpty: true }, value: "..", want: /would change the endpoint/ }],
  ];
  it.each(cases)("%s", (_name, { path, spec, value, want }) => {
    const build = () => buildTarget("https://api.example.com", op({ o: "path", p: spec }, path), { o: "o", p: value });
    if (typeof want === "string") expect(build().url).toBe(want);
    else expect(build).toThrow(want);
  });
});

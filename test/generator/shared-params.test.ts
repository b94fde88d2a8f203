// Parameters many operations declare identically are declared once (emit/shared-params.ts), and
// JSDoc never mentions `@see`/`@link` (tsc would then parse every such comment in full).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { generateClient } from "../../generator/generate.js";
import { printLayout } from "../../generator/emit/layout.js";
import { interfaceLayout, jsdocLayout, kw } from "../../generator/emit/types/ts-ast.js";

const owner = { name: "owner", in: "path", required: true, description: "The account owner.", schema: { type: "string" } };
const repo = { name: "repo", in: "path", required: true, description: "The repository.", schema: { type: "string" } };
const page = { name: "page", in: "query", description: "Page number.", schema: { type: "integer" } };
const undocumented = { name: "sort", in: "query", schema: { type: "string" } };

function doc(operations: Record<string, { path: string; parameters: unknown[]; docs?: string }>): string {
  const paths: Record<string, unknown> = {};
  for (const [operationId, op] of Object.entries(operations)) {
    paths[op.path] = {
      get: {
        operationId,
        parameters: op.parameters,
        ...(op.docs ? { externalDocs: { url: op.docs } } : {}),
        responses: { "200": { description: "OK", content: { "application/json": { schema: { type: "object" } } } } },
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "shared-params-"));
  const file = path.join(dir, "api.json");
  writeFileSync(file, JSON.stringify({ openapi: "3.0.3", info: { title: "t", version: "1" }, servers: [{ url: "https://api.example.com" }], paths }));
  return file;
}

async function generate(operations: Parameters<typeof doc>[0]) {
  return generateClient({ id: "demo", name: "Demo", spec: doc(operations), namespaceBy: "operationId-prefix" });
}

describe("shared parameters", () => {
  it("a documented parameter on three or more operations is declared once and extended", async () => {
    const client = await generate({
      repos_get: { path: "/repos/{owner}/{repo}", parameters: [owner, repo] },
      repos_list: { path: "/repos/{owner}", parameters: [owner, page, undocumented] },
      repos_delete: { path: "/r/{owner}/{repo}", parameters: [owner, repo, page] },
      repos_star: { path: "/s/{owner}/{repo}", parameters: [owner, repo, page] },
    });
    const params = client.files.get("params.d.ts")!;
    expect([...params.matchAll(/^export interface (\w+)/gm)].map((m) => m[1])).toEqual(["Owner", "Page", "Repo"]);
    expect(params).toContain("export interface Owner {\n  /** The account owner. */\n  owner: string;\n}");
    const repos = client.files.get("repos.d.ts")!;
    expect(repos).toContain('import type * as P from "./params.js";');
    expect(repos).toContain("export interface ReposGetParams extends P.Owner, P.Repo {}");
    // Undocumented members stay where they are.
    expect(repos).toContain("export interface ReposListParams extends P.Owner, P.Page {\n  sort?: string;\n}");
    for (const [file, text] of client.files) {
      if (file.endsWith(".d.ts")) expect(await prettier.format(text, { filepath: file }), file).toBe(text);
    }
  });

  it("fewer than three uses, or the same name with another description, is not merged", async () => {
    const other = { ...owner, description: "Someone else." };
    const client = await generate({
      a_one: { path: "/a/{owner}", parameters: [owner] },
      a_two: { path: "/b/{owner}", parameters: [owner] },
      a_three: { path: "/c/{owner}", parameters: [other] },
    });
    expect(client.files.has("params.d.ts")).toBe(false);
    expect(client.files.get("a.d.ts")).not.toContain("extends");
  });

  it("a heritage list breaks the way prettier breaks it", async () => {
    const long = "SomeVeryLongOperationNameThatFillsTheLine";
    const cases: [string, string[]][] = [
      ["single", ["P.Owner"]],
      ["fits after the name", ["P.Owner", "P.Repo"]],
      ["moves to its own line", ["P.Owner", "P.Repo", "P.Page", "P.PerPage"]],
      ["one base per line", ["P.Owner", "P.Repo", "P.Page", "P.PerPage", "P.Direction", "P.Sort", "P.Since"]],
    ];
    for (const [name, heritage] of cases) {
      for (const members of [[], [{ key: "x", type: kw("string"), optional: true }]]) {
        const text = printLayout([interfaceLayout(`${long}Params`, members, "export ", heritage), "\n"]);
        expect(text).toContain(members.length ? "  x?: string;\n}" : "{}");
        expect(await prettier.format(text, { filepath: "x.ts" }), name).toBe(text);
      }
    }
  });
});

describe("JSDoc without @see / @link", () => {
  const cases: [string, { given: string[]; want: string }][] = [
    ["plain text is untouched", { given: ["Lists things."], want: "/** Lists things. */" }],
    ["@see becomes an entity", { given: ["@see https://x"], want: "/** &#64;see https://x */" }],
    ["{@link} inside prose, any case", { given: ["See {@link Foo} and {@LINK Bar}"], want: "/** See {&#64;link Foo} and {&#64;LINK Bar} */" }],
    ["other tags stay", { given: ["Text", "@deprecated"], want: "/**\n * Text\n * @deprecated\n */" }],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    expect(printLayout(jsdocLayout(given))).toBe(want);
  });

  it("the operation's docs link is a markdown link, and no generated file mentions @see or @link", async () => {
    const client = await generate({ things_get: { path: "/things", parameters: [], docs: "https://docs.example.com/things" } });
    expect(client.files.get("things.d.ts")).toContain("[API documentation](https://docs.example.com/things)");
    for (const [file, text] of client.files) expect(text, file).not.toMatch(/@(see|link)/i);
  });
});

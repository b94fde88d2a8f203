// The tools table emitter (generator/emit/tools/): names, annotations, descriptions, the JSON
// Schema conversion and its budget, curation (patterns, read-only, overrides from the document's
// x-alter-tool and the catalog/config `tools`), and the errors bad curation gets.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseToolsConfig, type ToolsConfig } from "../../catalog/index.js";
import { generateClient } from "../../generator/generate.js";
import { GeneratorError, SpecError } from "../../generator/errors.js";
import { toolAnnotations, toolDescription } from "../../generator/emit/tools/definition.js";
import { toJsonSchema, type Json, type SchemaBudget } from "../../generator/emit/tools/json-schema.js";
import { assignToolNames, fitToolName, snakeToolName } from "../../generator/emit/tools/names.js";
import { patternMatches } from "../../generator/emit/tools/table.js";
import type { SchemaNode } from "../../generator/model/schema.js";
import type { HttpMethod } from "../../runtime/operation.js";
import type { ToolDefinition } from "../../runtime/tools.js";

describe("tool names", () => {
  const table: [string, { given: [string, string]; want: string }][] = [
    ["camelCase method", { given: ["repos", "listForOrg"], want: "repos_list_for_org" }],
    ["camelCase namespace", { given: ["codeScanning", "getAlert"], want: "code_scanning_get_alert" }],
    ["acronyms", { given: ["apps", "getURLForApp"], want: "apps_get_url_for_app" }],
    ["digits stay", { given: ["oauth", "v2Access"], want: "oauth_v2_access" }],
    ["characters model APIs refuse", { given: ["admin.apps", "approve$list"], want: "admin_apps_approve_list" }],
  ];
  it.each(table)("%s", (_name, { given, want }) => {
    expect(snakeToolName(...given)).toBe(want);
  });

  it("cuts a long name to 64 characters with a hash of the whole name, the same every time", () => {
    const long = "actions_" + "disable_selected_repository_self_hosted_runners_".repeat(2);
    const a = fitToolName(long);
    expect(a).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(a).toHaveLength(64);
    expect(a).toMatch(/_[0-9a-f]{8}$/);
    expect(fitToolName(long)).toBe(a);
    expect(fitToolName(long + "x")).not.toBe(a);
    expect(fitToolName("short_name")).toBe("short_name");
  });

  const clashes: [string, { given: { name: string; fixed: boolean; key: string }[]; want: (string | RegExp)[] }][] = [
    ["unique names stay", { given: [{ name: "a_b", fixed: false, key: "1" }, { name: "a_c", fixed: false, key: "2" }], want: ["a_b", "a_c"] }],
    ["two derived clash: both hashed by id", { given: [{ name: "a_b", fixed: false, key: "1" }, { name: "a_b", fixed: false, key: "2" }], want: [/^a_b_[0-9a-f]{8}$/, /^a_b_[0-9a-f]{8}$/] }],
    ["an override wins over a derived name", { given: [{ name: "a_b", fixed: true, key: "1" }, { name: "a_b", fixed: false, key: "2" }], want: ["a_b", /^a_b_[0-9a-f]{8}$/] }],
  ];
  it.each(clashes)("%s", (_name, { given, want }) => {
    const names = assignToolNames(given, () => {
      throw new Error("clash");
    });
    expect(new Set(names).size).toBe(names.length);
    names.forEach((n, i) => (typeof want[i] === "string" ? expect(n).toBe(want[i]) : expect(n).toMatch(want[i] as RegExp)));
  });

  it("refuses two overrides with one name", () => {
    const requests = [
      { name: "same", fixed: true, key: "1" },
      { name: "same", fixed: true, key: "2" },
    ];
    expect(() =>
      assignToolNames(requests, (i, j) => {
        throw new Error(`clash ${i} ${j}`);
      }),
    ).toThrow("clash 1 0");
  });
});

describe("annotations from the HTTP method and the method name's verb", () => {
  const rows: [string, { given: { method: HttpMethod; name?: string; override?: Parameters<typeof toolAnnotations>[1] }; want: [boolean, boolean, boolean] }][] = [
    ["GET", { given: { method: "GET" }, want: [true, false, true] }],
    ["HEAD", { given: { method: "HEAD" }, want: [true, false, true] }],
    ["POST", { given: { method: "POST" }, want: [false, false, false] }],
    ["PATCH", { given: { method: "PATCH" }, want: [false, false, false] }],
    ["PUT", { given: { method: "PUT" }, want: [false, false, true] }],
    ["DELETE", { given: { method: "DELETE" }, want: [false, true, true] }],
    ["POST marked read-only (a search)", { given: { method: "POST", override: { readOnly: true } }, want: [true, false, true] }],
    ["PUT marked destructive", { given: { method: "PUT", override: { destructive: true } }, want: [false, true, true] }],
    // RPC-style APIs (Slack) write with POST: the method name's verb says what it does.
    ["POST named delete (Slack's chat.delete)", { given: { method: "POST", name: "delete" }, want: [false, true, false] }],
    ["POST named deleteScheduledMessage", { given: { method: "POST", name: "deleteScheduledMessage" }, want: [false, true, false] }],
    ["POST named kick", { given: { method: "POST", name: "kick" }, want: [false, true, false] }],
    ["POST named deliver (not delete)", { given: { method: "POST", name: "deliver" }, want: [false, false, false] }],
    ["POST named removeReaction", { given: { method: "POST", name: "removeReaction" }, want: [false, true, false] }],
    ["GET named deleteHistory (read-only wins)", { given: { method: "GET", name: "deleteHistory" }, want: [true, false, true] }],
    ["POST named delete, marked not destructive", { given: { method: "POST", name: "delete", override: { destructive: false } }, want: [false, false, false] }],
  ];
  it.each(rows)("%s", (_name, { given, want }) => {
    const a = toolAnnotations({ method: given.method, ...(given.name ? { name: given.name } : {}) }, given.override);
    expect([a.readOnlyHint, a.destructiveHint, a.idempotentHint]).toEqual(want);
    expect(a.openWorldHint).toBe(true);
  });
});

describe("descriptions", () => {
  const base = { method: "GET" as HttpMethod, path: "/x", deprecated: false };
  const rows: [string, { given: Parameters<typeof toolDescription>; want: string | RegExp }][] = [
    ["summary, description and docs", { given: [{ ...base, summary: "List repos", description: "Lists them.", docsUrl: "https://docs.example/r" }], want: "List repos\n\nLists them.\n\nDocs: https://docs.example/r" }],
    ["description equal to the summary once", { given: [{ ...base, summary: "Same", description: "Same" }], want: "Same" }],
    ["deprecated", { given: [{ ...base, summary: "Old", deprecated: true }], want: "Old\n\nDeprecated." }],
    ["nothing: method and path", { given: [base], want: "GET /x" }],
    ["a long description is trimmed", { given: [{ ...base, summary: "S", description: "word ".repeat(400) }], want: /^S\n\n(word ){100,}.*…$/s }],
    ["an override replaces summary and description", { given: [{ ...base, summary: "S", description: "D", docsUrl: "https://d" }, { description: "Mine." }], want: "Mine.\n\nDocs: https://d" }],
  ];
  it.each(rows)("%s", (_name, { given, want }) => {
    const got = toolDescription(...given);
    if (typeof want === "string") expect(got).toBe(want);
    else expect(got).toMatch(want);
    expect(got.length).toBeLessThan(1000);
  });
});

describe("JSON Schema from schema nodes", () => {
  const budget: SchemaBudget = { refDepth: 3, depth: 8, descriptionChars: 300 };
  const schemas = new Map<string, SchemaNode>([
    ["User", { kind: "object", description: "A user.", properties: [{ name: "id", required: true, schema: { kind: "primitive", type: "integer", readOnly: true } }, { name: "login", required: true, schema: { kind: "primitive", type: "string" } }, { name: "password", required: false, schema: { kind: "primitive", type: "string", writeOnly: true } }] }],
    ["Node", { kind: "object", properties: [{ name: "child", required: false, schema: { kind: "ref", name: "Node" } }] }],
  ]);
  const rows: [string, { given: SchemaNode; direction?: "input" | "output"; want: Json }][] = [
    ["nullable primitive", { given: { kind: "primitive", type: "string", nullable: true }, want: { type: ["string", "null"] } }],
    ["nullable enum", { given: { kind: "enum", values: ["a", "b"], nullable: true }, want: { type: ["string", "null"], enum: ["a", "b", null] } }],
    ["OpenAPI-only format dropped", { given: { kind: "primitive", type: "integer", format: "int64" }, want: { type: "integer" } }],
    ["standard format kept", { given: { kind: "primitive", type: "string", format: "date-time" }, want: { type: "string", format: "date-time" } }],
    ["union of plain types: one type list", { given: { kind: "union", exclusive: true, variants: [{ kind: "primitive", type: "string" }, { kind: "primitive", type: "integer" }] }, want: { type: ["string", "integer"] } }],
    ["union of shapes: anyOf", { given: { kind: "union", exclusive: true, variants: [{ kind: "primitive", type: "string" }, { kind: "array", items: { kind: "primitive", type: "string" } }] }, want: { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] } }],
    ["ref inlined, read-only dropped from input", { given: { kind: "ref", name: "User" }, want: { type: "object", properties: { login: { type: "string" }, password: { type: "string" } }, required: ["login"], description: "A user." } }],
    ["write-only dropped from output, no required", { given: { kind: "ref", name: "User" }, direction: "output", want: { type: "object", properties: { id: { type: "integer" }, login: { type: "string" } }, description: "A user." } }],
    ["a ref back into itself becomes a placeholder", { given: { kind: "ref", name: "Node" }, want: { type: "object", properties: { child: { type: "object" } } } }],
    ["additionalProperties false kept", { given: { kind: "object", properties: [], additional: { kind: "never" } }, want: { type: "object", additionalProperties: false } }],
  ];
  it.each(rows)("%s", (_name, { given, direction, want }) => {
    expect(toJsonSchema(given, { schemas, direction: direction ?? "input", budget })).toEqual(want);
  });

  it("spells refs out only to the budget's depth", () => {
    const shallow = toJsonSchema({ kind: "object", properties: [{ name: "owner", required: true, schema: { kind: "ref", name: "User" } }] }, { schemas, direction: "input", budget: { ...budget, refDepth: 0 } });
    expect(shallow).toEqual({ type: "object", properties: { owner: { type: "object", description: "A user." } }, required: ["owner"] });
  });
});

describe("patterns", () => {
  const rows: [string, { given: [string, string]; want: boolean }][] = [
    ["exact", { given: ["repos.get", "repos.get"], want: true }],
    ["prefix wildcard", { given: ["repos.*", "repos.listForOrg"], want: true }],
    ["dot is literal", { given: ["repos.get", "reposXget"], want: false }],
    ["inner wildcard", { given: ["issues.list*", "issues.listForRepo"], want: true }],
    ["no partial match", { given: ["repos", "repos.get"], want: false }],
  ];
  it.each(rows)("%s", (_name, { given, want }) => {
    expect(patternMatches(...given)).toBe(want);
  });
});

const DOC = `
openapi: 3.0.3
info: { title: Curation, version: "1" }
servers: [{ url: https://api.example.test }]
paths:
  /items:
    get:
      operationId: items/list
      tags: [items]
      summary: List items
      responses: { "200": { description: ok, content: { application/json: { schema: { type: array, items: { type: string } } } } } }
    post:
      operationId: items/create
      tags: [items]
      summary: Create an item
      requestBody: { required: true, content: { application/json: { schema: { type: object, required: [name], properties: { name: { type: string }, id: { type: string, readOnly: true } } } } } }
      responses: { "201": { description: ok, content: { application/json: { schema: { type: object, properties: { id: { type: string } } } } } } }
  /items/{id}:
    delete:
      operationId: items/delete
      tags: [items]
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "204": { description: gone } }
  /search:
    post:
      operationId: search/run
      tags: [search]
      x-alter-tool: { name: search_everything, readOnly: true, description: Searches every item. }
      requestBody: { content: { application/json: { schema: { type: object, properties: { q: { type: string } } } } } }
      responses: { "200": { description: ok } }
  /internal:
    get:
      operationId: internal/ping
      tags: [internal]
      x-alter-tool: false
      responses: { "204": { description: ok } }
`;

function docFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "alter-tools-")), "doc.yaml");
  writeFileSync(file, text);
  return file;
}

async function toolsOf(tools?: ToolsConfig, text = DOC): Promise<{ names: string[]; defs: ToolDefinition[]; files: string[] }> {
  const client = await generateClient({ id: "cur", name: "Curation", spec: docFile(text), namespaceBy: "operationId-prefix", ...(tools ? { tools } : {}) });
  const js = client.files.get("tools.js");
  if (!js) return { names: [], defs: [], files: [...client.files.keys()] };
  // Only the definitions: the data literal, evaluated without the module's imports.
  const literal = js.slice(js.indexOf("export const definitions = ") + "export const definitions = ".length, js.indexOf("];\n") + 1);
  const defs = JSON.parse(JSON.stringify(new Function(`return ${literal}`)())) as ToolDefinition[];
  return { names: defs.map((d) => d.name), defs, files: [...client.files.keys()] };
}

describe("curation", () => {
  const rows: [string, { given: ToolsConfig | undefined; want: string[] }][] = [
    ["everything but x-alter-tool: false", { given: undefined, want: ["items_create", "items_delete", "items_list", "search_everything"] }],
    ["include by namespace pattern", { given: { include: ["items.*"] }, want: ["items_create", "items_delete", "items_list"] }],
    ["include by tag, exclude by id", { given: { include: ["items"], exclude: ["items/delete"] }, want: ["items_create", "items_list"] }],
    ["exclude by tool name pattern", { given: { exclude: ["*_delete"] }, want: ["items_create", "items_list", "search_everything"] }],
    ["read-only (x-alter-tool marks the POST search read-only)", { given: { readOnly: true }, want: ["items_list", "search_everything"] }],
    ["catalog override renames and excludes", { given: { overrides: { "items/list": { name: "list_all_items" }, "items/create": { exclude: true } } }, want: ["items_delete", "list_all_items", "search_everything"] }],
  ];
  it.each(rows)("%s", async (_name, { given, want }) => {
    expect((await toolsOf(given)).names.sort()).toEqual(want);
  });

  it("writes no tools module with enabled: false", async () => {
    const { files } = await toolsOf({ enabled: false });
    expect(files.filter((f) => f.startsWith("tools"))).toEqual([]);
    expect(files).toContain("index.js");
  });

  it("maps params and body into one input object, drops read-only body fields, keeps outputs that are objects", async () => {
    const { defs } = await toolsOf();
    const create = defs.find((d) => d.name === "items_create")!;
    expect(create.inputSchema).toEqual({ type: "object", properties: { body: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } }, required: ["body"], additionalProperties: false });
    expect(create.outputSchema).toEqual({ type: "object", properties: { id: { type: "string" } } });
    expect(create.annotations).toEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
    const del = defs.find((d) => d.name === "items_delete")!;
    expect(del.inputSchema.required).toEqual(["id"]);
    expect(del.annotations.destructiveHint).toBe(true);
    expect(del.outputSchema).toBeUndefined();
    expect(defs.find((d) => d.name === "items_list")!.outputSchema).toBeUndefined();
    const search = defs.find((d) => d.name === "search_everything")!;
    expect(search.description).toBe("Searches every item.");
    expect(search.operation).toEqual({ id: "search/run", namespace: "search", method: "run" });
  });

  const bad: [string, { given: string; want: RegExp }][] = [
    ["an invalid x-alter-tool name", { given: DOC.replace("name: search_everything", "name: search everything"), want: /x-alter-tool\/name .*not a valid tool name.*paths\/~1search\/post\/x-alter-tool\/name/s }],
    ["an unknown x-alter-tool field", { given: DOC.replace("readOnly: true,", "readonly: true,"), want: /x-alter-tool\/readonly is not a known field/ }],
    ["two overrides with one name", { given: DOC.replace("x-alter-tool: false", "x-alter-tool: { name: search_everything }"), want: /tool name "search_everything" of .* is also the tool name of/ }],
  ];
  it.each(bad)("refuses %s, naming where", async (_name, { given, want }) => {
    const err = await toolsOf(undefined, given).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GeneratorError);
    expect((err as GeneratorError).describe()).toMatch(want);
  });
});

describe("tools config (catalog entry, config file)", () => {
  const rows: [string, { given: unknown; want: ToolsConfig | RegExp }][] = [
    ["false", { given: false, want: { enabled: false } }],
    ["patterns as a comma string", { given: { include: "repos.*, issues.*" }, want: { include: ["repos.*", "issues.*"] } }],
    ["overrides", { given: { overrides: { "repos/get": { name: "get_repo", readOnly: true } } }, want: { overrides: { "repos/get": { name: "get_repo", readOnly: true } } } }],
    ["unknown field", { given: { readonly: true }, want: /^\/readonly is not a known field/ }],
    ["a bad override name", { given: { overrides: { "a/b": { name: "x".repeat(65) } } }, want: /^\/overrides\/a~1b\/name .* not a valid tool name/ }],
    ["a switch that is not a boolean", { given: { readOnly: "yes" }, want: /^\/readOnly must be true or false/ }],
  ];
  it.each(rows)("%s", (_name, { given, want }) => {
    const parse = () =>
      parseToolsConfig(given, (pointer, message) => {
        throw new Error(`${pointer} ${message}`);
      });
    if (want instanceof RegExp) expect(parse).toThrow(want);
    else expect(parse()).toEqual(want);
  });

  it("x-alter-tool problems are SpecErrors", async () => {
    const err = await toolsOf(undefined, DOC.replace("x-alter-tool: false", "x-alter-tool: 3")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpecError);
  });
});

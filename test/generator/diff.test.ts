// `alter-gen diff`'s comparison, table-driven: one document, one change to it per row, and the
// API change (kind, impact, method, path) that regenerating reports.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diffClient } from "../../generator/diff/index.js";
import { generateClient } from "../../generator/generate.js";

const work = mkdtempSync(path.join(tmpdir(), "alter-gen-diff-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Json = Record<string, any>;
const json = (schema: Json) => ({ content: { "application/json": { schema } } });

function base(): Json {
  return {
    openapi: "3.0.3",
    info: { title: "Shop", version: "1" },
    servers: [{ url: "https://shop.example.com" }],
    paths: {
      "/items": {
        get: {
          operationId: "listItems",
          tags: ["items"],
          parameters: [
            { name: "limit", in: "query", schema: { type: "integer" } },
            { name: "color", in: "query", schema: { type: "string", enum: ["red", "blue"] } },
          ],
          responses: { 200: { description: "ok", ...json({ type: "array", items: { $ref: "#/components/schemas/Item" } }) } },
        },
        post: {
          operationId: "createItem",
          tags: ["items"],
          requestBody: { required: true, ...json({ type: "object", required: ["name"], properties: { name: { type: "string" }, note: { type: "string" } } }) },
          responses: { 200: { description: "ok", ...json({ $ref: "#/components/schemas/Item" }) } },
        },
      },
      "/items/{id}": {
        get: {
          operationId: "getItem",
          tags: ["items"],
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { 200: { description: "ok", ...json({ $ref: "#/components/schemas/Item" }) } },
        },
        delete: {
          operationId: "deleteItem",
          tags: ["items"],
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { 204: { description: "gone" } },
        },
      },
    },
    components: {
      schemas: {
        Item: {
          type: "object",
          required: ["id", "name", "state"],
          properties: { id: { type: "string" }, name: { type: "string" }, price: { type: "number" }, state: { type: "string", enum: ["new", "sold"] } },
        },
      },
    },
  };
}

let n = 0;
async function diff(change: (doc: Json) => void, options: { keepLock?: boolean } = { keepLock: true }) {
  const dir = path.join(work, String(n++));
  const spec = path.join(dir + ".json");
  const doc = base();
  writeFileSync(spec, JSON.stringify(doc));
  const before = await generateClient({ id: "shop", name: "Shop", spec, namespaceBy: "tag", today: "2026-01-01" });
  change(doc);
  writeFileSync(spec, JSON.stringify(doc));
  const lock = JSON.parse(before.files.get("names.lock.json")!);
  const after = await generateClient({ id: "shop", name: "Shop", spec, namespaceBy: "tag", today: "2026-01-01", ...(options.keepLock ? { previousNames: lock } : {}) });
  return diffClient("shop", dir, before.files, after.files, { cwd: work }).changes.map((c) => [c.impact, c.kind, c.method, c.path, c.values?.join(",") ?? c.renamedTo].filter(Boolean).join(" "));
}

const item = (doc: Json) => doc.components.schemas.Item;
const listParams = (doc: Json) => doc.paths["/items"].get.parameters;

describe("alter-gen diff: what a regeneration changes", () => {
  const cases: [string, { change: (doc: Json) => void; keepLock?: boolean; want: string[] }][] = [
    ["nothing", { change: () => {}, want: [] }],
    ["a method removed", { change: (d) => delete d.paths["/items/{id}"].get, want: ["breaking method-removed items.getItem"] }],
    ["a method added", { change: (d) => (d.paths["/items/{id}"].put = { operationId: "replaceItem", tags: ["items"], parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: { 204: { description: "done" } } }), want: ["additive method-added items.replaceItem"] }],
    ["a method renamed, its old name kept by the names lock", { change: (d) => (d.paths["/items/{id}"].get.operationId = "showItem"), want: ["deprecated method-renamed items.getItem items.showItem"] }],
    ["a method renamed without a lock: found by its route, and breaking", { change: (d) => (d.paths["/items/{id}"].get.operationId = "showItem"), keepLock: false, want: ["breaking method-renamed items.getItem items.showItem"] }],
    ["an optional parameter now required", { change: (d) => (listParams(d)[0].required = true), want: ["breaking param-required items.listItems limit"] }],
    ["a new required parameter", { change: (d) => listParams(d).push({ name: "shop", in: "query", required: true, schema: { type: "string" } }), want: ["breaking param-required items.listItems shop"] }],
    ["a new optional parameter", { change: (d) => listParams(d).push({ name: "page", in: "query", schema: { type: "string" } }), want: ["additive param-added items.listItems page"] }],
    ["a parameter removed", { change: (d) => listParams(d).splice(0, 1), want: ["breaking param-removed items.listItems limit"] }],
    ["a parameter's enum value removed", { change: (d) => (listParams(d)[1].schema.enum = ["red"]), want: ['breaking enum-values-removed items.listItems color "blue"'] }],
    ["a parameter's enum value added", { change: (d) => (listParams(d)[1].schema.enum = ["red", "blue", "green"]), want: ['additive enum-values-added items.listItems color "green"'] }],
    ["a parameter's type changed", { change: (d) => (listParams(d)[0].schema = { type: "string" }), want: ["breaking param-type-changed items.listItems limit"] }],
    ["a body property now required", { change: (d) => d.paths["/items"].post.requestBody.content["application/json"].schema.required.push("note"), want: ["breaking param-required items.createItem body.note"] }],
    [
      "a response property removed (in every method that answers it)",
      { change: (d) => delete item(d).properties.price, want: ["breaking response-property-removed items.createItem price", "breaking response-property-removed items.getItem price", "breaking response-property-removed items.listItems [].price"] },
    ],
    ["a response property's type changed", { change: (d) => (item(d).properties.id = { type: "integer" }), want: ["breaking response-type-changed items.createItem id", "breaking response-type-changed items.getItem id", "breaking response-type-changed items.listItems [].id"] }],
    ["a response property that may now be absent", { change: (d) => (item(d).required = ["id", "state"]), want: ["breaking response-property-optional items.createItem name", "breaking response-property-optional items.getItem name", "breaking response-property-optional items.listItems [].name"] }],
    ["a response property that may now be null", { change: (d) => (item(d).properties.price.nullable = true), want: ["breaking response-type-changed items.createItem price", "breaking response-type-changed items.getItem price", "breaking response-type-changed items.listItems [].price"] }],
    ["a response property added", { change: (d) => (item(d).properties.color = { type: "string" }), want: ["additive response-property-added items.createItem color", "additive response-property-added items.getItem color", "additive response-property-added items.listItems [].color"] }],
    ["a response enum value removed", { change: (d) => (item(d).properties.state.enum = ["new"]), want: ['breaking enum-values-removed items.createItem state "sold"', 'breaking enum-values-removed items.getItem state "sold"', 'breaking enum-values-removed items.listItems [].state "sold"'] }],
    ["a response enum value added", { change: (d) => (item(d).properties.state.enum = ["new", "sold", "held"]), want: ['additive enum-values-added items.createItem state "held"', 'additive enum-values-added items.getItem state "held"', 'additive enum-values-added items.listItems [].state "held"'] }],
    ["a response type narrowed is not breaking", { change: (d) => (item(d).properties.price = { type: "integer" }), want: [] }],
    ["a response body where there was none is not breaking", { change: (d) => (d.paths["/items/{id}"].delete.responses = { 200: { description: "ok", ...json({ $ref: "#/components/schemas/Item" }) } }), want: [] }],
    ["no response body where there was one is", { change: (d) => (d.paths["/items/{id}"].get.responses = { 204: { description: "none" } }), want: ["breaking response-type-changed items.getItem"] }],
  ];
  it.each(cases)("%s", async (_name, { change, keepLock, want }) => {
    expect((await diff(change, { keepLock: keepLock ?? true })).sort()).toEqual([...want].sort());
  });

  it("a folder without a client is a new client, everything additive", async () => {
    const spec = path.join(work, "new.json");
    writeFileSync(spec, JSON.stringify(base()));
    const after = await generateClient({ id: "shop", name: "Shop", spec, namespaceBy: "tag" });
    const d = diffClient("shop", path.join(work, "none"), new Map(), after.files, { cwd: work });
    expect(d.existed).toBe(false);
    expect(d.summary).toEqual({ breaking: 0, deprecated: 0, additive: 4 });
  });
});

// Repeated inline object shapes become one declaration (model/shared-shapes.ts): which shapes,
// what they are named, and that nothing users can see changes meaning. The golden case
// `shared-shapes` pins the whole emitted output of the fixture document.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildModel } from "../../generator/model/build.js";
import { isSharedShape, shareRepeatedShapes } from "../../generator/model/shared-shapes.js";
import { componentNames } from "../../generator/emit/types/index.js";
import { generateClient } from "../../generator/generate.js";
import type { ApiModel } from "../../generator/model/api.js";
import type { SchemaNode } from "../../generator/model/schema.js";

const props = (n: number, prefix = "p") => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, { type: "string" }]));
const obj = (n: number, extra: Record<string, unknown> = {}) => ({ type: "object", properties: props(n), ...extra });

function model(schemas: Record<string, unknown>, paths: Record<string, unknown> = {}): ApiModel {
  const doc = { openapi: "3.0.3", info: { title: "t", version: "1" }, paths, components: { schemas } };
  return buildModel({ doc, source: "inline.yaml", sha256: "0", version: "3.0" }, { providerId: "t", namespaceBy: "operationId-prefix" });
}

function propertyOf(m: ApiModel, schema: string, property: string): SchemaNode {
  const node = m.schemas.get(schema)!;
  if (node.kind !== "object") throw new Error(`${schema} is not an object`);
  return node.properties.find((p) => p.name === property)!.schema;
}

describe("which shapes are shared", () => {
  const cases: [string, { given: Record<string, unknown>; want: { shared: number; refs: Record<string, string | undefined> } }][] = [
    [
      "the same inline object in two places becomes one shared declaration",
      { given: { a: { type: "object", properties: { x: obj(6) } }, b: { type: "object", properties: { y: obj(6) } } }, want: { shared: 1, refs: { "a.x": "~shared/a x", "b.y": "~shared/a x" } } },
    ],
    [
      "an inline copy of a component refers to the component, even once",
      { given: { user: obj(6), a: { type: "object", properties: { x: obj(6) } } }, want: { shared: 0, refs: { "a.x": "user" } } },
    ],
    [
      "small shapes stay inline",
      { given: { a: { type: "object", properties: { x: obj(5) } }, b: { type: "object", properties: { y: obj(5) } } }, want: { shared: 0, refs: { "a.x": undefined, "b.y": undefined } } },
    ],
    [
      "nested properties count towards the size",
      {
        given: { a: { type: "object", properties: { x: { type: "object", properties: { n: obj(4), m: { type: "string" } } } } }, b: { type: "object", properties: { y: { type: "object", properties: { n: obj(4), m: { type: "string" } } } } } },
        want: { shared: 1, refs: { "a.x": "~shared/a x", "b.y": "~shared/a x" } },
      },
    ],
    [
      "shapes that differ anywhere inside (a nested description) are not merged",
      {
        given: { a: { type: "object", properties: { x: obj(6) } }, b: { type: "object", properties: { y: { type: "object", properties: { ...props(5), p5: { type: "string", description: "d" } } } } } },
        want: { shared: 0, refs: { "a.x": undefined, "b.y": undefined } },
      },
    ],
    [
      "objects with a discriminator are never shared",
      {
        given: { a: { type: "object", properties: { x: obj(6, { discriminator: { propertyName: "p0" } }) } }, b: { type: "object", properties: { y: obj(6, { discriminator: { propertyName: "p0" } }) } } },
        want: { shared: 0, refs: { "a.x": undefined, "b.y": undefined } },
      },
    ],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    const m = shareRepeatedShapes(model(given));
    expect([...m.schemas.keys()].filter(isSharedShape)).toHaveLength(want.shared);
    for (const [at, target] of Object.entries(want.refs)) {
      const [schema, property] = at.split(".") as [string, string];
      const node = propertyOf(m, schema, property);
      expect(node.kind === "ref" ? node.name : undefined, at).toBe(target);
    }
  });

  it("use-site annotations stay on the ref, the shared body has none", () => {
    const m = shareRepeatedShapes(
      model({ a: { type: "object", properties: { x: obj(6, { description: "first", nullable: true }) } }, b: { type: "object", properties: { y: obj(6, { description: "second", readOnly: true }) } } }),
    );
    expect(propertyOf(m, "a", "x")).toEqual({ kind: "ref", name: "~shared/a x", description: "first", nullable: true });
    expect(propertyOf(m, "b", "y")).toEqual({ kind: "ref", name: "~shared/a x", description: "second", readOnly: true });
    const body = m.schemas.get("~shared/a x")!;
    expect(body.description).toBeUndefined();
    expect(body.nullable).toBeUndefined();
  });

  it("operation bodies and responses are shared with components too", () => {
    const m = shareRepeatedShapes(
      model({ a: { type: "object", properties: { x: obj(6) } } }, { "/t": { post: { operationId: "t_make", requestBody: { content: { "application/json": { schema: obj(6) } } }, responses: { "200": { description: "ok" } } } } }),
    );
    const op = m.namespaces[0]!.operations[0]!;
    expect(op.body!.schema).toEqual({ kind: "ref", name: "~shared/a x" });
  });

  it("the input model is not changed", () => {
    const before = model({ a: { type: "object", properties: { x: obj(6) } }, b: { type: "object", properties: { y: obj(6) } } });
    const snapshot = JSON.stringify([...before.schemas]);
    shareRepeatedShapes(before);
    expect(JSON.stringify([...before.schemas])).toBe(snapshot);
  });
});

describe("names of shared shapes", () => {
  it("the title when it is free, else where the shape was first seen; the document's own names never change", () => {
    const given = {
      // A component whose type name the titled shape below would like to have.
      Item: { type: "object", properties: { id: { type: "string" } } },
      a: { type: "object", properties: { x: obj(6, { title: "Item" }), z: obj(7, { title: "Widget" }) } },
      b: { type: "object", properties: { y: obj(6, { title: "Item" }), w: obj(7, { title: "Widget" }) } },
    };
    const plain = model(given);
    const shared = shareRepeatedShapes(plain);
    const before = componentNames(plain.schemas, new Set());
    const after = componentNames(shared.schemas, new Set());
    for (const [name, entry] of before) expect(after.get(name)).toEqual(entry);
    expect(after.get("~shared/a x")!.response).toBe("AX");
    expect(after.get("~shared/a z")!.response).toBe("Widget");
  });

  it("the fixture's client names: SimpleUser reused, Repository and HookCreatedSummary shared, RepositoryInput for requests", async () => {
    const client = await generateClient({ id: "shared", name: "Shared", spec: path.resolve("test/fixtures/specs/shared-shapes-3.0.yaml"), namespaceBy: "operationId-prefix" });
    const dts = client.files.get("schemas.d.ts")!;
    const declared = [...dts.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]);
    expect(declared).toEqual(["HookCreated", "HookCreatedRepository", "HookDeleted", "Issue", "SimpleUser", "HookCreatedSummary", "Repository", "RepositoryInput"]);
    expect(dts).toContain("/** Who opened the issue. */\n  user?: SimpleUser | null;");
    expect(dts).toContain("/** The repository that was deleted. */\n  repository?: Repository;");
    expect(client.files.get("repos.d.ts")).toContain("body: Schemas.RepositoryInput;");
  });
});

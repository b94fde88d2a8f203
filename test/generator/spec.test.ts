// The spec phase on its own: format detection, Swagger 2.0 conversion, external $ref bundling
// and the errors each step raises (naming the file and the JSON pointer).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GeneratorError, SpecError } from "../../generator/errors.js";
import { loadSpec } from "../../generator/spec/index.js";
import { convertSwagger2 } from "../../generator/spec/swagger2.js";

const specs = path.resolve("test/fixtures/specs");

describe("loadSpec", () => {
  it("reads 3.0, 3.1 and Swagger 2.0 documents", async () => {
    expect((await loadSpec(path.join(specs, "petstore-3.0.yaml"))).version).toBe("3.0");
    expect((await loadSpec(path.join(specs, "bodies-3.1.yaml"))).version).toBe("3.1");
    const sw = await loadSpec(path.join(specs, "swagger-2.0.json"));
    expect(sw.originalFormat).toBe("swagger-2.0");
    expect(sw.doc.openapi).toBe("3.0.3");
  });

  it("hoists external schemas into components and inlines external parameters", async () => {
    const spec = await loadSpec(path.join(specs, "external/main.yaml"));
    expect(Object.keys(spec.doc.components.schemas).sort()).toEqual(["Line", "Order"]);
    expect(spec.doc.components.schemas.Order.properties.parent).toEqual({ $ref: "#/components/schemas/Order" });
    expect(spec.doc.paths["/orders/{orderId}"].get.parameters[0]).toMatchObject({ name: "orderId", in: "path" });
  });

  const bad: [string, { given: string; want: { message: RegExp; pointer?: string } }][] = [
    ["an external file that does not exist", { given: "bad/external-missing.yaml", want: { message: /nowhere\.yaml, which does not exist/, pointer: "/paths/~1a/get/responses/200/content/application~1json/schema/$ref" } }],
    ["an external pointer that does not resolve", { given: "bad/external-bad-pointer.yaml", want: { message: /has nothing at \/Nope/, pointer: "/paths/~1a/get/responses/200/content/application~1json/schema/$ref" } }],
    ["an unsupported version", { given: "bad/unsupported-version.yaml", want: { message: /OpenAPI version "4\.0\.0" is not supported/, pointer: "/openapi" } }],
    ["an unresolved internal $ref", { given: "bad/unresolved-ref.yaml", want: { message: /does not resolve/, pointer: "/paths/~1things/get/responses/200/content/application~1json/schema/$ref" } }],
  ];
  it.each(bad)("rejects %s", async (_name, { given, want }) => {
    const error = await loadSpec(path.join(specs, given)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SpecError);
    const e = error as GeneratorError;
    expect(e.message).toMatch(want.message);
    expect(e.location.file).toBe(path.join(specs, given));
    if (want.pointer) expect(e.location.pointer).toBe(want.pointer);
  });
});

describe("detectKind", () => {
  const cases: [string, { given: unknown; want: unknown }][] = [
    ["3.0.x string", { given: { openapi: "3.0.3" }, want: { kind: "openapi", version: "3.0" } }],
    ["3.1 string", { given: { openapi: "3.1.0" }, want: { kind: "openapi", version: "3.1" } }],
    ["unquoted YAML 3.0 (a number)", { given: { openapi: 3.0 }, want: { kind: "openapi", version: "3.0" } }],
    ["unquoted YAML 3.1 (a number)", { given: { openapi: 3.1 }, want: { kind: "openapi", version: "3.1" } }],
    ["swagger 2.0", { given: { swagger: "2.0" }, want: { kind: "swagger2" } }],
    ["unquoted YAML swagger 2.0 (a number)", { given: { swagger: 2.0 }, want: { kind: "swagger2" } }],
  ];
  it.each(cases)("%s", async (_name, { given, want }) => {
    const { detectKind } = await import("../../generator/spec/validate.js");
    expect(detectKind(given, "x.yaml")).toEqual(want);
  });
});

describe("convertSwagger2", () => {
  const doc = (paths: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ swagger: "2.0", info: { title: "t", version: "1" }, paths, ...extra });
  const cases: [string, { given: Record<string, unknown>; want: (out: any) => unknown; expected: unknown }][] = [
    ["host, basePath and schemes become a server", { given: doc({}, { host: "h.example", basePath: "/v2/", schemes: ["http", "https"] }), want: (o) => o.servers, expected: [{ url: "https://h.example/v2" }] }],
    ["definitions refs move to components", { given: doc({}, { definitions: { A: { $ref: "#/definitions/B" }, B: {} } }), want: (o) => o.components.schemas.A, expected: { $ref: "#/components/schemas/B" } }],
    [
      "csv array query params get explode: false",
      { given: doc({ "/a": { get: { parameters: [{ name: "ids", in: "query", type: "array", items: { type: "string" } }], responses: {} } } }), want: (o) => o.paths["/a"].get.parameters[0], expected: { name: "ids", in: "query", schema: { type: "array", items: { type: "string" } }, explode: false } },
    ],
    [
      "pipes become pipeDelimited",
      { given: doc({ "/a": { get: { parameters: [{ name: "ids", in: "query", type: "array", collectionFormat: "pipes" }], responses: {} } } }), want: (o) => o.paths["/a"].get.parameters[0].style, expected: "pipeDelimited" },
    ],
    [
      "formData without files is form-urlencoded",
      { given: doc({ "/a": { post: { parameters: [{ name: "x", in: "formData", type: "string", required: true }], responses: {} } } }), want: (o) => Object.keys(o.paths["/a"].post.requestBody.content), expected: ["application/x-www-form-urlencoded"] },
    ],
    [
      "a file parameter makes multipart with a binary field",
      { given: doc({ "/a": { post: { parameters: [{ name: "f", in: "formData", type: "file" }], responses: {} } } }), want: (o) => o.paths["/a"].post.requestBody.content["multipart/form-data"].schema.properties.f, expected: { type: "string", format: "binary" } },
    ],
    [
      "response schemas get the produces media types; x-nullable becomes nullable",
      { given: doc({ "/a": { get: { produces: ["text/csv"], responses: { "200": { description: "ok", schema: { type: "string", "x-nullable": true } } } } } }), want: (o) => o.paths["/a"].get.responses["200"].content, expected: { "text/csv": { schema: { type: "string", nullable: true } } } },
    ],
    ["basic auth becomes an http scheme", { given: doc({}, { securityDefinitions: { b: { type: "basic" } } }), want: (o) => o.components.securitySchemes.b, expected: { type: "http", scheme: "basic" } }],
  ];
  it.each(cases)("%s", (_name, { given, want, expected }) => {
    expect(want(convertSwagger2(given))).toEqual(expected);
  });
});

describe("hoisting schema refs", () => {
  it("gives a component to a $ref that points inside a response or another schema", async () => {
    const { hoistSchemaRefs } = await import("../../generator/spec/hoist.js");
    const doc: Record<string, any> = {
      openapi: "3.0.3",
      paths: {
        "/a": { get: { responses: { "200": { content: { "application/json": { schema: { type: "object", properties: { paging: { type: "object", properties: { next: { type: "string" } } } } } } } } } } },
        "/b": { get: { responses: { "200": { content: { "application/json": { schema: { $ref: "#/paths/~1a/get/responses/200/content/application~1json/schema/properties/paging" } } } } } } },
      },
      components: { schemas: { Pet: { properties: { owner: { $ref: "#/components/schemas/Person/properties/name" } } }, Person: { properties: { name: { type: "string" } } } } },
    };
    hoistSchemaRefs(doc);
    expect(doc.paths["/b"].get.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/paging" });
    expect(doc.components.schemas.paging).toEqual({ type: "object", properties: { next: { type: "string" } } });
    expect(doc.components.schemas.Pet.properties.owner).toEqual({ $ref: "#/components/schemas/Person_name" });
    expect(doc.components.schemas.Person_name).toEqual({ type: "string" });
  });
});

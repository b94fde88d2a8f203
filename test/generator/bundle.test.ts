// Documents split across files and URLs (test/fixtures/specs/multi/), refs into any JSON
// pointer, and which `$ref`s are references at all. The URL cases use a loopback server.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpecError } from "../../generator/errors.js";
import { hoistSchemaRefs } from "../../generator/spec/hoist.js";
import { loadSpec, type LoadedSpec } from "../../generator/spec/index.js";
import { getPointer } from "../../generator/spec/pointer.js";
import { validateDocument } from "../../generator/spec/validate.js";

const specs = path.resolve("test/fixtures/specs");
const multi = path.join(specs, "multi");
let work: string;
let server: Server;
let origin: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "alter-gen-bundle-"));
  // Serves test/fixtures/specs/multi/ and, under /extra/, files a test wrote into `work`.
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const file = url.pathname.startsWith("/extra/") ? path.join(work, url.pathname.slice(7)) : path.join(multi, url.pathname);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": "application/yaml" }).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

async function failure(source: string): Promise<SpecError> {
  const error = await loadSpec(source).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpecError);
  return error as SpecError;
}

/** What a multi-file document must bundle to, read from a file or from a URL alike. */
function expectMultiBundled(spec: LoadedSpec): void {
  const { doc } = spec;
  const schemas = doc.components.schemas;
  expect(Object.keys(schemas).sort()).toEqual(["Branch", "Node", "Owner", "Problem", "Shape", "Square", "circle", "createShape_400", "pet"]);
  // Relative refs: a whole file and a fragment, the schema refs inside them, parameters inlined.
  expect(doc.paths["/pets"].get.responses["200"].content["application/json"].schema.items).toEqual({ $ref: "#/components/schemas/pet" });
  expect(doc.paths["/pets"].get.parameters[0]).toMatchObject({ name: "limit", in: "query" });
  // A response taken from another file's paths, and a whole path item from there.
  expect(doc.paths["/pets/{petId}"].get.responses["200"]).toMatchObject({ description: "One pet.", content: { "application/json": { schema: { $ref: "#/components/schemas/pet" } } } });
  expect(doc.paths["/owners"].get.operationId).toBe("listOwners");
  // A local ref into this document's own paths stays a local ref (hoisting and the model follow it).
  expect(doc.paths["/pets/{petId}"].get.responses["404"]).toEqual({ $ref: "#/paths/~1pets/get/responses/default" });
  expect(getPointer(doc, "/paths/~1pets/get/responses/default/description")).toBe("A problem.");
  // Cycles across files: pet <-> Owner, and Branch back to the root's own Node (not a copy of it).
  expect(schemas.pet.properties.owner).toEqual({ $ref: "#/components/schemas/Owner" });
  expect(schemas.Owner.properties.pets.items).toEqual({ $ref: "#/components/schemas/pet" });
  expect(schemas.Branch.properties.node).toEqual({ $ref: "#/components/schemas/Node" });
  expect(schemas.Node.properties.branches.items).toEqual({ $ref: "#/components/schemas/Branch" });
  // Discriminator mappings to another file and to a fragment of the mapping's own file.
  expect(schemas.Shape.discriminator.mapping).toEqual({ circle: "#/components/schemas/circle", square: "#/components/schemas/Square" });
  expect(schemas.Shape.oneOf).toEqual([{ $ref: "#/components/schemas/circle" }, { $ref: "#/components/schemas/Square" }]);
  // A schema ref into this document's paths is given a component of its own, named after the
  // operation; one to a place that is only a ref is that ref (no alias component in between).
  expect(doc.paths["/trees/{treeId}"].get.responses["400"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/createShape_400" });
  expect(doc.paths["/shapes"].post.responses["201"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Shape" });
  // An example's `$ref` is data.
  expect(doc.paths["/trees/{treeId}"].get.responses["200"].content["application/json"].examples.leaf.value.$ref).toBe("./nowhere.yaml#/Nothing");
  expect(spec.warnings).toEqual([]);
}

describe("multi-file documents", () => {
  it("bundles relative refs, refs into other files' paths, mappings and cycles across files", async () => {
    expectMultiBundled(await loadSpec(path.join(multi, "main.yaml")));
  });

  it("bundles the same document read from a URL, resolving its refs against the URL", async () => {
    const spec = await loadSpec(`${origin}/main.yaml`);
    expect(spec.source).toBe(`${origin}/main.yaml`);
    expectMultiBundled(spec);
  });

  it("follows a ref to an absolute URL from a local file", async () => {
    const file = path.join(work, "with-url.yaml");
    writeFileSync(
      file,
      `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "${origin}/schemas/pet.yaml"}
`,
    );
    const { doc } = await loadSpec(file);
    expect(doc.paths["/pets"].get.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/pet" });
    // pet.yaml's own relative ref was resolved against its URL, not against the local file.
    expect(doc.components.schemas.Owner.properties.name).toEqual({ type: "string" });
  });

  it("keeps the name of a component that is only a ref to another file", async () => {
    const file = path.join(work, "alias.yaml");
    writeFileSync(
      file,
      `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /p:
    get:
      responses:
        default: {description: e, content: {application/json: {schema: {$ref: "#/components/schemas/Problem"}}}}
components:
  schemas:
    Problem: {$ref: "${multi}/common.yaml#/components/schemas/Problem"}
`,
    );
    const { doc } = await loadSpec(file);
    expect(Object.keys(doc.components.schemas)).toEqual(["Problem"]);
    expect(doc.components.schemas.Problem.required).toEqual(["code"]);
  });

  it("hoists a Swagger 2.0 document's external schemas into definitions", async () => {
    const file = path.join(work, "swagger.yaml");
    writeFileSync(
      file,
      `swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      responses:
        "200": {description: ok, schema: {$ref: "${multi}/schemas/circle.yaml"}}
`,
    );
    const { doc } = await loadSpec(file);
    expect(doc.paths["/pets"].get.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/circle" });
    expect(doc.components.schemas.circle.required).toEqual(["kind", "radius"]);
  });

  it("drops a discriminator mapping value that leads to a missing file, with a warning", async () => {
    const file = path.join(work, "mapping.yaml");
    writeFileSync(
      file,
      `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /s:
    post:
      requestBody:
        content:
          application/json:
            schema:
              oneOf: [{$ref: "${multi}/schemas/circle.yaml"}]
              discriminator:
                propertyName: kind
                mapping: {circle: "${multi}/schemas/circle.yaml", gone: "models/gone.yml#/Gone", local: "#/nowhere"}
      responses: {"204": {description: ok}}
`,
    );
    const spec = await loadSpec(file);
    const schema = spec.doc.paths["/s"].post.requestBody.content["application/json"].schema;
    expect(schema.discriminator.mapping).toEqual({ circle: "#/components/schemas/circle" });
    expect(spec.warnings).toHaveLength(2);
    expect(spec.warnings[0]).toMatch(/discriminator\/mapping: discriminator mapping gone not used \(models\/gone\.yml does not exist\)/);
    expect(spec.warnings[1]).toMatch(/discriminator mapping local not used/);
  });

  const bad: [string, { files: Record<string, string>; entry?: string; want: { message: RegExp; file: string; pointer: string } }][] = [
    [
      "a path item cycle across files",
      {
        files: {
          "a.yaml": `openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths:\n  /a: {$ref: "./b.yaml#/item"}\n`,
          "b.yaml": `item:\n  get:\n    callbacks:\n      back:\n        "{$url}": {$ref: "./b.yaml#/item"}\n    responses: {"200": {description: ok}}\n`,
        },
        want: { message: /The \$ref "\.\/b\.yaml#\/item" is circular outside a schema/, file: "b.yaml", pointer: "/item/get/callbacks/back/{$url}/$ref" },
      },
    ],
    [
      "a pointer missing in another file",
      {
        files: { "a.yaml": `openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths:\n  /a: {$ref: "./b.yaml#/paths/~1nope"}\n`, "b.yaml": `paths: {}\n` },
        want: { message: /has nothing at \/paths\/~1nope/, file: "a.yaml", pointer: "/paths/~1a/$ref" },
      },
    ],
    [
      "a file that is not valid YAML",
      {
        files: { "a.yaml": `openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths:\n  /a: {$ref: "./b.yaml"}\n`, "b.yaml": `get: [unclosed\n` },
        want: { message: /not valid YAML at line/, file: "b.yaml", pointer: "" },
      },
    ],
  ];
  it.each(bad)("rejects %s, naming the file and pointer", async (_name, { files, want }) => {
    const dir = mkdtempSync(path.join(work, "bad-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    const e = await failure(path.join(dir, "a.yaml"));
    expect(e.message).toMatch(want.message);
    expect(e.location.file).toBe(path.join(dir, want.file));
    if (want.pointer) expect(e.location.pointer).toBe(want.pointer);
  });

  it("a document read from a URL cannot refer to this machine's files", async () => {
    writeFileSync(path.join(work, "remote.yaml"), `openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths:\n  /a: {$ref: "file:///etc/hostname#/x"}\n`);
    const e = await failure(`${origin}/extra/remote.yaml`);
    expect(e.message).toMatch(/only http\(s\) URLs can be referred to from there/);
    expect(e.location).toMatchObject({ file: `${origin}/extra/remote.yaml`, pointer: "/paths/~1a/$ref" });
    // An absolute path from a remote document is a path on the same server, never a local file.
    writeFileSync(path.join(work, "remote2.yaml"), `openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths:\n  /a: {$ref: "/etc/hostname#/x"}\n`);
    const e2 = await failure(`${origin}/extra/remote2.yaml`);
    expect(e2.message).toContain(`points to ${origin}/etc/hostname, which could not be fetched: the server answered HTTP 404`);
  });
});

describe("which $refs are references", () => {
  // Each document holds one `$ref` to a schema inside a response; `hoisted` says whether it was
  // read as a schema reference (given a component) and `checked` whether validation follows it.
  const schemaRef = { $ref: "#/paths/~1a/get/responses/200/content/application~1json/schema/properties/x" };
  const base = () => ({
    openapi: "3.0.3",
    info: { title: "t", version: "1" },
    paths: { "/a": { get: { responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "object", properties: { x: { type: "string" } } } } } } } } } },
  });
  const cases: [string, { place: (doc: any, ref: unknown) => () => unknown; reference: boolean }][] = [
    ["a schema in a response named default", { place: (d, r) => ((d.paths["/a"].get.responses.default = { description: "e", content: { "application/json": { schema: r } } }), () => d.paths["/a"].get.responses.default.content["application/json"].schema), reference: true }],
    ["a property named example", { place: (d, r) => ((d.components = { schemas: { S: { properties: { example: r } } } }), () => d.components.schemas.S.properties.example), reference: true }],
    ["a property named default in a schema map", { place: (d, r) => ((d.components = { schemas: { S: { properties: { default: r } } } }), () => d.components.schemas.S.properties.default), reference: true }],
    ["a header parameter component named x-api-key", { place: (d, r) => ((d.components = { parameters: { "x-api-key": { name: "x-api-key", in: "header", schema: r } } }), () => d.components.parameters["x-api-key"].schema), reference: true }],
    ["a schema named x-thing", { place: (d, r) => ((d.components = { schemas: { "x-thing": r } }), () => d.components.schemas["x-thing"]), reference: true }],
    ["a schema's example value", { place: (d, r) => ((d.components = { schemas: { S: { type: "object", example: { a: r } } } }), () => d.components.schemas.S.example.a), reference: false }],
    ["a schema's default value", { place: (d, r) => ((d.components = { schemas: { S: { type: "object", default: r } } }), () => d.components.schemas.S.default), reference: false }],
    ["an enum value", { place: (d, r) => ((d.components = { schemas: { S: { type: "object", enum: [r] } } }), () => d.components.schemas.S.enum[0]), reference: false }],
    ["a media type's examples", { place: (d, r) => ((d.paths["/a"].get.responses["200"].content["application/json"].examples = { e: { value: r } }), () => d.paths["/a"].get.responses["200"].content["application/json"].examples.e.value), reference: false }],
    ["a vendor extension", { place: (d, r) => ((d.paths["/a"].get["x-sample"] = { schema: r }), () => d.paths["/a"].get["x-sample"].schema), reference: false }],
  ];
  it.each(cases)("%s", (_name, { place, reference }) => {
    const doc = base();
    const read = place(doc, { ...schemaRef });
    hoistSchemaRefs(doc);
    expect((read() as { $ref: string }).$ref).toBe(reference ? "#/components/schemas/x" : schemaRef.$ref);
    // The same positions decide what validation checks: a dangling ref fails only where it is one.
    const broken = base();
    place(broken, { $ref: "#/nowhere" });
    const check = () => validateDocument(broken, "doc.yaml");
    if (reference) expect(check).toThrow(/does not resolve/);
    else expect(check).not.toThrow();
  });

  it("follows a pointer through a reference it passes on the way", () => {
    const doc = { a: { $ref: "#/b" }, b: { c: { d: 1 } } };
    expect(getPointer(doc, "/a/c/d")).toBe(1);
    expect(getPointer(doc, "/a/nope")).toBeUndefined();
    expect(getPointer({ a: {} }, "/a/toString")).toBeUndefined();
  });
});

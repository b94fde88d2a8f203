// The stand-in's building blocks on small documents written for each rule: OpenAPI 3.0/3.1
// schema conversion, generated samples that validate, bracketed form/query parsing, multipart
// bodies, and the catalog's default headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FormData, request } from "undici";
import type { CatalogProvider } from "../../catalog/index.js";
import { startProviderStandin, startStandin, Validator, type Standin } from "../../standins/index.js";
import { sampleOf } from "../../standins/sample.js";
import type { Json } from "../../standins/schema.js";
import { parseBracketed } from "../../standins/validate.js";

const TOKEN = "rules-canary-token";

const provider: CatalogProvider = {
  id: "example",
  name: "Example",
  specFile: "example/openapi.json",
  source: { package: "none", version: "0", path: "none" },
  sha256: "0".repeat(64),
  baseUrl: "https://api.example.com/v1",
  hosts: ["api.example.com"],
  injection: { type: "bearer" },
  namespaceBy: "tag",
};

function docWith(schemas: Record<string, Json>, openapi = "3.0.3"): Record<string, Json> {
  return { openapi, info: { title: "t", version: "1" }, paths: {}, components: { schemas } };
}

describe("schema conversion and samples", () => {
  const schemas: Record<string, Json> = {
    Pet: {
      type: "object",
      required: ["id", "kind", "owner", "tags", "born"],
      properties: {
        id: { type: "integer", format: "int64", minimum: 1 },
        kind: { type: "string", enum: ["cat", "dog"], nullable: true },
        owner: { $ref: "#/components/schemas/Person" },
        tags: { type: "array", minItems: 2, items: { type: "string", pattern: "^[a-z]{3}-\\d{2}$" } },
        born: { type: "string", format: "date-time" },
        weight: { type: "number", minimum: 0, exclusiveMinimum: true },
      },
    },
    Person: {
      type: "object",
      required: ["name", "friends"],
      properties: {
        name: { type: "string", minLength: 3, maxLength: 5 },
        email: { type: "string", format: "email" },
        friends: { type: "array", items: { $ref: "#/components/schemas/Person" } },
        parent: { allOf: [{ $ref: "#/components/schemas/Person" }], nullable: true },
      },
    },
    Shape: {
      oneOf: [
        { type: "object", required: ["radius"], properties: { radius: { type: "number", exclusiveMinimum: 0 } }, additionalProperties: false },
        { type: "object", required: ["side"], properties: { side: { type: "number" } }, additionalProperties: false },
      ],
    },
    Merged: { allOf: [{ $ref: "#/components/schemas/Person" }, { type: "object", required: ["age"], properties: { age: { type: "integer", multipleOf: 5, minimum: 3 } } }] },
  };
  const doc = docWith(schemas);
  const validator = new Validator(doc as never);

  it.each(Object.keys(schemas))("a generated %s validates against its schema", (name) => {
    const ref = { $ref: `#/components/schemas/${name}` };
    const sample = sampleOf(doc, ref);
    const check = validator.responseValidator(`rules:${name}`, ref);
    expect(check(sample), JSON.stringify({ sample, errors: check.errors })).toBe(true);
  });

  it.each<[string, { given: unknown; want: boolean }]>([
    ["3.0 nullable enum accepts null", { given: { kind: null }, want: true }],
    ["3.0 nullable enum still refuses other values", { given: { kind: "cow" }, want: false }],
    ["3.0 boolean exclusiveMinimum refuses the bound", { given: { weight: 0 }, want: false }],
    ["3.0 boolean exclusiveMinimum accepts above it", { given: { weight: 0.5 }, want: true }],
    ["a pattern is enforced", { given: { tags: ["abc-1"] }, want: false }],
    ["a format is enforced", { given: { born: "yesterday" }, want: false }],
    ["int64 is an integer", { given: { id: 1.5 }, want: false }],
  ])("%s", (_name, { given, want }) => {
    const ref = { $ref: "#/components/schemas/Pet" };
    const base = sampleOf(doc, ref) as Record<string, unknown>;
    const check = validator.responseValidator("rules:Pet", ref);
    expect(check({ ...base, ...(given as object) })).toBe(want);
  });

  it("3.1 type arrays are read as JSON Schema", () => {
    const doc31 = docWith({ N: { type: ["string", "null"], enum: ["a", null] } }, "3.1.0");
    const v = new Validator(doc31 as never);
    const check = v.responseValidator("n", { $ref: "#/components/schemas/N" });
    expect([check(null), check("a"), check("b")]).toEqual([true, true, false]);
  });
});

describe("bracketed keys (Stripe forms and deepObject queries)", () => {
  it.each<[string, { given: [string, string][]; want: unknown }]>([
    ["flat", { given: [["a", "1"], ["b", "2"]], want: { a: "1", b: "2" } }],
    ["nested", { given: [["metadata[order]", "42"], ["metadata[ref]", "x"]], want: { metadata: { order: "42", ref: "x" } } }],
    ["indexed arrays", { given: [["items[0][price]", "p1"], ["items[1][price]", "p2"]], want: { items: [{ price: "p1" }, { price: "p2" }] } }],
    ["empty brackets append", { given: [["expand[]", "a"], ["expand[]", "b"]], want: { expand: ["a", "b"] } }],
    ["repeated plain keys", { given: [["t", "1"], ["t", "2"]], want: { t: ["1", "2"] } }],
  ])("%s", (_name, { given, want }) => {
    expect(parseBracketed(given)).toEqual(want);
  });
});

describe("bodies and headers on a small document", () => {
  let s: Standin;
  beforeAll(async () => {
    s = await startStandin({
      provider,
      credential: TOKEN,
      document: {
        openapi: "3.0.3",
        info: { title: "t", version: "1" },
        paths: {
          "/files": {
            post: {
              operationId: "files/upload",
              requestBody: {
                required: true,
                content: {
                  "multipart/form-data": {
                    schema: {
                      type: "object",
                      required: ["file", "purpose"],
                      properties: { file: { type: "string", format: "binary" }, purpose: { type: "string", enum: ["avatar", "doc"] } },
                    },
                  },
                },
              },
              responses: { "201": { description: "ok", content: { "application/json": { schema: { type: "object", required: ["id"], properties: { id: { type: "string" } } }, example: { id: "f_1" } } } } },
            },
          },
          "/things/{id}": {
            parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
            get: { operationId: "things/get", responses: { "204": { description: "none" } } },
          },
        },
      },
    });
  });
  afterAll(() => s.close());

  async function upload(form: FormData) {
    const res = await request(`${s.url}/files`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: form });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  }

  it("serves a conforming multipart upload with the document's example", async () => {
    const form = new FormData();
    form.set("purpose", "avatar");
    form.set("file", new Blob([Buffer.from([1, 2, 3])]), "a.bin");
    expect(await upload(form)).toEqual({ status: 201, body: { id: "f_1" } });
  });

  it.each([
    ["a missing part", { purpose: "avatar" }, "/body/file"],
    ["a part outside its enum", { purpose: "selfie", file: "x" }, "/body/purpose"],
  ])("refuses %s", async (_name, parts, pointer) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(parts)) form.set(k, v);
    const res = await upload(form);
    expect(res.status).toBe(400);
    expect((res.body.problems as { pointer: string }[]).map((p) => p.pointer)).toContain(pointer);
  });

  it("checks path parameters and answers an empty 204", async () => {
    const bad = await request(`${s.url}/things/abc`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bad.statusCode).toBe(400);
    expect(((await bad.body.json()) as { problems: { pointer: string }[] }).problems[0]!.pointer).toBe("/path/id");
    const ok = await request(`${s.url}/things/12`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(204);
    expect(await ok.body.text()).toBe("");
  });
});

describe("catalog default headers (Notion-Version)", () => {
  let s: Standin;
  beforeAll(async () => {
    s = await startProviderStandin("notion", { credential: TOKEN });
  });
  afterAll(() => s.close());

  it.each([
    ["missing", {}, 400],
    ["wrong", { "notion-version": "2021-01-01" }, 400],
    ["as the catalog says", { "notion-version": "2022-06-28" }, 200],
  ] as const)("%s", async (_name, extra, status) => {
    const res = await request(`${s.url}/v1/users/u1`, { headers: { authorization: `Bearer ${TOKEN}`, ...extra } });
    const body = (await res.body.json()) as { problems?: { pointer: string }[] };
    expect(res.statusCode).toBe(status);
    if (status === 400) expect(body.problems!.map((p) => p.pointer)).toEqual(["/header/notion-version"]);
  });
});

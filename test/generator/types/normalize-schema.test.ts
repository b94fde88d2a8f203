import { describe, expect, it } from "vitest";
import { SpecError } from "../../../generator/errors.js";
import { componentNameFromRef, normalizeSchema, type NormalizeContext } from "../../../generator/model/normalize-schema.js";
import type { SchemaNode } from "../../../generator/model/schema.js";

const ctx30: NormalizeContext = { version: "3.0", file: "spec.yaml", pointer: "/components/schemas/S" };
const ctx31: NormalizeContext = { ...ctx30, version: "3.1" };

const ref = (name: string, extra: Partial<SchemaNode> = {}) => expect.objectContaining({ kind: "ref", name, ...extra });
const str: SchemaNode = { kind: "primitive", type: "string" };

const cases: [string, { given: unknown; version?: "3.0" | "3.1"; want: unknown }][] = [
  ["empty schema is unknown", { given: {}, want: { kind: "unknown" } }],
  ["true is unknown, false is never", { given: [true, false], want: [{ kind: "unknown" }, { kind: "never" }] }],
  ["integer stays integer (printed as number)", { given: { type: "integer", format: "int64" }, want: { kind: "primitive", type: "integer", format: "int64" } }],
  ["3.0 nullable string", { given: { type: "string", nullable: true }, want: { kind: "primitive", type: "string", nullable: true } }],
  ["3.1 type array with null", { given: { type: ["string", "null"] }, version: "3.1", want: { kind: "primitive", type: "string", nullable: true } }],
  [
    "3.1 type array with two types is a union",
    { given: { type: ["integer", "string"] }, version: "3.1", want: { kind: "union", exclusive: false, variants: [{ kind: "primitive", type: "integer" }, str] } },
  ],
  ["type null alone", { given: { type: "null" }, version: "3.1", want: { kind: "primitive", type: "null" } }],
  ["nullable enum: null folded into nullable", { given: { type: "string", enum: ["a", "b", null] }, want: { kind: "enum", values: ["a", "b"], nullable: true } }],
  ["enum duplicates dropped", { given: { enum: ["a", "a", 1] }, want: { kind: "enum", values: ["a", 1] } }],
  ["enum of only null is null", { given: { enum: [null] }, want: { kind: "primitive", type: "null" } }],
  ["const", { given: { const: "x" }, version: "3.1", want: { kind: "const", value: "x" } }],
  ["local ref", { given: { $ref: "#/components/schemas/Pet" }, want: ref("Pet", { pointer: "/components/schemas/S/$ref" }) }],
  ["ref name is pointer-decoded", { given: { $ref: "#/components/schemas/a~1b%20c" }, want: ref("a/b c") }],
  ["3.0 nullable ref through allOf", { given: { nullable: true, allOf: [{ $ref: "#/components/schemas/Pet" }] }, want: ref("Pet", { nullable: true }) }],
  [
    "3.1 nullable ref through anyOf with null",
    { given: { anyOf: [{ $ref: "#/components/schemas/Pet" }, { type: "null" }] }, version: "3.1", want: ref("Pet", { nullable: true }) },
  ],
  [
    "3.0 $ref siblings keep annotations only",
    { given: { $ref: "#/components/schemas/Pet", description: "the pet", readOnly: true, type: "string" }, want: ref("Pet", { description: "the pet", readOnly: true }) },
  ],
  [
    "3.1 $ref with constraining siblings is an intersection",
    {
      given: { $ref: "#/components/schemas/Pet", required: ["a"], properties: { a: { type: "string" } } },
      version: "3.1",
      want: { kind: "intersection", parts: [ref("Pet"), { kind: "object", properties: [{ name: "a", required: true, schema: str }] }] },
    },
  ],
  [
    "object inferred from properties; required flags",
    {
      given: { required: ["a"], properties: { a: { type: "string" }, b: { type: "boolean" } } },
      want: { kind: "object", properties: [{ name: "a", required: true, schema: str }, { name: "b", required: false, schema: { kind: "primitive", type: "boolean" } }] },
    },
  ],
  ["additionalProperties true is unconstrained", { given: { type: "object", additionalProperties: true }, want: { kind: "object", properties: [] } }],
  ["additionalProperties {} is unconstrained", { given: { type: "object", additionalProperties: {} }, want: { kind: "object", properties: [] } }],
  ["additionalProperties false is never", { given: { type: "object", additionalProperties: false }, want: { kind: "object", properties: [], additional: { kind: "never" } } }],
  ["additionalProperties schema", { given: { type: "object", additionalProperties: { type: "string" } }, want: { kind: "object", properties: [], additional: str } }],
  [
    "patternProperties join additional values",
    {
      given: { type: "object", patternProperties: { "^a": { type: "string" }, "^b": { type: "number" } } },
      version: "3.1",
      want: { kind: "object", properties: [], additional: { kind: "union", exclusive: false, variants: [str, { kind: "primitive", type: "number" }] } },
    },
  ],
  ["array inferred from items", { given: { items: { type: "string" } }, want: { kind: "array", items: str } }],
  ["array without items", { given: { type: "array" }, want: { kind: "array", items: { kind: "unknown" } } }],
  [
    "prefixItems with items false is a closed tuple",
    { given: { type: "array", prefixItems: [{ type: "string" }], items: false }, version: "3.1", want: { kind: "array", prefixItems: [str], items: { kind: "never" } } },
  ],
  [
    "allOf of inline objects merges",
    {
      given: { allOf: [{ type: "object", required: ["a"], properties: { a: { type: "string" } } }, { properties: { b: { type: "string" } } }] },
      want: { kind: "object", properties: [{ name: "a", required: true, schema: str }, { name: "b", required: false, schema: str }] },
    },
  ],
  [
    "allOf keeps refs and merges the rest",
    {
      given: { allOf: [{ $ref: "#/components/schemas/A" }, { properties: { x: { type: "string" } } }, { properties: { y: { type: "string" } } }] },
      want: {
        kind: "intersection",
        parts: [ref("A"), { kind: "object", properties: [{ name: "x", required: false, schema: str }, { name: "y", required: false, schema: str }] }],
      },
    },
  ],
  ["allOf with a bare type object drops it", { given: { type: "object", allOf: [{ $ref: "#/components/schemas/A" }] }, want: ref("A") }],
  [
    "oneOf is an exclusive union",
    { given: { oneOf: [{ $ref: "#/components/schemas/A" }, { type: "string" }] }, want: { kind: "union", exclusive: true, variants: [ref("A"), str] } },
  ],
  [
    "discriminator mapping accepts refs and bare names",
    {
      given: { oneOf: [{ $ref: "#/components/schemas/A" }, { $ref: "#/components/schemas/B" }], discriminator: { propertyName: "kind", mapping: { a: "#/components/schemas/A", b: "B" } } },
      want: expect.objectContaining({ kind: "union", discriminator: { propertyName: "kind", mapping: [["a", "A"], ["b", "B"]] } }),
    },
  ],
  ["not is best-effort unknown", { given: { not: { type: "string" } }, version: "3.1", want: { kind: "unknown" } }],
  [
    "if/then/else keeps the base schema",
    { given: { type: "object", properties: { a: { type: "string" } }, if: { required: ["a"] }, then: {}, else: {} }, version: "3.1", want: { kind: "object", properties: [{ name: "a", required: false, schema: str }] } },
  ],
  ["Swagger's type file is a binary string", { given: { type: "file" }, want: { kind: "primitive", type: "string", format: "binary" } }],
  [
    "annotations are kept",
    {
      given: { type: "string", description: "d", deprecated: true, format: "date-time", default: "now", readOnly: true },
      want: { kind: "primitive", type: "string", description: "d", deprecated: true, format: "date-time", default: "now", readOnly: true },
    },
  ],
  ["unknown keywords are ignored", { given: { type: "string", "x-vendor": 1, example: "x" }, want: str }],
];

describe("normalizeSchema", () => {
  it.each(cases)("%s", (_name, { given, version, want }) => {
    const ctx = version === "3.1" ? ctx31 : ctx30;
    const got = Array.isArray(given) && !("$ref" in (given as object)) && typeof given[0] === "boolean" ? given.map((g) => normalizeSchema(g, ctx)) : normalizeSchema(given, ctx);
    expect(got).toEqual(want);
  });
});

const errors: [string, { given: unknown; want: { message: RegExp; pointer: string } }][] = [
  ["a string is not a schema", { given: "string", want: { message: /expected a schema object/, pointer: "/components/schemas/S" } }],
  ["an external ref", { given: { $ref: "other.yaml#/Pet" }, want: { message: /Unsupported \$ref "other\.yaml#\/Pet"/, pointer: "/components/schemas/S/$ref" } }],
  [
    "a ref to a non-schema component",
    { given: { properties: { a: { $ref: "#/components/responses/X" } } }, want: { message: /only whole component schemas/, pointer: "/components/schemas/S/properties/a/$ref" } },
  ],
  ["a ref into a schema", { given: { $ref: "#/components/schemas/Pet/properties/id" }, want: { message: /Unsupported \$ref/, pointer: "/components/schemas/S/$ref" } }],
  ["a non-string ref", { given: { $ref: 3 }, want: { message: /Invalid \$ref/, pointer: "/components/schemas/S/$ref" } }],
  ["an unknown type", { given: { type: "strnig" }, want: { message: /Invalid type "strnig"/, pointer: "/components/schemas/S/type" } }],
  ["properties not an object", { given: { type: "object", properties: [] }, want: { message: /Invalid properties/, pointer: "/components/schemas/S/properties" } }],
  ["allOf not an array", { given: { allOf: { $ref: "#/components/schemas/A" } }, want: { message: /expected an array/, pointer: "/components/schemas/S/allOf" } }],
  [
    "a bad nested schema names its pointer (escaped)",
    { given: { properties: { "a/b": { items: 7 } } }, want: { message: /expected a schema object/, pointer: "/components/schemas/S/properties/a~1b/items" } },
  ],
  ["required entries must be names", { given: { type: "object", required: [1] }, want: { message: /Invalid required entry/, pointer: "/components/schemas/S/required/0" } }],
  ["discriminator without propertyName", { given: { oneOf: [], discriminator: {} }, want: { message: /propertyName/, pointer: "/components/schemas/S/discriminator/propertyName" } }],
  [
    "discriminator mapping to something else",
    { given: { oneOf: [], discriminator: { propertyName: "k", mapping: { a: "#/definitions/A" } } }, want: { message: /Unsupported discriminator mapping/, pointer: "/components/schemas/S/discriminator/mapping/a" } },
  ],
];

describe("normalizeSchema errors", () => {
  it.each(errors)("%s", (_name, { given, want }) => {
    let caught: unknown;
    try {
      normalizeSchema(given, ctx30);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SpecError);
    const error = caught as SpecError;
    expect(error.message).toMatch(want.message);
    expect(error.location).toEqual({ file: "spec.yaml", pointer: want.pointer });
    expect(error.describe()).toContain(`file spec.yaml, at ${want.pointer}`);
  });
});

describe("componentNameFromRef", () => {
  it.each([
    ["#/components/schemas/Pet", "Pet"],
    ["#/components/schemas/a~0b", "a~b"],
    ["#/components/parameters/Pet", undefined],
    ["#/components/schemas/", undefined],
  ] as const)("%s → %s", (given, want) => {
    expect(componentNameFromRef(given)).toBe(want);
  });
});

describe("local refs below component level", () => {
  const document = {
    components: {
      schemas: {
        A: { type: "object", properties: { b: { type: "string", description: "B." }, self: { $ref: "#/components/schemas/A/properties/self" } } },
      },
    },
  };
  const ctx = { ...ctx30, document };

  it("inlines a ref into a component's property when the document is given", () => {
    expect(normalizeSchema({ $ref: "#/components/schemas/A/properties/b" }, ctx)).toEqual({ kind: "primitive", type: "string", description: "B." });
  });

  it("stops a nested ref that leads back to itself", () => {
    expect(normalizeSchema({ $ref: "#/components/schemas/A/properties/self" }, ctx)).toEqual({ kind: "unknown" });
  });

  it("names a nested ref that does not resolve", () => {
    expect(() => normalizeSchema({ properties: { x: { $ref: "#/components/schemas/A/properties/nope" } } }, ctx)).toThrow(
      expect.objectContaining({ message: expect.stringContaining("does not resolve"), location: { file: "spec.yaml", pointer: "/components/schemas/S/properties/x/$ref" } }),
    );
  });
});

describe("refs to components marked readOnly or writeOnly as a whole", () => {
  const document = { components: { schemas: { AlertNumber: { type: "integer", readOnly: true }, Secret: { type: "string", writeOnly: true }, Plain: { type: "string" } } } };
  it.each([
    ["AlertNumber", { readOnly: true }],
    ["Secret", { writeOnly: true }],
    ["Plain", {}],
  ] as const)("%s", (name, want) => {
    const node = normalizeSchema({ $ref: `#/components/schemas/${name}` }, { ...ctx30, document });
    expect(node).toEqual({ kind: "ref", name, pointer: "/components/schemas/S/$ref", ...want });
  });
});

describe("enum vendor extensions", () => {
  it("aligns x-enum-varnames and x-enum-descriptions with the values, skipping null", () => {
    const node = normalizeSchema({ enum: ["a", null, "b"], "x-enum-varnames": ["Alpha", "None", "Beta"], "x-enum-descriptions": ["first", "", "second"] }, ctx30);
    expect(node).toEqual({ kind: "enum", values: ["a", "b"], nullable: true, names: ["Alpha", "Beta"], valueDescriptions: ["first", "second"] });
  });

  it("ignores extensions that do not line up", () => {
    const node = normalizeSchema({ enum: ["a", "b"], "x-enum-varnames": ["Alpha"], "x-enum-descriptions": "nope" }, ctx30);
    expect(node).toEqual({ kind: "enum", values: ["a", "b"] });
  });
});

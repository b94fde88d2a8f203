import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { printType, type TypePrintOptions } from "../../../generator/emit/types/index.js";
import { normalizeSchema } from "../../../generator/model/normalize-schema.js";

type Direction = "request" | "response";

// Refs print as the component name, with `Input` for the request shape of `Pet`, as the
// declarations module would name them.
const refName = (name: string, direction: Direction) => (direction === "request" && name === "Pet" ? "PetInput" : name);

function print(given: unknown, direction: Direction, version: "3.0" | "3.1" = "3.1", extra: Partial<TypePrintOptions> = {}): string {
  const node = normalizeSchema(given, { version, file: "t.yaml", pointer: "/x" });
  return printType(node, { direction, refName, ...extra });
}

const pet = { $ref: "#/components/schemas/Pet" };
const longEnum = ["alpha-value", "bravo-value", "charlie-value", "delta-value", "echo-value", "foxtrot"];

const cases: [string, { given: unknown; direction?: Direction; version?: "3.0" | "3.1"; want: string }][] = [
  ["string", { given: { type: "string" }, want: "string" }],
  ["integer is number", { given: { type: "integer" }, want: "number" }],
  ["int64 is number", { given: { type: "integer", format: "int64" }, want: "number" }],
  ["date-time stays string", { given: { type: "string", format: "date-time" }, want: "string" }],
  ["3.0 nullable", { given: { type: "string", nullable: true }, version: "3.0", want: "string | null" }],
  ["3.1 type array", { given: { type: ["boolean", "null"] }, want: "boolean | null" }],
  ["response enum is open", { given: { enum: ["a", "b"] }, want: '"a" | "b" | (string & {})' }],
  ["request enum is closed", { given: { enum: ["a", "b"] }, direction: "request", want: '"a" | "b"' }],
  ["numeric response enum is open with number", { given: { enum: [1, 2] }, want: "1 | 2 | (number & {})" }],
  ["single-value enum stays closed", { given: { enum: ["only"] }, want: '"only"' }],
  ["nullable enum", { given: { type: ["string", "null"], enum: ["a", "b", null] }, direction: "request", want: '"a" | "b" | null' }],
  ["const", { given: { const: 3 }, want: "3" }],
  ["binary in a request", { given: { type: "string", format: "binary" }, direction: "request", want: "BlobLike | Uint8Array" }],
  ["binary in a response", { given: { type: "string", format: "binary" }, want: "Uint8Array" }],
  ["ref uses the direction's name", { given: pet, direction: "request", want: "PetInput" }],
  ["nullable ref (3.1)", { given: { anyOf: [pet, { type: "null" }] }, want: "Pet | null" }],
  ["nullable ref (3.0)", { given: { nullable: true, allOf: [pet] }, version: "3.0", want: "Pet | null" }],
  ["array of a union gets parentheses", { given: { type: "array", items: { type: ["string", "number"] } }, want: "(string | number)[]" }],
  ["intersection inside a union gets parentheses", { given: { oneOf: [{ allOf: [pet, { $ref: "#/components/schemas/B" }] }, { type: "string" }] }, want: "(Pet & B) | string" }],
  ["empty schema", { given: {}, want: "unknown" }],
  ["bare object", { given: { type: "object" }, want: "Record<string, unknown>" }],
  ["map of strings", { given: { type: "object", additionalProperties: { type: "string" } }, want: "Record<string, string>" }],
  ["map of refs uses an index signature", { given: { type: "object", additionalProperties: pet }, want: "{\n  [key: string]: Pet;\n}" }],
  ["additionalProperties false without properties", { given: { type: "object", additionalProperties: false }, want: "Record<string, never>" }],
  ["object with properties has no index signature", { given: { type: "object", required: ["a"], properties: { a: { type: "string" } }, additionalProperties: true }, want: "{\n  a: string;\n}" }],
  [
    "object with properties and an additionalProperties schema",
    { given: { type: "object", properties: { a: { type: "string" } }, additionalProperties: { type: "number" } }, want: "{\n  a?: string;\n  [key: string]: number | string | undefined;\n}" },
  ],
  [
    "readOnly is dropped from requests",
    { given: { type: "object", properties: { id: { type: "integer", readOnly: true }, name: { type: "string" } } }, direction: "request", want: "{\n  name?: string;\n}" },
  ],
  [
    "writeOnly is dropped from responses",
    { given: { type: "object", properties: { password: { type: "string", writeOnly: true }, name: { type: "string" } } }, want: "{\n  name?: string;\n}" },
  ],
  [
    "non-identifier keys are quoted",
    { given: { type: "object", required: ["content-type"], properties: { "content-type": { type: "string" }, ok_1: { type: "string" } } }, want: '{\n  "content-type": string;\n  ok_1?: string;\n}' },
  ],
  [
    "JSDoc from description, deprecated, format and default",
    {
      given: { type: "object", properties: { n: { type: "integer", format: "int64", description: "Count.", deprecated: true, default: 1 } } },
      want: "{\n  /**\n   * Count.\n   * @deprecated\n   * @format int64: a JSON number in JavaScript; values beyond 2^53 lose precision\n   * @default 1\n   */\n  n?: number;\n}",
    },
  ],
  ["tuple", { given: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }], items: false }, want: "[string, number]" }],
  ["tuple with rest", { given: { type: "array", prefixItems: [{ type: "string" }], items: { type: "number" } }, want: "[string, ...number[]]" }],
  ["items false alone", { given: { type: "array", items: false }, want: "[]" }],
  [
    "a long union breaks one member per line",
    { given: { enum: longEnum }, direction: "request", want: '\n  | "alpha-value"\n  | "bravo-value"\n  | "charlie-value"\n  | "delta-value"\n  | "echo-value"\n  | "foxtrot"' },
  ],
  [
    "discriminated union narrows each variant",
    {
      given: { oneOf: [pet, { $ref: "#/components/schemas/Dog" }], discriminator: { propertyName: "kind", mapping: { cat: "#/components/schemas/Pet" } } },
      want: '\n  | (Pet & {\n      kind: "cat";\n    })\n  | (Dog & {\n      kind: "Dog";\n    })',
    },
  ],
];

describe("printType", () => {
  it.each(cases)("%s", (_name, { given, direction = "response", version = "3.1", want }) => {
    expect(print(given, direction, version)).toBe(want);
  });

  it.each(cases)("prettier leaves it unchanged as a property type: %s", async (_name, { given, direction = "response", version = "3.1" }) => {
    const type = print(given, direction, version, { indent: "  ", startColumn: "  value: ".length, trailing: ";" });
    // A type that breaks right after the colon starts with the line break.
    const code = `export interface Holder {\n  value:${type.startsWith("\n") ? "" : " "}${type};\n}\n`;
    expect(await prettier.format(code, { parser: "typescript" })).toBe(code);
  });

  it("breaks according to the start column and trailing text", async () => {
    const given = { enum: ["aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dddddddddd"] };
    const short = print(given, "request", "3.1", { indent: "  ", startColumn: 2 + "x: ".length, trailing: ";" });
    expect(short).not.toContain("\n");
    const key = "a_rather_long_property_name_that_pushes_the_type";
    const long = print(given, "request", "3.1", { indent: "  ", startColumn: 2 + key.length + 2, trailing: ";" });
    expect(long).toContain("\n");
    expect(long.startsWith("\n")).toBe(true);
    const code = `export interface Holder {\n  ${key}:${long};\n}\n`;
    expect(await prettier.format(code, { parser: "typescript" })).toBe(code);
  });

  it("is deterministic", () => {
    const given = { oneOf: [pet, { type: "object", properties: { b: { enum: longEnum } } }] };
    expect(print(given, "response")).toBe(print(structuredClone(given), "response"));
  });
});

describe("printType across directions", () => {
  it("drops an allOf part whose properties all belong to the other direction", () => {
    const given = { allOf: [pet, { type: "object", properties: { id: { type: "integer", readOnly: true } } }] };
    expect(print(given, "request")).toBe("PetInput");
    expect(print(given, "response")).toBe("Pet & {\n  id?: number;\n}");
  });
});

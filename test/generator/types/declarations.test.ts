import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { SpecError } from "../../../generator/errors.js";
import { printComponentDeclarations, printEnumConst, printEnumConsts, printType } from "../../../generator/emit/types/index.js";
import { normalizeSchema } from "../../../generator/model/normalize-schema.js";
import type { SchemaNode } from "../../../generator/model/schema.js";

function schemas(raw: Record<string, unknown>, version: "3.0" | "3.1" = "3.1"): Map<string, SchemaNode> {
  return new Map(Object.entries(raw).map(([name, s]) => [name, normalizeSchema(s, { version, file: "doc.yaml", pointer: `/components/schemas/${name}` })]));
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const user = { type: "object", properties: { id: { type: "integer", readOnly: true }, name: { type: "string" } } };
const plain = { type: "object", properties: { label: { type: "string" } } };

const declared = (code: string) => [...code.matchAll(/^export (?:interface|type|declare const) (\w+)/gm)].map((m) => m[1]);

const cases: [string, { given: Record<string, unknown>; requestSchemas?: string[]; want: { declared: string[]; request: Record<string, string> } }][] = [
  [
    "a schema that does not differ is declared once",
    { given: { Plain: plain }, want: { declared: ["Plain"], request: { Plain: "Plain" } } },
  ],
  [
    "readOnly makes an Input variant",
    { given: { User: user }, want: { declared: ["User", "UserInput"], request: { User: "UserInput" } } },
  ],
  [
    "differences propagate through refs",
    { given: { Team: { type: "object", properties: { lead: ref("User") } }, User: user, Plain: plain }, want: { declared: ["Plain", "Team", "TeamInput", "User", "UserInput"], request: { Team: "TeamInput", Plain: "Plain" } } },
  ],
  [
    "requestSchemas limits Input variants to what requests use",
    { given: { Team: { type: "object", properties: { lead: ref("User") } }, User: user }, requestSchemas: ["User"], want: { declared: ["Team", "User", "UserInput"], request: { Team: "Team", User: "UserInput" } } },
  ],
  [
    "an Input name that is taken gets a number",
    { given: { User: user, UserInput: plain }, want: { declared: ["User", "UserInput2", "UserInput"], request: { User: "UserInput2", UserInput: "UserInput" } } },
  ],
  [
    "names are sorted by schema name, whatever the document order",
    { given: { zeta: plain, Alpha: plain, "mid-name": plain }, want: { declared: ["Alpha", "MidName", "Zeta"], request: { zeta: "Zeta" } } },
  ],
  [
    "enum value objects follow the type declarations",
    { given: { Status: { enum: ["a", "b"] } }, requestSchemas: ["Status"], want: { declared: ["Status", "StatusInput", "Status"], request: { Status: "StatusInput" } } },
  ],
];

describe("printComponentDeclarations", () => {
  it.each(cases)("%s", (_name, { given, requestSchemas, want }) => {
    const out = printComponentDeclarations(schemas(given), requestSchemas ? { requestSchemas } : {});
    expect(declared(out.code)).toEqual(want.declared);
    for (const [schema, name] of Object.entries(want.request)) expect(out.refName(schema, "request")).toBe(name);
  });

  it("writes the enum values to the .js text", () => {
    const out = printComponentDeclarations(schemas({ Status: { enum: ["in-progress", "done"] } }));
    expect(out.enums.js).toBe('export const Status = {\n  InProgress: "in-progress",\n  Done: "done",\n};\n');
    expect(out.code).toContain('export declare const Status: {\n  readonly InProgress: "in-progress";\n  readonly Done: "done";\n};\n');
  });

  // Prettier breaks after `=` once `export const Name = {` passes 80 columns (Microsoft Graph's
  // long enum names); the .js and .ts texts must be what prettier prints, either side of the edge.
  it.each([
    ["a name that fits", "S".repeat(62)],
    ["a name one column too long", "S".repeat(63)],
    ["Graph's name", "MicrosoftGraphAccessPackageAssignmentRequestFilterByCurrentUserOptions"],
  ])("prints an enum object as prettier does: %s", async (_what, name) => {
    const out = printComponentDeclarations(schemas({ [name]: { enum: ["target", "createdBy", "unknownFutureValue"] } }));
    expect(await prettier.format(out.enums.js, { parser: "babel" })).toBe(out.enums.js);
    expect(out.enums.js.startsWith(`export const ${name} =${`export const ${name} = {`.length > 80 ? "\n  {" : " {"}`)).toBe(true);
  });

  it("does not depend on the order of the input map", () => {
    const raw = { B: { type: "object", properties: { a: ref("A") } }, A: user, C: { oneOf: [ref("A"), ref("B")] } };
    const forward = printComponentDeclarations(schemas(raw));
    const backward = printComponentDeclarations(new Map([...schemas(raw)].reverse()));
    expect(backward.code).toBe(forward.code);
  });

  it("names a $ref to a missing schema with its pointer", () => {
    let caught: unknown;
    try {
      printComponentDeclarations(schemas({ A: { type: "object", properties: { b: ref("Missing") } } }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SpecError);
    expect((caught as SpecError).message).toContain('"Missing"');
    expect((caught as SpecError).location.pointer).toBe("/components/schemas/A/properties/b/$ref");
  });

  it("refName rejects unknown schemas", () => {
    const out = printComponentDeclarations(schemas({ A: plain }));
    expect(() => out.refName("Nope", "response")).toThrow(SpecError);
  });

  it("breaks alias cycles that only go through unions", () => {
    const out = printComponentDeclarations(schemas({ A: { anyOf: [ref("B"), { type: "string" }] }, B: { anyOf: [ref("A"), { type: "number" }] } }));
    // Each alias may name the other only once around the cycle.
    const a = out.code.match(/export type A =([^;]*);/)![1]!;
    const b = out.code.match(/export type B =([^;]*);/)![1]!;
    expect(a.includes("B") && b.includes("A")).toBe(false);
  });

  it("keeps allOf-only discriminator subtypes pinned while the base lists them", () => {
    const out = printComponentDeclarations(
      schemas({
        Base: { type: "object", required: ["t"], properties: { t: { type: "string" } }, oneOf: [ref("One")], discriminator: { propertyName: "t" } },
        One: { allOf: [ref("Base"), { type: "object", properties: { x: { type: "string" } } }] },
      }),
    );
    expect(out.code).toContain('export type One = {\n  t: string;\n} & {\n  x?: string;\n  t: "One";\n};');
    expect(out.code).toContain("} & One;");
  });

  it("lets inline types skip narrowing variants their declarations already pin", () => {
    const raw = {
      Base: { type: "object", required: ["t"], properties: { t: { type: "string" } }, discriminator: { propertyName: "t" } },
      One: { allOf: [ref("Base")] },
      Two: { type: "object", required: ["t"], properties: { t: { type: "string" } } },
    };
    const out = printComponentDeclarations(schemas(raw));
    const inline = normalizeSchema({ oneOf: [ref("One"), ref("Two")], discriminator: { propertyName: "t" } }, { version: "3.1", file: "doc.yaml", pointer: "/x" });
    const printed = printType(inline, { direction: "response", refName: out.refName, pinnedValues: out.pinnedValues });
    expect(printed).toBe('\n  | One\n  | (Two & {\n      t: "Two";\n    })');
    expect(out.pinnedValues("One", "t")).toEqual(["One"]);
    expect(out.pinnedValues("Two", "t")).toBeUndefined();
  });

  it("does not narrow an array variant by the discriminator's property (GitHub maps \"array\" to its directory listing)", () => {
    const raw = {
      Listing: { type: "array", items: { type: "object", properties: { name: { type: "string" } } } },
      File: { type: "object", required: ["type"], properties: { type: { type: "string" } } },
    };
    const out = printComponentDeclarations(schemas(raw));
    const inline = normalizeSchema({ oneOf: [ref("Listing"), ref("File")], discriminator: { propertyName: "type", mapping: { array: "#/components/schemas/Listing", file: "#/components/schemas/File" } } }, { version: "3.1", file: "doc.yaml", pointer: "/x" });
    const printed = printType(inline, { direction: "response", refName: out.refName, holdsProperties: out.holdsProperties });
    expect(printed).toBe('\n  | Listing\n  | (FileSchema & {\n      type: "file";\n    })');
    expect([out.holdsProperties("Listing"), out.holdsProperties("File")]).toEqual([false, true]);
  });

  it("prints one enum's value object, and all of a document's", () => {
    expect(printEnumConst("Level", [1, 2])).toEqual({
      dts: "export declare const Level: {\n  readonly _1: 1;\n  readonly _2: 2;\n};\n",
      js: "export const Level = {\n  _1: 1,\n  _2: 2,\n};\n",
      ts: "export const Level = {\n  _1: 1,\n  _2: 2,\n} as const;\n",
    });
    const all = printEnumConsts(schemas({ b: { enum: ["x"] }, A: { enum: ["y"] }, C: plain }));
    expect(declared(all.dts)).toEqual(["A", "B"]);
    expect(all.js).toBe('export const A = {\n  Y: "y",\n};\n\nexport const B = {\n  X: "x",\n};\n');
    expect(all.ts).toBe('export const A = {\n  Y: "y",\n} as const;\n\nexport const B = {\n  X: "x",\n} as const;\n');
  });
});

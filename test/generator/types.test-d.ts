// Type-level checks on the golden declarations (test/fixtures/schemas/*/schemas.d.ts): what
// users can and cannot write against the generated types.
import { describe, expectTypeOf, it } from "vitest";
import type * as Additional from "../fixtures/schemas/additional-properties/schemas.js";
import type * as Disc from "../fixtures/schemas/discriminator/schemas.js";
import type * as Enums from "../fixtures/schemas/enums/schemas.js";
import type * as Formats from "../fixtures/schemas/formats/schemas.js";
import type * as Null30 from "../fixtures/schemas/nullable-30/schemas.js";
import type * as Null31 from "../fixtures/schemas/nullable-31/schemas.js";
import type * as RW from "../fixtures/schemas/read-write-only/schemas.js";
import type * as Rec from "../fixtures/schemas/recursive/schemas.js";

/** The string literals of a (possibly open) string union. */
type KnownLiterals<T> = T extends string ? (string extends T ? never : T) : never;

describe("objects", () => {
  it("rejects unknown properties when additionalProperties is absent, true or false", () => {
    const ok: Additional.Strict = { a: "x" };
    expectTypeOf(ok).toEqualTypeOf<Additional.Strict>();
    // @ts-expect-error a typo is not swallowed by an index signature
    const typo: Additional.Strict = { a: "x", aa: "y" };
    // @ts-expect-error additionalProperties: true does not add an index signature either
    const extra: Additional.ExplicitTrue = { a: "x", b: 1 };
    // @ts-expect-error a required property is required
    const missing: Additional.Strict = {};
    void [typo, extra, missing];
  });

  it("maps and open objects accept any key", () => {
    expectTypeOf<Additional.Labels>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<Additional.EmptyObject>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<Additional.Anything>().toBeUnknown();
    // @ts-expect-error map values keep their type
    const wrong: Additional.Labels = { a: 1 };
    void wrong;
  });

  it("types index signatures on objects with properties", () => {
    const mixed: Additional.Mixed = { id: 1, note: "n", flag: true };
    expectTypeOf(mixed.id).toEqualTypeOf<number>();
    // @ts-expect-error extra values must match additionalProperties (or a declared type)
    const bad: Additional.Mixed = { id: 1, other: {} };
    void bad;
  });
});

describe("nullable", () => {
  it("3.0 nullable enums accept null; requests stay closed", () => {
    const input: Null30.NullablesInput = { name: null, status: null, owner: null, tags: null };
    expectTypeOf(input.status).toEqualTypeOf<"active" | "inactive" | null>();
    // @ts-expect-error request enums are closed
    const other: Null30.NullablesInput = { name: "n", status: "other", owner: null, tags: [] };
    void other;
  });

  it("3.1 type arrays and anyOf null", () => {
    expectTypeOf<Null31.Nullables["name"]>().toEqualTypeOf<string | null>();
    expectTypeOf<Null31.Nullables["owner"]>().toEqualTypeOf<Null31.Owner | null>();
    expectTypeOf<Null31.NullableOwner>().toEqualTypeOf<Null31.Owner | null>();
    expectTypeOf<Null30.NullableOwner>().toEqualTypeOf<Null30.Owner | null>();
  });
});

describe("enums", () => {
  it("response enums are open but keep their known members", () => {
    const future: Enums.Status = "archived-in-2030";
    void future;
    expectTypeOf<KnownLiterals<Enums.Status>>().toEqualTypeOf<"active" | "inactive" | "pending-review">();
    expectTypeOf<"active">().toExtend<Enums.Status>();
  });

  it("request enums are closed", () => {
    expectTypeOf<Enums.StatusInput>().toEqualTypeOf<"active" | "inactive" | "pending-review">();
    // @ts-expect-error an unknown value is rejected in requests
    const bad: Enums.StatusInput = "archived";
    void bad;
  });

  it("value objects carry the literals", () => {
    expectTypeOf<typeof Enums.Status.Active>().toEqualTypeOf<"active">();
    expectTypeOf<typeof Enums.Reaction.Plus1>().toEqualTypeOf<"+1">();
    expectTypeOf<typeof Enums.Priority._2>().toEqualTypeOf<2>();
  });

  it("single-value enums stay closed so unions narrow", () => {
    expectTypeOf<Enums.OnlyValue>().toEqualTypeOf<"singleton">();
    expectTypeOf<Enums.Item["kind"]>().toEqualTypeOf<"item" | undefined>();
  });
});

describe("discriminators", () => {
  it("a oneOf with mapping narrows on the property", () => {
    const handle = (pet: Disc.Pet) => {
      if (pet.petType === "cat") {
        expectTypeOf(pet.meows).toEqualTypeOf<boolean>();
        // @ts-expect-error a cat does not bark
        void pet.barks;
      } else {
        expectTypeOf(pet.petType).toEqualTypeOf<"dog" | "doggo">();
        expectTypeOf(pet.barks).toEqualTypeOf<boolean>();
      }
    };
    void handle;
  });

  it("without mapping the value is the schema name", () => {
    const handle = (shape: Disc.Shape) => (shape.shape === "Circle" ? shape.radius : shape.side);
    expectTypeOf(handle).returns.toEqualTypeOf<number>();
  });

  it("subtypes naming a discriminating base in allOf are pinned", () => {
    expectTypeOf<Disc.Car["kind"]>().toEqualTypeOf<"car">();
    expectTypeOf<Disc.Bike["kind"]>().toEqualTypeOf<"Bike">();
    expectTypeOf<Disc.Car["wheels"]>().toEqualTypeOf<number>();
  });

  it("a base listing its allOf subtypes narrows without circularity", () => {
    const handle = (event: Disc.EventSchema) => {
      if (event.type === "click") return event.x + event.y;
      return event.delta;
    };
    expectTypeOf(handle).returns.toEqualTypeOf<number>();
    expectTypeOf<Disc.Click["at"]>().toEqualTypeOf<string>();
  });
});

describe("readOnly / writeOnly", () => {
  it("requests drop readOnly, responses drop writeOnly", () => {
    const input: RW.UserInput = { name: "n", password: "p" };
    void input;
    // @ts-expect-error id is readOnly: not accepted in requests
    const withId: RW.UserInput = { id: 1, name: "n", password: "p" };
    void withId;
    expectTypeOf<keyof RW.User>().toEqualTypeOf<"id" | "name">();
    expectTypeOf<RW.TeamInput["members"]>().toEqualTypeOf<RW.UserInput[]>();
    expectTypeOf<RW.Team["members"]>().toEqualTypeOf<RW.User[]>();
  });
});

describe("formats", () => {
  it("binary is Blob | Uint8Array in requests and Uint8Array in responses", () => {
    expectTypeOf<Formats.UploadInput["file"]>().toEqualTypeOf<Blob | Uint8Array>();
    expectTypeOf<Formats.Upload["file"]>().toEqualTypeOf<Uint8Array>();
  });

  it("int64 is number and non-identifier keys work", () => {
    expectTypeOf<Formats.Numbers["id"]>().toEqualTypeOf<number>();
    expectTypeOf<Formats.Names["content-type"]>().toEqualTypeOf<string>();
  });
});

describe("recursion", () => {
  it("recursive schemas accept deep values", () => {
    const json: Rec.Json = { a: [1, "two", { b: null }] };
    const tree: Rec.TreeNode = { value: "root", children: [{ value: "leaf", parent: null }] };
    const expr: Rec.Expr = { terms: [{ value: 1 }, { terms: [] }] };
    void [json, tree, expr];
    // @ts-expect-error functions are not JSON
    const bad: Rec.Json = { f: () => 1 };
    void bad;
  });
});

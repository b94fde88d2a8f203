// Type-level tests on a generated client (the golden petstore fixture): required params, body
// types, grant references and response types are enforced by the compiler.
import { describe, expectTypeOf, it } from "vitest";
import type { AlterVault } from "alter-gen/runtime";
import { createPetstoreClient, type PetsListPetsItem, type Schemas } from "../fixtures/golden/petstore-3.0/index.js";
import { createBodiesClient } from "../fixtures/golden/bodies-3.1/index.js";
import { createBodiesClient as createBodiesClientTs, Schemas as BodiesSchemasTs } from "../fixtures/golden/bodies-3.1-ts/index.js";

declare const vault: AlterVault;
const petstore = createPetstoreClient(vault, { reason: "tests" });
const bodies = createBodiesClient(vault);

describe("generated method types", () => {
  it("requires path params and the required body", () => {
    // @ts-expect-error `id` is a required path parameter
    void petstore.pets.getPet("grant-1", {});
    // @ts-expect-error the params object is required when a param is required
    void petstore.pets.getPet("grant-1");
    // @ts-expect-error the body is required for createPet
    void petstore.pets.createPet("grant-1", {});
    void petstore.pets.getPet("grant-1", { id: "p1", id_query: "q" });
  });

  it("rejects a wrong body", () => {
    // @ts-expect-error `name` must be a string
    void petstore.pets.createPet("grant-1", { body: { name: 42 } });
    // @ts-expect-error readOnly `id` is not part of the request type
    void petstore.pets.createPet("grant-1", { body: { name: "Rex", id: 1 } });
    // @ts-expect-error `channel` is required in the form body
    void bodies.chat.postMessage("grant-1", { body: { text: "hi" } });
    void bodies.chat.postMessage("grant-1", { body: { channel: "C1", text: null, mode: "a" } });
  });

  it("accepts grant ids and identity references, nothing else", () => {
    void petstore.store.getInventory("grant-1");
    void petstore.store.getInventory({ type: "identity" });
    void petstore.store.getInventory({ type: "identity", account: "work" });
    // @ts-expect-error a grant is a string or an identity reference
    void petstore.store.getInventory(42);
    // @ts-expect-error unknown reference type
    void petstore.store.getInventory({ type: "user" });
  });

  it("types responses, items and errors", () => {
    expectTypeOf(petstore.pets.getPet("g", { id: "1" })).resolves.toEqualTypeOf<Schemas.Pet>();
    expectTypeOf(petstore.pets.delete("g", { id: "1" })).resolves.toBeVoid();
    expectTypeOf(petstore.store.getInventory("g")).resolves.toEqualTypeOf<Record<string, number>>();
    expectTypeOf(bodies.files.download("g", { file: "F1" })).resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf(bodies.notes.replace("g", { body: "text" })).resolves.toEqualTypeOf<string | undefined>();
    expectTypeOf<PetsListPetsItem>().toEqualTypeOf<Schemas.Pet>();
    const err: unknown = new Error("x");
    if (petstore.pets.createPet.isError(err)) expectTypeOf(err.body).toEqualTypeOf<Schemas.ErrorSchema>();
  });

  it("paginates paginated operations only", () => {
    expectTypeOf(petstore.pets.listPets.paginate("g")).toEqualTypeOf<AsyncIterableIterator<Schemas.Pet>>();
    // @ts-expect-error getPet does not page
    void petstore.pets.getPet.paginate;
  });
});

describe("--format ts clients", () => {
  const ts = createBodiesClientTs(vault);
  it("have the same method types and real enum objects", () => {
    expectTypeOf(BodiesSchemasTs.Priority.High).toEqualTypeOf<"high">();
    void ts.chat.postMessage("grant-1", { body: { channel: "C1", priority: BodiesSchemasTs.Priority.Low } });
    // @ts-expect-error requests only accept the declared enum values
    void ts.chat.postMessage("grant-1", { body: { channel: "C1", priority: "urgent" } });
    expectTypeOf(ts.files.download("g", { file: "F1" })).resolves.toEqualTypeOf<Uint8Array>();
  });
});

// repos/get-content is typed from the representation the runtime asks for (application/json,
// a directory listing or one entry), not from the first one the document lists
// (application/vnd.github.object); the discriminator's "array" entry does not narrow the listing.
import { describe, expectTypeOf, it } from "vitest";
import type { ReposGetContentResponse, Schemas } from "alter-gen/generated/github";

describe("GitHub repos.getContent", () => {
  it("a directory listing (an array) is an answer", () => {
    expectTypeOf<Schemas.ContentDirectory>().toExtend<ReposGetContentResponse>();
  });
  it("a file entry is an answer, told apart by type", () => {
    expectTypeOf<Schemas.ContentFile & { type: "file" }>().toExtend<ReposGetContentResponse>();
    expectTypeOf<Extract<ReposGetContentResponse, { type: "file" }>>().not.toBeNever();
  });
});

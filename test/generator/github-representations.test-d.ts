// The `accept` option picks a representation and the return type follows it: text and diffs are
// strings, other JSON representations their own schema's type; without `accept` (or with options
// that do not name it) the method's default type stays.
import { describe, expectTypeOf, it } from "vitest";
import type { ApiResponse, GrantRef } from "alter-gen/runtime";
import type { GithubClient, ReposGetContentResponse, ReposGetCommitResponse, Schemas } from "alter-gen/generated/github";

declare const github: GithubClient;
declare const grant: GrantRef;
const params = { owner: "o", repo: "r", path: "README.md" };

describe("repos.getContent representations", () => {
  it("raw and HTML are strings", () => {
    expectTypeOf(github.repos.getContent(grant, params, { accept: "application/vnd.github.raw" })).resolves.toEqualTypeOf<string>();
    expectTypeOf(github.repos.getContent(grant, params, { accept: "application/vnd.github.html", reason: "preview" })).resolves.toEqualTypeOf<string>();
  });
  it("the object representation is its own schema's type", () => {
    expectTypeOf(github.repos.getContent(grant, params, { accept: "application/vnd.github.object" })).resolves.toEqualTypeOf<Schemas.ContentTree>();
  });
  it("the default stays the JSON union, with or without other options", () => {
    expectTypeOf(github.repos.getContent(grant, params)).resolves.toEqualTypeOf<ReposGetContentResponse>();
    expectTypeOf(github.repos.getContent(grant, params, { reason: "list" })).resolves.toEqualTypeOf<ReposGetContentResponse>();
    expectTypeOf(github.repos.getContent(grant, params, { accept: "application/json" })).resolves.toEqualTypeOf<ReposGetContentResponse>();
  });
  it("an options variable naming accept among other fields still picks the representation", () => {
    const options = { accept: "application/vnd.github.raw", timeoutMs: 5000 } as const;
    expectTypeOf(github.repos.getContent(grant, params, options)).resolves.toEqualTypeOf<string>();
  });
  it("withResponse follows the choice", () => {
    expectTypeOf(github.repos.getContent.withResponse(grant, params, { accept: "application/vnd.github.raw" })).resolves.toEqualTypeOf<ApiResponse<string>>();
  });
  it("a media type the operation does not declare is a type error", () => {
    // @ts-expect-error: repos/get-content has no patch representation
    void github.repos.getContent(grant, params, { accept: "application/vnd.github.patch" });
    // @ts-expect-error: repos/get declares one representation, so it takes no accept
    void github.repos.get(grant, { owner: "o", repo: "r" }, { accept: "application/json" });
  });
});

describe("repos.getCommit representations", () => {
  it("diff, patch and sha are strings; the default is the commit", () => {
    const ref = { owner: "o", repo: "r", ref: "main" };
    expectTypeOf(github.repos.getCommit(grant, ref, { accept: "application/vnd.github.diff" })).resolves.toEqualTypeOf<string>();
    expectTypeOf(github.repos.getCommit(grant, ref, { accept: "application/vnd.github.sha" })).resolves.toEqualTypeOf<string>();
    expectTypeOf(github.repos.getCommit(grant, ref)).resolves.toEqualTypeOf<ReposGetCommitResponse>();
  });
});

describe("a paginated method's representations", () => {
  it("pages and items follow accept (GitHub's starred repositories with starred_at)", () => {
    const starred = github.activity.listReposStarredByAuthenticatedUser;
    expectTypeOf(starred.paginate(grant, {}, { accept: "application/vnd.github.v3.star+json" })).toEqualTypeOf<AsyncIterableIterator<Schemas.StarredRepository>>();
    expectTypeOf(starred.pages(grant, undefined, { accept: "application/vnd.github.v3.star+json" })).toEqualTypeOf<AsyncIterableIterator<Schemas.StarredRepository[]>>();
    expectTypeOf(starred.paginate(grant, { per_page: 50 })).toEqualTypeOf<AsyncIterableIterator<Schemas.Repository>>();
  });
});

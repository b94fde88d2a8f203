// `{ stream: true }` makes a method resolve to a ByteStream (a web ReadableStream at run time)
// instead of its decoded answer, on any operation, with `accept` too; without it, or with
// `stream: false`, the types are as before. Clients' defaults cannot stream.
import { describe, expectTypeOf, it } from "vitest";
import type { ApiResponse, ByteStream, GrantRef } from "alter-gen/runtime";
import type { GithubClient, ReposGetResponse } from "alter-gen/generated/github";
import { createGithubClient } from "alter-gen/generated/github";
import type { AlterVault } from "alter-gen/runtime";

declare const github: GithubClient;
declare const grant: GrantRef;
declare const vault: AlterVault;
const archive = { owner: "o", repo: "r", ref: "main" };

describe("stream: true", () => {
  it("a binary download resolves to a ByteStream, and withResponse to ApiResponse<ByteStream>", () => {
    expectTypeOf(github.repos.downloadTarballArchive(grant, archive)).resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf(github.repos.downloadTarballArchive(grant, archive, { stream: true })).resolves.toEqualTypeOf<ByteStream>();
    expectTypeOf(github.repos.downloadTarballArchive.withResponse(grant, archive, { stream: true, timeoutMs: 5000 })).resolves.toEqualTypeOf<ApiResponse<ByteStream>>();
  });
  it("a JSON operation streams its raw bytes too, and stream: false keeps the decoded type", () => {
    expectTypeOf(github.repos.get(grant, { owner: "o", repo: "r" }, { stream: true })).resolves.toEqualTypeOf<ByteStream>();
    expectTypeOf(github.repos.get(grant, { owner: "o", repo: "r" }, { stream: false })).resolves.toEqualTypeOf<ReposGetResponse>();
  });
  it("composes with accept: a declared representation streams, an undeclared one is still an error", () => {
    const params = { owner: "o", repo: "r", path: "README.md" };
    expectTypeOf(github.repos.getContent(grant, params, { accept: "application/vnd.github.raw", stream: true })).resolves.toEqualTypeOf<ByteStream>();
    expectTypeOf(github.repos.getContent(grant, params, { accept: "application/vnd.github.raw" })).resolves.toEqualTypeOf<string>();
    // @ts-expect-error: repos/get-content has no patch representation
    void github.repos.getContent(grant, params, { accept: "application/vnd.github.patch", stream: true });
  });
  it("an options variable with stream: true as const streams", () => {
    const options = { stream: true, reason: "backup" } as const;
    expectTypeOf(github.repos.downloadTarballArchive(grant, archive, options)).resolves.toEqualTypeOf<ByteStream>();
  });
  it("a ByteStream is async-iterable bytes", () => {
    expectTypeOf<ByteStream>().toMatchTypeOf<AsyncIterable<Uint8Array>>();
  });
  it("client defaults cannot stream", () => {
    // @ts-expect-error: stream is per call
    void createGithubClient(vault, { stream: true });
  });
});

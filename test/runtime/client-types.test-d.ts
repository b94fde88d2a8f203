// Type-level checks of the runtime's public surface as generated code and applications use it.
import { describe, expectTypeOf, it } from "vitest";
import { AlterVault, asUser, bindOperations, type ApiResponse, type BinaryInput, type BlobLike, type IdentityGrantRef, type Method, type MethodOpt, type PaginatedMethod, type ProviderErrorOf } from "../../runtime/index.js";
import type { OperationTable, ProviderSpec } from "../../runtime/index.js";

interface Repo {
  id: number;
  full_name: string;
}
interface RepoParams {
  owner: string;
  repo: string;
}
interface ReposMethods {
  get: Method<RepoParams, Repo, { message: string }>;
  listForOrg: PaginatedMethod<{ org: string; per_page?: number }, Repo[], { message: string }, Repo>;
  listPublic: MethodOpt<{ since?: number }, Repo[]>;
}

declare const vault: AlterVault;
declare const provider: ProviderSpec;
declare const ops: OperationTable;

describe("runtime types", () => {
  it("bindOperations returns the generated methods interface", () => {
    const repos = bindOperations<ReposMethods>(vault, provider, ops);
    expectTypeOf(repos.get("grant", { owner: "o", repo: "r" })).toEqualTypeOf<Promise<Repo>>();
    expectTypeOf(repos.get.withResponse(asUser(), { owner: "o", repo: "r" })).toEqualTypeOf<Promise<ApiResponse<Repo>>>();
    expectTypeOf(repos.listForOrg.paginate("g", { org: "x" })).toEqualTypeOf<AsyncIterableIterator<Repo>>();
    expectTypeOf(repos.listPublic("g")).toEqualTypeOf<Promise<Repo[]>>();
    // @ts-expect-error a required param is missing
    void repos.get("grant", { owner: "o" });
    // @ts-expect-error params are required when some are required
    void repos.get("grant");
  });

  it("isError narrows to the operation's error body", () => {
    const repos = bindOperations<ReposMethods>(vault, provider, ops);
    const e: unknown = new Error();
    if (repos.get.isError(e)) {
      expectTypeOf(e).toEqualTypeOf<ProviderErrorOf<{ message: string }>>();
      expectTypeOf(e.body.message).toBeString();
      expectTypeOf(e.status).toBeNumber();
    }
  });

  it("asUser is an identity grant ref; withContext returns the function's value", () => {
    expectTypeOf(asUser({ account: "a" })).toEqualTypeOf<IdentityGrantRef>();
    expectTypeOf(vault.withContext({ runId: "r" }, () => 42)).toEqualTypeOf<number>();
    expectTypeOf(vault.awaitApproval<Repo>("id")).toEqualTypeOf<Promise<Repo>>();
  });
});

describe("binary inputs are structural", () => {
  it("Node's and the web's Blob, File and streams fit BinaryInput / BlobLike; other values do not", async () => {
    const { Blob: NodeBlob } = await import("node:buffer");
    const { Readable } = await import("node:stream");
    expectTypeOf<InstanceType<typeof NodeBlob>>().toMatchTypeOf<BlobLike>();
    expectTypeOf<Blob>().toMatchTypeOf<BlobLike>();
    expectTypeOf<File>().toMatchTypeOf<BinaryInput>();
    expectTypeOf<ReadableStream<Uint8Array>>().toMatchTypeOf<BinaryInput>();
    expectTypeOf<InstanceType<typeof Readable>>().toMatchTypeOf<BinaryInput>();
    expectTypeOf<Uint8Array>().toMatchTypeOf<BinaryInput>();
    expectTypeOf<ArrayBuffer>().toMatchTypeOf<BinaryInput>();
    expectTypeOf<number>().not.toMatchTypeOf<BinaryInput>();
    expectTypeOf<{ size: number }>().not.toMatchTypeOf<BlobLike>();
  });
});

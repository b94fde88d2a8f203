// Error classes keep working across two installed copies of the runtime (an app's alter-gen and a
// generated client's own node_modules copy): `instanceof` goes by the `Symbol.for("alter-gen.error")`
// brand, as undici's errors do. Two copies are made by loading runtime/errors.ts from two folders.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Here from "../../runtime/errors.js";

type Errors = typeof Here;
const root = path.resolve(".");
let dir: string;
let A: Errors;
let B: Errors;

/** A copy of the error module with what it imports at run time, in its own folder. */
async function copy(name: string): Promise<Errors> {
  for (const file of ["runtime/errors.ts", "runtime/operation.ts", "protocol/redact.ts", "protocol/errors.ts"]) {
    cpSync(path.join(root, file), path.join(dir, name, file));
  }
  return (await import(pathToFileURL(path.join(dir, name, "runtime/errors.ts")).href)) as Errors;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "alter-gen-brands-"));
  A = await copy("a");
  B = await copy("b");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("error brands", () => {
  it("loads two distinct copies (else the rest proves nothing)", () => {
    expect(A.GrantNotFoundError).not.toBe(B.GrantNotFoundError);
    expect(A.GrantNotFoundError).not.toBe(Here.GrantNotFoundError);
  });

  it.each([
    ["its own class", (m: Errors) => new m.GrantNotFoundError(), (m: Errors) => m.GrantNotFoundError, true],
    ["a base class", (m: Errors) => new m.GrantExpiredError(), (m: Errors) => m.ReAuthRequiredError, true],
    ["the root", (m: Errors) => new m.TimeoutError("t"), (m: Errors) => m.AlterSDKError, true],
    ["a sibling class", (m: Errors) => new m.GrantExpiredError(), (m: Errors) => m.GrantRevokedError, false],
    ["a subclass", (m: Errors) => new m.NetworkError("n"), (m: Errors) => m.TimeoutError, false],
    ["a provider error's base", (m: Errors) => new m.RateLimitError({ status: 429, headers: {}, body: null, requestId: undefined, operationId: "op" }), (m: Errors) => m.ProviderAPIError, true],
  ] as const)("%s: instanceof answers the same within one copy and across copies", (_name, make, cls, want) => {
    expect(make(A) instanceof cls(A)).toBe(want);
    expect(make(A) instanceof cls(B)).toBe(want);
    expect(make(B) instanceof cls(Here)).toBe(want);
  });

  it.each([
    ["a plain Error", new Error("x")],
    ["null", null],
    ["a string", "GrantNotFoundError"],
    ["an object that names the class", { name: "GrantNotFoundError", code: "grant_not_found" }],
  ])("refuses %s", (_name, value) => {
    expect(value instanceof A.GrantNotFoundError).toBe(false);
    expect(value instanceof A.AlterSDKError).toBe(false);
  });

  it("keeps an application's own subclass ordinary: its instances are its own, and still ours", () => {
    class AppError extends A.GrantNotFoundError {}
    expect(new AppError() instanceof AppError).toBe(true);
    expect(new AppError() instanceof B.GrantNotFoundError).toBe(true);
    expect(new A.GrantNotFoundError() instanceof AppError).toBe(false);
  });

  it("adds nothing that shows in JSON or in the error's own keys", () => {
    const e = new A.GrantNotFoundError();
    expect(Object.getOwnPropertySymbols(e)).toEqual([]);
    expect(JSON.parse(JSON.stringify(e))).toEqual({ name: "GrantNotFoundError", code: "grant_not_found", message: e.message, retryable: false });
  });
});

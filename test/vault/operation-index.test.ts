// An invariant over every checked-in catalog client: each operation a generated client can send
// (its id, method and path template) is one the vault's index of the provider's pinned document
// knows, with the same method and path. Otherwise a grant whose policy approves by operation
// would refuse a legitimate call (operation_mismatch). Ids without an operationId in the
// document (Bitbucket has 215) go through the one fallback rule, catalog/operation-id.ts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultSpecsDir, loadCatalog } from "../../catalog/index.js";
import { indexOfDocument, operationIndexFor, verifyOperation } from "../../vault/grants/operations.js";

const GENERATED = join(import.meta.dirname, "../../generated");
const NOT_OPERATIONS = new Set(["index.js", "provider.js", "tools.js", "schemas.js"]);
const OPERATION = /id: "([^"]+)",\n\s+method: "([A-Z]+)",\n\s+path: "([^"]+)"/g;

describe("the vault's operation index", () => {
  it("knows every operation of every generated catalog client, with its method and path", async () => {
    const catalog = await loadCatalog();
    const mismatches: string[] = [];
    let checked = 0;
    for (const provider of catalog.providers) {
      let files: string[];
      try {
        files = readdirSync(join(GENERATED, provider.id)).filter((f) => f.endsWith(".js") && !NOT_OPERATIONS.has(f));
      } catch {
        continue;
      }
      const file = join(defaultSpecsDir(), provider.specFile);
      const index = indexOfDocument(JSON.parse(readFileSync(file, "utf8")));
      for (const f of files) {
        for (const [, id, method, path] of readFileSync(join(GENERATED, provider.id, f), "utf8").matchAll(OPERATION)) {
          checked++;
          const known = index.get(id!);
          if (known?.method !== method || known?.path !== path) mismatches.push(`${provider.id} ${id} ${method} ${path}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(5000);
  }, 120_000);

  // [name, operation as named, request, the reason it is refused or null]
  const ROWS: [string, string | undefined, string, string, string | null][] = [
    ["a template matches one segment per parameter", "issues/get", "GET", "https://api.github.com/repos/o/r/issues/7", null],
    ["a parameter never spans two segments", "issues/get", "GET", "https://api.github.com/repos/o/r/x/issues/7", "path"],
    ["an encoded slash stays in its segment", "repos/get", "GET", "https://api.github.com/repos/o%2Fx/r", null],
    ["under a base path, the path counts from it", "issues/get", "GET", "http://127.0.0.1:9/gh/repos/o/r/issues/7", null],
    ["the method must be the operation's", "issues/get", "PATCH", "https://api.github.com/repos/o/r/issues/7", "method"],
    ["an unknown id", "issues/get-everything", "GET", "https://api.github.com/repos/o/r/issues", "unknown"],
    ["no id", undefined, "GET", "https://api.github.com/repos/o/r/issues", "missing"],
  ];
  it.each(ROWS)("%s", async (_name, operationId, method, url, reason) => {
    const github = (await loadCatalog()).providers.find((p) => p.id === "github")!;
    const base = url.startsWith("http://127.0.0.1:9/gh") ? "http://127.0.0.1:9/gh" : "https://api.github.com";
    const index = await operationIndexFor({ store: undefined as never, catalogProvider: () => github }, "app", "github");
    const run = () => verifyOperation(index, "github", base, { operationId, method, url });
    if (reason === null) expect(run().id).toBe(operationId);
    else expect(run).toThrow(expect.objectContaining({ code: "operation_mismatch", details: expect.objectContaining({ reason }) }));
  });

  it("is read off the vault's thread: the event loop keeps turning while GitHub's 13 MB document loads, and the index is the document's", async () => {
    const github = { ...(await loadCatalog()).providers.find((p) => p.id === "github")!, sha256: "off-thread-test" };
    let turns = 0;
    let loading = true;
    const turn = (): void => {
      turns++;
      if (loading) setImmediate(turn);
    };
    setImmediate(turn);
    // Parsed on this thread, the call would hold it until the index is built: no turn in between.
    const index = await operationIndexFor({ store: undefined as never, catalogProvider: () => github }, "app", "github");
    loading = false;
    expect(turns).toBeGreaterThan(1);
    const direct = indexOfDocument(JSON.parse(readFileSync(join(defaultSpecsDir(), github.specFile), "utf8")));
    const triples = (i: typeof index) => [...i!].map(([id, d]) => `${id} ${d.method} ${d.path} ${d.pattern.source}`);
    expect(triples(index)).toEqual(triples(direct));
    expect(index!.size).toBeGreaterThan(1000);
  });

  it("a provider outside the catalog has no document to check against", () => {
    expect(() => verifyOperation(null, "example", "https://api.example.com", { operationId: "x", method: "GET", url: "https://api.example.com/x" })).toThrow(
      expect.objectContaining({ code: "operation_mismatch", details: expect.objectContaining({ reason: "no_document" }) }),
    );
  });
});

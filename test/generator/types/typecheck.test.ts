// The emitted declarations must compile under `strict` on their own (no skipLibCheck): the
// golden fixtures and every catalog document in specs/ (GitHub, Stripe, …).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { printComponentDeclarations, type ComponentDeclarations } from "../../../generator/emit/types/index.js";
import { RUNTIME } from "../../../generator/emit/imports.js";
import { normalizeSchema } from "../../../generator/model/normalize-schema.js";
import type { SchemaNode } from "../../../generator/model/schema.js";
import { fixtureNames, fixturesDir, loadFixture } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "alter-gen-types-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Declarations name the runtime's structural binary types (`BlobLike`), which the schemas module
// imports from alter-gen/runtime; these files import what the declarations recorded, from source.
const runtimeTypes = fileURLToPath(new URL("../../../runtime/operation.js", import.meta.url));
function withRuntimeImports(out: ComponentDeclarations): string {
  const code = out.code || "export {};\n";
  const used = out.imports.namesFrom(RUNTIME);
  return used.length ? `import type { ${used.join(", ")} } from ${JSON.stringify(runtimeTypes)};\n${code}` : code;
}

function diagnostics(files: Record<string, string>): { code: number; file: string; text: string }[] {
  const roots: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, text);
    roots.push(path);
  }
  const program = ts.createProgram(roots, {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    // No DOM lib: generated declarations must not need it (binary types are structural).
    lib: ["lib.es2023.d.ts"],
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    code: d.code,
    file: d.file ? d.file.fileName.slice(dir.length + 1) : "",
    text: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  }));
}

describe("declarations type-check under strict", () => {
  it("golden fixtures compile without errors", () => {
    const files: Record<string, string> = {};
    for (const name of fixtureNames()) {
      // golden.test.ts checks that this is exactly the checked-in schemas.d.ts.
      files[`${name}.d.ts`] = withRuntimeImports(printComponentDeclarations(loadFixture(name)));
    }
    expect(diagnostics(files)).toEqual([]);
  });

  it("the checker does catch misuse of them (this test can fail)", () => {
    const schemas = readFileSync(join(fixturesDir, "read-write-only", "schemas.d.ts"), "utf8");
    const found = diagnostics({
      "rw.d.ts": schemas,
      "use.ts": 'import type { UserInput } from "./rw.js";\nexport const u: UserInput = { id: 1, name: "n", password: "p" };\n',
    });
    expect(found.map((d) => d.code)).toEqual([2353]);
    expect(found[0]!.text).toContain("'id' does not exist in type 'UserInput'");
  });

  const specsDir = fileURLToPath(new URL("../../../specs/", import.meta.url));
  const catalog = existsSync(specsDir)
    ? readdirSync(specsDir).filter((id) => existsSync(join(specsDir, id, "openapi.json"))).sort()
    : [];

  it.runIf(catalog.length > 0)("catalog documents' component schemas compile without errors", () => {
    const files: Record<string, string> = {};
    for (const id of catalog) {
      const file = join(specsDir, id, "openapi.json");
      const doc = JSON.parse(readFileSync(file, "utf8")) as { openapi?: string; components?: { schemas?: Record<string, unknown> } };
      const version = String(doc.openapi ?? "3.0").startsWith("3.1") ? "3.1" : "3.0";
      const schemas = new Map<string, SchemaNode>();
      for (const [name, raw] of Object.entries(doc.components?.schemas ?? {})) {
        schemas.set(name, normalizeSchema(raw, { version, file, pointer: `/components/schemas/${name}`, document: doc }));
      }
      const out = printComponentDeclarations(schemas);
      files[`${id}.d.ts`] = withRuntimeImports(out);
    }
    expect(diagnostics(files)).toEqual([]);
  }, 120_000);
});

// Generating never loads the TypeScript compiler: ts-morph (and typescript) are imported only by
// generator/diff/, which the CLI imports on demand (`import()`) when `alter-gen diff` runs. Checked
// by following every static import from the CLI's entry.
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(".");
const COMPILER = new Set(["ts-morph", "typescript", "prettier"]);

/** The static imports of a file: relative ones resolved to their `.ts` source, packages by name. Dynamic `import()` is not followed. */
function staticImports(file: string): { files: string[]; packages: string[] } {
  const source = ts.createSourceFile(file, readFileSync(path.join(root, file), "utf8"), ts.ScriptTarget.Latest, true);
  const out = { files: [] as string[], packages: [] as string[] };
  for (const node of source.statements) {
    const isImport = ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly;
    const isExport = ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier;
    if (!isImport && !isExport) continue;
    const specifier = ((node as ts.ImportDeclaration | ts.ExportDeclaration).moduleSpecifier as ts.StringLiteral).text;
    if (specifier.startsWith(".")) out.files.push(path.relative(root, path.resolve(root, path.dirname(file), specifier)).replace(/\.js$/, ".ts"));
    else out.packages.push(specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/"));
  }
  return out;
}

function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    const { files, packages } = staticImports(file);
    seen.set(file, packages);
    queue.push(...files);
  }
  return seen;
}

describe("the compiler is loaded only for alter-gen diff", () => {
  it("no module the CLI loads statically imports ts-morph, typescript or prettier", () => {
    const loaded = reachable("cli/entry.ts");
    expect(loaded.has("generator/commands/diff.ts")).toBe(true);
    expect(loaded.has("generator/diff/index.ts")).toBe(false);
    const offenders = [...loaded].flatMap(([file, packages]) => packages.filter((p) => COMPILER.has(p)).map((p) => `${file} imports ${p}`));
    expect(offenders).toEqual([]);
  });

  it("the diff modules do (so the check above can fail)", () => {
    expect([...reachable("generator/diff/index.ts").values()].flat()).toContain("ts-morph");
  });
});

describe("the YAML parser is loaded only for a YAML file", () => {
  it("no module the CLI loads statically imports yaml (a JSON --spec run never needs it)", () => {
    const offenders = [...reachable("cli/entry.ts")].flatMap(([file, packages]) => (packages.includes("yaml") ? [file] : []));
    expect(offenders).toEqual([]);
  });

  it("catalog/yaml.ts loads it on demand (so the check above has something to miss)", () => {
    expect(readFileSync(path.join(root, "catalog/yaml.ts"), "utf8")).toMatch(/import\("yaml"\)/);
  });
});

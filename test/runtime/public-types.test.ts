// What a consumer's type checker loads for `alter-gen/runtime` and a generated client: the
// built declarations (dist/, made by `npm test`'s build step), and nothing from undici or
// @types/node, which would add ~140 declaration files to every consumer's build.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dir = join(root, ".tmp", `public-types-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("the runtime's public declarations pull in neither undici nor @types/node, and need no DOM", () => {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "consumer.ts");
  writeFileSync(
    file,
    [
      'import { AlterVault, asUser } from "alter-gen/runtime";',
      'import { createGithubClient } from "alter-gen/generated/github";',
      "const github = createGithubClient(new AlterVault({}));",
      'export const call = () => github.repos.get(asUser(), { owner: "o", repo: "r" });',
    ].join("\n"),
  );
  // As `tsc --init` sets a project up (NodeNext, strict, skipLibCheck, no global types), with the
  // plain ES library: no DOM and no @types/node globals to lean on.
  const program = ts.createProgram([file], {
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ESNext,
    strict: true,
    skipLibCheck: true,
    types: [],
    noEmit: true,
  });
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  expect(errors).toEqual([]);
  const loaded = program.getSourceFiles().map((f) => f.fileName);
  expect(loaded.some((f) => f.includes("/dist/runtime/index.d.ts"))).toBe(true);
  expect(loaded.filter((f) => /\/node_modules\/(undici|undici-types|@types\/node)\//.test(f))).toEqual([]);
});

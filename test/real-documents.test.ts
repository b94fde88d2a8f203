// Provider documents outside the catalog (test/fixtures/documents/, issue 13): each generates
// from the document as published, and the clients, together with the multi-file fixture read
// through the same CLI, type-check under strict without skipLibCheck in one tsc run.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.js";

const root = path.resolve(".");
const fixtures = path.join(root, "test/fixtures/documents");
const readme = readFileSync(path.join(fixtures, "README.md"), "utf8");
const documents: [string, { spec: string; name: string; operations: number }][] = [
  ["DigitalOcean", { spec: path.join(fixtures, "digitalocean.com.json"), name: "digitalocean", operations: 290 }],
  ["Box", { spec: path.join(fixtures, "box.com.json"), name: "box", operations: 260 }],
  ["Bitbucket", { spec: path.join(fixtures, "bitbucket.org.json"), name: "bitbucket", operations: 305 }],
  ["Trello", { spec: path.join(fixtures, "trello.com.json"), name: "trello", operations: 324 }],
  ["GitLab", { spec: path.join(fixtures, "gitlab.com.json"), name: "gitlab", operations: 358 }],
  ["Twilio", { spec: path.join(fixtures, "twilio.com__api.json"), name: "twilio", operations: 195 }],
  ["a multi-file document", { spec: path.join(root, "test/fixtures/specs/multi/main.yaml"), name: "multi", operations: 5 }],
];

describe("provider documents outside the catalog", () => {
  let out: string;
  const generated: string[] = [];
  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), "alter-gen-real-documents-"));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it("are the files the README lists, unmodified", async () => {
    const files = (await readdir(fixtures)).filter((f) => f.endsWith(".json")).sort();
    expect(files).toHaveLength(6);
    for (const file of files) {
      const sha = createHash("sha256").update(readFileSync(path.join(fixtures, file))).digest("hex");
      expect(readme, file).toContain(`| ${file} |`);
      expect(readme, file).toContain(sha);
    }
  });

  it.each(documents)("%s generates", async (_title, { spec, name, operations }) => {
    let stderr = "";
    const code = await main(["--spec", spec, "--name", name, "--out", out], { stdout: () => {}, stderr: (t) => void (stderr += t), cwd: out });
    expect(stderr).not.toMatch(/alter-gen: /);
    expect(code).toBe(0);
    expect(stderr).toContain(`${name}: ${operations} operations`);
    expect(existsSync(path.join(out, name, "index.d.ts"))).toBe(true);
    generated.push(name);
  }, 60_000);

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

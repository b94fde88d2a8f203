// The tools table's curation from the command line and the config file: --tools-include,
// --tools-exclude, --tools-read-only, --no-tools and a `tools` field of a config entry; bad
// curation is one paragraph naming the file and pointer (exit 2).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";

const petstore = path.resolve("test/fixtures/specs/petstore-3.0.yaml");
let work: string;

async function run(args: string[]) {
  let stderr = "";
  const code = await main(args, { stdout: () => undefined, stderr: (t) => void (stderr += t), cwd: work });
  return { code, stderr };
}

/** The tool names a generated tools.js holds (read as text: the client's imports are not resolvable here). */
function toolNames(dir: string): string[] | undefined {
  const file = path.join(work, dir, "petstore/tools.js");
  if (!existsSync(file)) return undefined;
  return [...readFileSync(file, "utf8").matchAll(/^ {4}name: "([^"]+)",$/gm)].map((m) => m[1]!).sort();
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "alter-gen-tools-cli-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("tools curation flags", () => {
  let all: string[] = [];
  beforeAll(async () => {
    expect((await run(["--spec", petstore, "--name", "petstore", "--out", "all", "-q"])).code).toBe(0);
    all = toolNames("all")!;
  });

  const rows: [string, { given: string[]; want: (all: string[]) => string[] | undefined }][] = [
    ["no flag: every operation", { given: [], want: (a) => a }],
    // The fixture's PUT reuses the GET's operationId (pets_get_pet2): only the GETs stay.
    ["--tools-read-only: GET and HEAD only", { given: ["--tools-read-only"], want: () => ["pets_get_pet", "pets_list_pets", "store_get_inventory"] }],
    ["--tools-include by pattern", { given: ["--tools-include", "pets.*"], want: (a) => a.filter((n) => n.startsWith("pets_")) }],
    ["--tools-exclude by tool name", { given: ["--tools-exclude", "*_delete*,*_remove*"], want: (a) => a.filter((n) => !/_(delete|remove)/.test(n)) }],
    ["--no-tools: no tools.js", { given: ["--no-tools"], want: () => undefined }],
  ];
  it.each(rows)("%s", async (name, { given, want }) => {
    const dir = name.replace(/\W+/g, "-");
    const r = await run(["--spec", petstore, "--name", "petstore", "--out", dir, "-q", ...given]);
    expect(r.code, r.stderr).toBe(0);
    expect(toolNames(dir)).toEqual(want(all));
    expect(readdirSync(path.join(work, dir, "petstore"))).toContain("index.js");
  });

  it("has tools to curate (the fixture has reads and writes)", () => {
    expect(all.length).toBeGreaterThan(3);
    expect(all).toEqual(expect.arrayContaining(["pets_create_pet", "pets_get_pet", "pets_list_pets"]));
  });
});

describe("tools in the config file", () => {
  it("a config entry's tools field curates its client, and flags add to it", async () => {
    writeFileSync(path.join(work, "alter-gen.config.yaml"), `out: ./configured\nproviders:\n  - id: petstore\n    spec: ${petstore}\n    tools: { include: ["pets.*"], overrides: { listPets: { name: all_the_pets } } }\n`);
    const r = await run(["--config", "alter-gen.config.yaml", "-q", "--tools-read-only"]);
    expect(r.code, r.stderr).toBe(0);
    const names = toolNames("configured")!;
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n.startsWith("pets_") || n === "all_the_pets")).toBe(true);
  });

  it.each([
    ["an unknown field", "tools: { readonly: true }", /tools\/readonly is not a known field.*bad\.config\.yaml.*\/providers\/0\/tools\/readonly/],
    ["a bad tool name", "tools: { overrides: { listPets: { name: 'all pets' } } }", /not a valid tool name.*\/providers\/0\/tools\/overrides\/listPets\/name/],
  ])("refuses %s, naming the pointer (exit 2)", async (_name, field, want) => {
    writeFileSync(path.join(work, "bad.config.yaml"), `out: ./bad\nproviders:\n  - id: petstore\n    spec: ${petstore}\n    ${field}\n`);
    const r = await run(["--config", "bad.config.yaml", "-q"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(want);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

// Renamed methods through regeneration: a document update that renames a method (a new
// operationId, a new tag) and a second regeneration with the names.lock.json of the first keep
// the old names as deprecated aliases of the same operations, in both output formats; the
// result type-checks under strict, editors flag the old names as deprecated, and the files are
// what prettier prints and the same on every run.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as prettier from "prettier";
import { Project, ts } from "ts-morph";
import { afterAll, describe, expect, it } from "vitest";
import { generateClient, readNamesLock, syncFiles, type ClientJob } from "../../generator/generate.js";
import type { OutputFormatName } from "../../generator/options.js";
import { main } from "../../cli/main.js";

// Inside the package, so the clients' `alter-gen/runtime` resolves to this checkout.
mkdirSync(path.resolve(".tmp"), { recursive: true });
const work = mkdtempSync(path.resolve(".tmp", "aliases-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const v1 = `openapi: 3.0.3
info: {title: Pets, version: "1"}
servers: [{url: https://pets.example.com}]
paths:
  /pets/{id}:
    get:
      operationId: getPet
      tags: [pets]
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object, properties: {name: {type: string}}}}}}
  /owners:
    get:
      operationId: listOwners
      tags: [owners]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {type: string}}}}}
`;
// The document renames getPet's operationId and moves listOwners to another tag.
const v2 = v1.replace("operationId: getPet", "operationId: showPetById").replace("tags: [owners]", "tags: [people]");

const consumer = `import type { AlterVault } from "alter-gen/runtime";
import { createPetsClient, type PetsGetPetParams, type OwnersListOwnersResponse } from "./pets/index.js";

export async function use(vault: AlterVault): Promise<string[]> {
  const client = createPetsClient(vault);
  const params: PetsGetPetParams = { id: "1" };
  const pet = await client.pets.getPet("grant", params);
  const owners: OwnersListOwnersResponse = await client.owners.listOwners("grant");
  const now = await client.people.listOwners("grant");
  return [pet.name ?? "", ...owners, ...now];
}
`;

async function regenerate(dir: string, spec: string, format: OutputFormatName, today: string) {
  const specFile = path.join(dir, "pets.yaml");
  writeFileSync(specFile, spec);
  const job: ClientJob = { id: "pets", name: "Pets", spec: specFile, namespaceBy: "tag", format, today };
  const previous = await readNamesLock(path.join(dir, "pets"));
  if (previous) job.previousNames = previous;
  const client = await generateClient(job);
  await syncFiles(path.join(dir, "pets"), client.files, { check: false });
  return client;
}

describe.each(["js", "ts"] as const)("renamed methods (%s format)", (format) => {
  const dir = path.join(work, format);
  mkdirSync(dir, { recursive: true });

  it("keep their old names as deprecated aliases that type-check, until the date in the lock", async () => {
    await regenerate(dir, v1, format, "2026-01-01");
    const client = await regenerate(dir, v2, format, "2026-01-01");
    const lock = JSON.parse(readFileSync(path.join(dir, "pets/names.lock.json"), "utf8"));
    expect(lock.aliases).toEqual({
      "owners.listOwners": { operation: "listOwners", renamedOn: "2026-01-01", until: "2026-06-30" },
      "pets.getPet": { operation: "showPetById", renamedOn: "2026-01-01", until: "2026-06-30" },
    });
    const index = client.files.get(format === "js" ? "index.js" : "index.ts")!;
    expect(index).toMatch(/pets: bind(<PetsMethods>)?\(\{\n\s+\.\.\.petsOps,\n\s+getPet: petsOps\.showPetById,\n\s+\}\)/);
    expect(index).toMatch(/owners: bind(<OwnersMethods>)?\(\{\n\s+listOwners: peopleOps\.listOwners,\n\s+\}\)/);
    const types = client.files.get(format === "js" ? "pets.d.ts" : "pets.ts")!;
    expect(types).toContain("/** @deprecated Use `pets.showPetById`; this alias is removed after 2026-06-30. */\n  getPet: Method<");
    expect(types).toContain("export type PetsGetPetParams = PetsShowPetByIdParams;");
    for (const [file, text] of client.files) expect(await prettier.format(text, { filepath: file }), file).toBe(text);

    writeFileSync(path.join(dir, "consumer.ts"), consumer);
    const project = new Project({
      // The runtime's declarations from dist/ (npm test builds first), as a consumer sees them.
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ["node"] },
      skipAddingFilesFromTsConfig: true,
    });
    project.addSourceFileAtPath(path.join(dir, "consumer.ts"));
    project.resolveSourceFileDependencies();
    const errors = project.getPreEmitDiagnostics();
    expect(project.formatDiagnosticsWithColorAndContext(errors)).toBe("");
    const consumerFile = project.getSourceFileOrThrow(path.join(dir, "consumer.ts"));
    const deprecated = project
      .getLanguageService()
      .compilerObject.getSuggestionDiagnostics(consumerFile.getFilePath())
      .filter((d) => d.reportsDeprecated)
      .map((d) => consumerFile.getFullText().slice(d.start!, d.start! + d.length!));
    // The old names where they are used (the type names also where they are imported).
    expect(deprecated.sort()).toEqual(["OwnersListOwnersResponse", "PetsGetPetParams", "getPet", "listOwners", "type OwnersListOwnersResponse", "type PetsGetPetParams"]);
  }, 180_000); // a full type-check of the consumer with @types/node (skipLibCheck off): ~10 s alone, 40 s+ on a busy machine

  it("regenerates byte-identically on a later day (--check stays green)", async () => {
    const before = new Map((await regenerate(dir, v2, format, "2026-01-01")).files);
    const later = await regenerate(dir, v2, format, "2027-03-01");
    expect([...later.files]).toEqual([...before]);
  });

  it("drops aliases past their date with the next document change", async () => {
    const v3 = v2.replace('version: "1"', 'version: "2"');
    const client = await regenerate(dir, v3, format, "2026-07-01");
    expect(JSON.parse(client.files.get("names.lock.json")!).aliases).toEqual({});
    expect(client.files.get("index." + (format === "js" ? "js" : "ts"))).not.toContain("getPet");
    expect([...client.files.keys()].some((f) => f.startsWith("owners."))).toBe(false);
  });
});

describe("the CLI keeps the lock next to the client", () => {
  it("--check reports a client whose names changed as stale, the lock included", async () => {
    const dir = path.join(work, "cli");
    mkdirSync(dir, { recursive: true });
    const spec = path.join(dir, "pets.yaml");
    writeFileSync(spec, v1);
    const io = { stdout: () => {}, stderr: () => {}, cwd: dir };
    expect(await main(["--spec", spec, "--name", "pets", "--out", "out", "-q"], io)).toBe(0);
    expect((await readNamesLock(path.join(dir, "out/pets")))?.operations.getPet).toEqual(["GET /pets/{id}", "pets.getPet"]);
    writeFileSync(spec, v2);
    let stderr = "";
    expect(await main(["--spec", spec, "--name", "pets", "--out", "out", "--check"], { ...io, stderr: (t) => void (stderr += t) })).toBe(1);
    expect(stderr).toMatch(/stale\s+out\/pets\/names\.lock\.json/);
    expect(await main(["--spec", spec, "--name", "pets", "--out", "out", "-q"], io)).toBe(0);
    expect(Object.keys((await readNamesLock(path.join(dir, "out/pets")))!.aliases)).toEqual(["owners.listOwners", "pets.getPet"]);
  });

  it("a malformed lock is one clear paragraph naming the file", async () => {
    const dir = path.join(work, "bad-lock");
    mkdirSync(path.join(dir, "out/pets"), { recursive: true });
    writeFileSync(path.join(dir, "pets.yaml"), v1);
    writeFileSync(path.join(dir, "out/pets/names.lock.json"), '{"lockfileVersion": 1, "document": "x", "operations": [], "aliases": {}}');
    let stderr = "";
    const code = await main(["--spec", "pets.yaml", "--name", "pets", "--out", "out"], { stdout: () => {}, stderr: (t) => void (stderr += t), cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(/names lock is malformed: expected an object of operations.*file .*out\/pets\/names\.lock\.json, at \/operations/);
  });
});

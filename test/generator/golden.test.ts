// Golden snapshots: each fixture document generates exactly the checked-in files under
// test/fixtures/golden/<case>/, and every file is already as prettier formats it.
// Regenerate the expectations with UPDATE_GOLDEN=1 after an intended change, and review the diff.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { generateClient, type ClientJob } from "../../generator/generate.js";

const specs = path.resolve("test/fixtures/specs");
const goldenDir = path.resolve("test/fixtures/golden");

const cases: [string, Omit<ClientJob, "spec"> & { spec: string }][] = [
  [
    "petstore-3.0",
    {
      id: "petstore",
      name: "Petstore",
      spec: "petstore-3.0.yaml",
      namespaceBy: "operationId-prefix",
      pagination: { style: "cursor", param: "cursor", next: "next" },
      injection: { type: "header", name: "X-Api-Key" },
    },
  ],
  ["bodies-3.1", { id: "bodies", name: "Bodies", spec: "bodies-3.1.yaml", namespaceBy: "operationId-prefix" }],
  ["swagger-2.0", { id: "legacy", name: "Legacy", spec: "swagger-2.0.json", namespaceBy: "tag", pagination: { style: "offset", param: "ids", total: "total" } }],
  ["external-refs", { id: "ext", name: "External", spec: "external/main.yaml", namespaceBy: "tag" }],
  ["bodies-3.1-ts", { id: "bodies", name: "Bodies", spec: "bodies-3.1.yaml", namespaceBy: "operationId-prefix", format: "ts" }],
  [
    "petstore-ts",
    { id: "petstore", name: "Petstore", spec: "petstore-3.0.yaml", namespaceBy: "operationId-prefix", pagination: { style: "cursor", param: "cursor", next: "next" }, format: "ts" },
  ],
  ["shared-shapes", { id: "shared", name: "Shared", spec: "shared-shapes-3.0.yaml", namespaceBy: "operationId-prefix" }],
  ["include-store", { id: "petstore", name: "Petstore", spec: "petstore-3.0.yaml", namespaceBy: "tag", include: ["store"] }],
];

describe("golden clients", () => {
  it.each(cases)("%s", async (name, job) => {
    const client = await generateClient({ ...job, spec: path.join(specs, job.spec) });
    const dir = path.join(goldenDir, name);
    if (process.env.UPDATE_GOLDEN === "1") {
      mkdirSync(dir, { recursive: true });
      for (const [file, content] of client.files) writeFileSync(path.join(dir, file), content);
    }
    expect(existsSync(dir), `${dir} is missing; run with UPDATE_GOLDEN=1`).toBe(true);
    expect([...client.files.keys()].sort()).toEqual(readdirSync(dir).sort());
    for (const [file, content] of client.files) {
      expect(content, `${name}/${file}`).toBe(readFileSync(path.join(dir, file), "utf8"));
      const formatted = await prettier.format(content, { filepath: file });
      expect(formatted, `${name}/${file} is not prettier-formatted`).toBe(content);
    }
  });

  it("is byte-identical when generated twice", async () => {
    const job = cases[0]![1];
    const a = await generateClient({ ...job, spec: path.join(specs, job.spec) });
    const b = await generateClient({ ...job, spec: path.join(specs, job.spec) });
    expect([...b.files]).toEqual([...a.files]);
  });
});

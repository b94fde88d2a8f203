// A generated module imports exactly what its declarations name (emit/imports.ts): never a name
// that only appears in prose, and never one that clashes with a name the module declares. Each
// generated client here is also compiled under strict, so a clash or a missing import fails.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEMAS } from "../../generator/emit/imports.js";
import { generateClient, type GeneratedClient } from "../../generator/generate.js";

const work = mkdtempSync(path.join(tmpdir(), "alter-gen-imports-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const runtimeIndex = fileURLToPath(new URL("../../runtime/index.js", import.meta.url));

type Json = Record<string, unknown>;
const json = (schema: Json) => ({ content: { "application/json": { schema } } });
const ok = { "200": { description: "OK", ...json({ type: "object" }) } };

async function generate(name: string, paths: Json, schemas: Json = {}): Promise<GeneratedClient> {
  const file = path.join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify({ openapi: "3.0.3", info: { title: name, version: "1" }, servers: [{ url: "https://api.example.com" }], paths, components: { schemas } }));
  return generateClient({ id: name, name, spec: file, namespaceBy: "operationId-prefix" });
}

/**
 * Strict compile errors of each client's files (by client id), with alter-gen/runtime resolved
 * to its source; one program for all of them, since most of the time goes to the runtime and lib.
 */
function compileErrors(clients: GeneratedClient[]): Map<string, string[]> {
  const roots: string[] = [];
  const dirs = new Map<string, string>();
  for (const client of clients) {
    const dir = mkdtempSync(path.join(work, `${client.id}-`));
    dirs.set(client.id, dir);
    for (const [name, text] of client.files) {
      writeFileSync(path.join(dir, name), text.replaceAll('"alter-gen/runtime"', JSON.stringify(runtimeIndex)));
      if (name.endsWith(".d.ts")) roots.push(path.join(dir, name));
    }
  }
  const program = ts.createProgram(roots, {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2023.d.ts"],
    types: [],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const errors = new Map<string, string[]>();
  for (const [id, dir] of dirs) {
    const own = diagnostics.filter((d) => d.file?.fileName.startsWith(dir + path.sep));
    errors.set(id, own.map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`));
  }
  return errors;
}

/** The names a file imports from alter-gen/runtime, and the namespaces it imports. */
function importsOf(text: string): { runtime: string[]; namespaces: string[] } {
  const runtime = /import type \{([^}]*)\} from "alter-gen\/runtime";/.exec(text)?.[1]?.split(",").map((n) => n.trim()).filter(Boolean) ?? [];
  const namespaces = [...text.matchAll(/import type \* as (\w+) from/g)].map((m) => m[1]!);
  return { runtime, namespaces };
}

const schemasAlias = SCHEMAS.namespace!;
const documented = (name: string, schema: Json) => ({ name, in: "query", description: `The ${name}.`, schema });

interface Want {
  /** The file whose imports are checked. */
  file: string;
  runtime: string[];
  namespaces: string[];
  /** Other text the client must contain: [file, pattern]. */
  also?: [string, RegExp][];
}

const cases: [string, { given: () => Promise<GeneratedClient>; want: Want }][] = [
  [
    "prose that names a runtime type imports nothing",
    {
      given: () => generate("prose", { "/a": { post: { operationId: "a_send", summary: "Sends a BinaryInput or a BlobLike.", requestBody: json({ type: "object", properties: { n: { type: "string", description: "Not a BlobLike." } } }), responses: ok } } }),
      want: { file: "a.d.ts", runtime: ["MethodOpt"], namespaces: [] },
    },
  ],
  [
    "a schema named BinaryInput keeps its name beside a binary body",
    {
      given: () =>
        generate(
          "binary",
          {
            "/up": { put: { operationId: "files_upload", requestBody: { required: true, content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } }, responses: { "200": { description: "OK", ...json({ $ref: "#/components/schemas/BinaryInput" }) } } } },
          },
          { BinaryInput: { type: "object", properties: { size: { type: "integer" } } } },
        ),
      want: {
        file: "files.d.ts",
        runtime: ["BinaryInput", "Method"],
        namespaces: [schemasAlias],
        also: [
          ["files.d.ts", new RegExp(`Response = ${schemasAlias}\\.BinaryInput;`)],
          ["schemas.d.ts", /export interface BinaryInput \{/],
        ],
      },
    },
  ],
  [
    "a schema named BlobLike is renamed where the runtime's BlobLike is imported beside it",
    {
      given: () =>
        generate(
          "bloblike",
          { "/up": { post: { operationId: "files_upload", requestBody: json({ $ref: "#/components/schemas/Upload" }), responses: ok } } },
          { BlobLike: { type: "object", properties: { size: { type: "integer" } } }, Upload: { type: "object", properties: { file: { type: "string", format: "binary" }, meta: { $ref: "#/components/schemas/BlobLike" } } } },
        ),
      want: { file: "schemas.d.ts", runtime: ["BlobLike"], namespaces: [], also: [["schemas.d.ts", /export interface BlobLikeSchema \{/]] },
    },
  ],
  [
    // Legal TypeScript (an interface and a namespace import have different meanings), but one name
    // for two things in the same file is what a reader should never have to untangle.
    `a shared parameter named like the schemas namespace (${schemasAlias}) does not take its name`,
    {
      given: () => {
        const parameters = [documented(schemasAlias.toLowerCase(), { type: "string" }), documented("filter", { $ref: "#/components/schemas/Filter" })];
        const paths: Json = {};
        for (const n of [1, 2, 3]) paths[`/p${n}`] = { get: { operationId: `p_get${n}`, parameters, responses: ok } };
        return generate("shared", paths, { Filter: { type: "object", properties: { q: { type: "string" } } } });
      },
      want: { file: "params.d.ts", runtime: [], namespaces: [schemasAlias], also: [["params.d.ts", new RegExp(`export interface ${schemasAlias}2 \\{`)]] },
    },
  ],
];

describe("generated imports", async () => {
  const clients = await Promise.all(cases.map(([, { given }]) => given()));
  let errors = new Map<string, string[]>();
  beforeAll(() => {
    errors = compileErrors(clients);
  }, 180_000);

  it.each(cases.map(([name, { want }], i) => [name, { client: clients[i]!, want }] as const))("%s", (_name, { client, want }) => {
    const text = client.files.get(want.file);
    expect(text, `${want.file} is generated`).toBeDefined();
    expect(importsOf(text!)).toEqual({ runtime: want.runtime, namespaces: want.namespaces });
    for (const [file, pattern] of want.also ?? []) expect(client.files.get(file)).toMatch(pattern);
    expect(errors.get(client.id)).toEqual([]);
  });
});

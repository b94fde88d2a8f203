// The CLI in-process (main() with captured output) plus one real process: exit codes, one
// clear paragraph per bad input naming the file/pointer/flag, never a stack trace.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../generator/cli.js";

const root = path.resolve(".");
const specs = path.join(root, "test/fixtures/specs");
let work: string;

async function run(args: string[], cwd = work) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd });
  return { code, stdout, stderr };
}

function expectParagraph(stderr: string) {
  expect(stderr).toMatch(/^alter-gen: /);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr.trim().split("\n")).toHaveLength(1);
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "alter-gen-cli-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("generating", () => {
  it("--spec --name writes <out>/<id>/ and reports a summary", async () => {
    const r = await run(["--spec", path.join(specs, "petstore-3.0.yaml"), "--name", "petstore", "--out", "clients"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/petstore: 7 operations in 2 namespaces, 10 files/);
    expect(r.stderr).toMatch(/Done: 1 client, 7 operations, 10 files \(10 written\), \d+ ms/);
    expect(readdirSync(path.join(work, "clients/petstore")).sort()).toContain("index.d.ts");
  });

  it("--check passes on fresh output and exits 1 listing stale, missing and extra files", async () => {
    const args = ["--spec", path.join(specs, "petstore-3.0.yaml"), "--name", "petstore", "--out", "checked"];
    expect((await run(args)).code).toBe(0);
    expect((await run([...args, "--check", "--quiet"])).code).toBe(0);
    const dir = path.join(work, "checked/petstore");
    writeFileSync(path.join(dir, "pets.js"), "// edited\n");
    rmSync(path.join(dir, "store.d.ts"));
    writeFileSync(path.join(dir, "old.js"), "");
    const r = await run([...args, "--check"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`stale   ${path.join("checked/petstore/pets.js")}`);
    expect(r.stderr).toContain(`missing ${path.join("checked/petstore/store.d.ts")}`);
    expect(r.stderr).toContain(`extra   ${path.join("checked/petstore/old.js")}`);
    expect(readFileSync(path.join(dir, "pets.js"), "utf8")).toBe("// edited\n");
  });

  it("--names prints operationId -> namespace.method", async () => {
    const r = await run(["--spec", path.join(specs, "petstore-3.0.yaml"), "--name", "petstore", "--names", "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pets\/list-pets\s+pets\.listPets$/m);
    expect(r.stdout).toMatch(/^\(DELETE \/pets\/\{id\}\)\s+pets\.deletePetsById$/m);
  });

  it("--include keeps only the named tags; an empty selection is an error", async () => {
    const r = await run(["--spec", path.join(specs, "petstore-3.0.yaml"), "--name", "petstore", "--include", "store", "--names", "-q"]);
    expect(r.stdout.trim()).toMatch(/^store\/get-inventory\s+store\.getInventory$/);
    const none = await run(["--spec", path.join(specs, "petstore-3.0.yaml"), "--name", "petstore", "--include", "nope", "--out", "none"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--include");
  });

  it("picks up alter-gen.config.yaml from the working directory", async () => {
    const dir = path.join(work, "cfg");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "alter-gen.config.yaml"), `out: ./out\nproviders:\n  - id: legacy\n    spec: ${path.join(specs, "swagger-2.0.json")}\n  - id: ext\n    spec: ${path.join(specs, "external/main.yaml")}\n`);
    const r = await run([], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("[2/2] ext");
    expect(readdirSync(path.join(dir, "out")).sort()).toEqual(["ext", "legacy"]);
  });

  it("fetches a document from a URL (loopback)", async () => {
    const body = readFileSync(path.join(specs, "bodies-3.1.yaml"));
    const server: Server = createServer((_req, res) => res.end(body));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await run(["--spec", `http://127.0.0.1:${port}/bodies.yaml`, "--name", "bodies", "--out", "url"]);
      expect(r.code).toBe(0);
      expect(readdirSync(path.join(work, "url/bodies"))).toContain("chat.d.ts");
    } finally {
      server.close();
    }
  });

  it("list prints the catalog", async () => {
    const r = await run(["list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^github\s+GitHub\s+/m);
    expect(r.stdout).toMatch(/^slack\s+Slack\s+/m);
  });

  it("--help explains every flag", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--provider", "--all", "--spec", "--name", "--out", "--include", "--exclude", "--check", "--config", "--names", "--quiet"]) expect(r.stdout).toContain(flag);
  });
});

describe("bad input: exit 2 and one paragraph", () => {
  const cases: [string, { given: string[]; want: RegExp[] }][] = [
    ["malformed YAML", { given: ["--spec", path.join(specs, "bad/malformed.yaml"), "--name", "x"], want: [/not valid YAML at line 5, column 1/, /malformed\.yaml/] }],
    ["malformed JSON", { given: ["--spec", path.join(specs, "bad/malformed.json"), "--name", "x"], want: [/not valid JSON at line 2, column 13/, /malformed\.json/] }],
    ["not an OpenAPI document", { given: ["--spec", path.join(specs, "bad/not-openapi.yaml"), "--name", "x"], want: [/not an OpenAPI document/, /not-openapi\.yaml/] }],
    ["unresolved $ref", { given: ["--spec", path.join(specs, "bad/unresolved-ref.yaml"), "--name", "x"], want: [/#\/components\/schemas\/Missing/, /at \/paths\/~1things\/get\/responses\/200\/content\/application~1json\/schema\/\$ref/] }],
    ["unknown provider", { given: ["--provider", "githb"], want: [/unknown provider "githb"/, /Did you mean "github"/, /flag --provider/] }],
    ["unreadable path", { given: ["--spec", "/nonexistent/openapi.yaml", "--name", "x"], want: [/\/nonexistent\/openapi\.yaml does not exist/, /flag --spec/] }],
    ["--spec without --name", { given: ["--spec", path.join(specs, "petstore-3.0.yaml")], want: [/--spec needs --name/, /flag --name/] }],
    ["two targets", { given: ["--all", "--provider", "slack"], want: [/one of --all, --provider/] }],
    ["unknown flag", { given: ["--frobnicate"], want: [/unknown option '--frobnicate'/] }],
    ["config with a bad key", { given: ["--config", path.join(specs, "bad/not-openapi.yaml")], want: [/Unknown key "name" in the config file/, /at \/name/] }],
  ];
  it.each(cases)("%s", async (_name, { given, want }) => {
    const r = await run([...given, "--out", "bad-out"]);
    expect(r.code).toBe(2);
    expectParagraph(r.stderr.split("\n").filter((l) => !/: reading /.test(l)).join("\n"));
    for (const w of want) expect(r.stderr).toMatch(w);
  });

  it("unwritable output folder", async () => {
    const locked = path.join(work, "locked");
    mkdirSync(locked);
    writeFileSync(path.join(locked, "petstore"), "a file where the folder should be");
    const r = await run(["--spec", path.join(specs, "petstore-3.0.yaml"), "--name", "petstore", "--out", locked, "-q"]);
    chmodSync(locked, 0o755);
    expect(r.code).toBe(2);
    expectParagraph(r.stderr);
    expect(r.stderr).toContain(path.join(locked, "petstore"));
  });
});

describe("internal errors", () => {
  const args = ["--spec", path.join(specs, "petstore-3.0.yaml"), "--name", "petstore", "--names", "-q"];
  const failing = (stderr: string[]) => ({
    stdout: () => {
      throw new TypeError("stdout exploded");
    },
    stderr: (t: string) => void stderr.push(t),
    cwd: work,
  });

  it("are one line asking for a report, exit 70, no stack", async () => {
    const stderr: string[] = [];
    const code = await main(args, failing(stderr));
    expect(code).toBe(70);
    expect(stderr.join("")).toMatch(/^alter-gen: internal error: stdout exploded\. This is a bug in alter-gen; please report it/);
    expect(stderr.join("")).not.toMatch(/\n\s+at /);
  });

  it("show the stack with ALTER_GEN_DEBUG=1", async () => {
    const stderr: string[] = [];
    process.env.ALTER_GEN_DEBUG = "1";
    try {
      expect(await main(args, failing(stderr))).toBe(70);
    } finally {
      delete process.env.ALTER_GEN_DEBUG;
    }
    expect(stderr.join("")).toMatch(/\n\s+at /);
  });
});

describe("as a process", () => {
  it("prints no stack trace and exits 2 for a bad document", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "generator/cli-entry.ts"), "--spec", path.join(specs, "bad/not-openapi.yaml"), "--name", "x", "-q"], { encoding: "utf8", cwd: root });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^alter-gen: This is not an OpenAPI document/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

// The two published packages, checked on the tarballs `npm run pack` makes (scripts/pack.mjs):
// what each ships, what each manifest promises, and the ecosystem's own checkers (publint and
// arethetypeswrong, on every entry point including each generated client). The consumer check
// (consumer.test.ts) then installs the same tarballs into a new project.
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publint } from "publint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without declarations
import { assemble } from "../../scripts/pack.mjs";

interface Packed {
  name: string;
  file: string;
  dir: string;
  files: string[];
  manifest: Record<string, any>;
}

const ROOT = join(import.meta.dirname, "../..");
const ATTW = join(ROOT, "node_modules/.bin/attw");
/** Every integration entry (alter-gen/<entry>) and the optional peer only it may load. */
const INTEGRATIONS: Record<string, string | string[]> = {
  express: "express",
  hono: "hono",
  fastify: "fastify",
  langchain: "@langchain/core",
  // jose: the HTTP front door verifies bearer tokens (integrations/mcp/token.ts).
  mcp: ["@modelcontextprotocol/server", "@modelcontextprotocol/node", "jose"],
  ai: "ai",
};
/** Optional peers of the runtime itself, and the one module that may load each (by import()). */
const RUNTIME_OPTIONAL: Record<string, string> = { "@opentelemetry/api": "dist/runtime/internal/tracing.js" };
const CLIENT_IDS = readdirSync(join(ROOT, "generated")).filter((f) => statSync(join(ROOT, "generated", f)).isDirectory());
let out: string;
const packed = new Map<string, Packed>();

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "alter-pack-"));
  for (const t of assemble(out) as { name: string; file: string }[]) {
    const dir = join(out, "unpacked", t.name.replace("/", "+"));
    mkdirSync(dir, { recursive: true });
    execFileSync("tar", ["xzf", t.file, "-C", dir, "--strip-components=1"]);
    const files = execFileSync("tar", ["tzf", t.file], { encoding: "utf8" }).trim().split("\n").map((f) => f.replace(/^package\//, ""));
    packed.set(t.name, { name: t.name, file: t.file, dir, files, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) });
  }
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const pkg = (name: string) => packed.get(name)!;

describe("what each tarball ships", () => {
  it.each([
    ["alter-gen", ["bin/alter-gen.js", "dist/runtime/index.js", "dist/runtime/index.d.ts", "dist/protocol/errors.js", "dist/protocol/injection.d.ts", "generated/slack/index.js", "generated/slack/index.d.ts", "generated/slack/tools.js", "generated/slack/tools.d.ts", ...Object.keys(INTEGRATIONS).flatMap((e) => [`dist/integrations/${e}/index.js`, `dist/integrations/${e}/index.d.ts`])]],
    ["@alter-gen/cli", ["dist/cli/main.js", "dist/cli/main.d.ts", "dist/protocol/signing.js", "dist/generator/commands/io.d.ts", "dist/catalog/index.js", "dist/vault/cli/index.js", "dist/vault/storage/sqlite.js", "specs/providers.yaml", "specs/slack/openapi.json"]],
  ])("%s: compiled JS, LICENSE and README, no sources, source maps or build info", (name, expected) => {
    const { files, dir } = pkg(name);
    for (const f of ["package.json", "LICENSE", "README.md", ...expected]) expect(files).toContain(f);
    expect(files.filter((f) => /\.ts$/.test(f) && !f.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((f) => /\.map$|tsbuildinfo/.test(f))).toEqual([]);
    const withMaps = files.filter((f) => f.endsWith(".js") && readFileSync(join(dir, f), "utf8").includes("sourceMappingURL"));
    expect(withMaps).toEqual([]);
    expect(readFileSync(join(dir, "LICENSE"), "utf8")).toMatch(/^MIT License/);
  });

  it("the run-time package carries no generator, vault or catalog; the generator no generated clients", () => {
    expect(pkg("alter-gen").files.filter((f) => /^(specs|dist\/generator|dist\/vault)\//.test(f))).toEqual([]);
    expect(pkg("@alter-gen/cli").files.filter((f) => f.startsWith("generated/"))).toEqual([]);
    // The vault imports protocol/, never the runtime: the program ships no copy of it.
    expect(pkg("@alter-gen/cli").files.filter((f) => f.startsWith("dist/runtime/"))).toEqual([]);
  });
});

describe("published manifests", () => {
  const walk = (value: unknown, at: string, found: string[]) => {
    if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) (k === "source" ? found.push(`${at}/${k}`) : walk(v, `${at}/${k}`, found));
    return found;
  };

  it.each(["alter-gen", "@alter-gen/cli"])("%s: ESM for Node >= 20.19 (require(esm)), MIT, no scripts, no source condition", (name) => {
    const m = pkg(name).manifest;
    expect(m).toMatchObject({ type: "module", license: "MIT", engines: { node: ">=20.19" } });
    for (const field of ["scripts", "allowScripts", "devDependencies", "private"]) expect(m).not.toHaveProperty(field);
    expect(walk(m.exports, "exports", [])).toEqual([]);
    // Only real links: the project has no public repository yet, so none is invented.
    for (const field of ["repository", "homepage", "bugs"]) expect(m).not.toHaveProperty(field);
  });

  it("alter-gen depends on undici alone, each integration's framework an optional peer; @alter-gen/cli takes better-sqlite3 as an optional peer", () => {
    const alterGen = pkg("alter-gen").manifest;
    expect(alterGen.dependencies).toEqual({ undici: expect.any(String) });
    const peers = [...new Set([...Object.values(INTEGRATIONS).flat(), ...Object.keys(RUNTIME_OPTIONAL)])].sort();
    expect(Object.keys(alterGen.peerDependencies).sort()).toEqual(peers);
    expect(alterGen.peerDependenciesMeta).toEqual(Object.fromEntries(peers.map((p) => [p, { optional: true }])));
    for (const e of Object.keys(INTEGRATIONS)) expect(alterGen.exports[`./${e}`]).toEqual({ types: `./dist/integrations/${e}/index.d.ts`, default: `./dist/integrations/${e}/index.js` });
    const cli = pkg("@alter-gen/cli").manifest;
    // The vault's SQLite and PostgreSQL stores and `alter-gen diff`'s TypeScript checker are loaded on first use.
    expect(cli.peerDependencies).toMatchObject({ "alter-gen": cli.version, "better-sqlite3": expect.any(String), pg: expect.any(String), "ts-morph": expect.any(String) });
    expect(cli.peerDependenciesMeta).toEqual({ "better-sqlite3": { optional: true }, pg: { optional: true }, "ts-morph": { optional: true } });
  });

  it("alter-gen: @langchain/core is loaded only by alter-gen/langchain", () => {
    const { files, dir } = pkg("alter-gen");
    const importers = files.filter((f) => f.endsWith(".js") && readFileSync(join(dir, f), "utf8").includes("@langchain/core"));
    expect(importers).toEqual(["dist/integrations/langchain/index.js"]);
  });

  // Bare specifiers of shipped JS: import/export … from, import "x", import("x"), and the
  // createRequire(…)("x") / require("x") loads of optional modules.
  const NAME = `((?:@[a-z0-9][\\w.-]*/)?[a-z0-9][\\w.-]*(?:/[\\w./-]*)?)`;
  const SPECIFIER = new RegExp(
    [`^\\s*(?:import|export)\\b[^;]*?\\bfrom\\s*["']${NAME}["']`, `^\\s*import\\s*["']${NAME}["']`, `\\bimport\\(\\s*["']${NAME}["']\\s*\\)`, `(?<![.\\w])(?:require|load)\\(\\s*["']${NAME}["']\\s*\\)`].join("|"),
    "gm",
  );
  const packageOf = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
  const isBuiltin = (name: string) => name.startsWith("node:") || builtinModules.includes(name);

  it.each(["alter-gen", "@alter-gen/cli"])("%s: every package a shipped file imports is declared, and every dependency is imported", (name) => {
    const { files, dir, manifest } = pkg(name);
    const imported = new Map<string, string>();
    for (const f of files.filter((f) => f.endsWith(".js"))) {
      for (const m of readFileSync(join(dir, f), "utf8").matchAll(SPECIFIER)) {
        const p = packageOf(m.slice(1).find(Boolean)!);
        if (!isBuiltin(p) && !imported.has(p)) imported.set(p, f);
      }
    }
    const declared = new Set([manifest.name, ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    expect([...imported].filter(([p]) => !declared.has(p)).map(([p, f]) => `${p} (in ${f})`)).toEqual([]);
    expect(Object.keys(manifest.dependencies ?? {}).filter((d) => !imported.has(d))).toEqual([]);
  });

  // A user who never imports alter-gen/hono never needs hono: no shipped file loads an optional
  // peer, except the one adapter that serves it (and that only at its own entry).
  it("alter-gen: only an adapter's own entry may load its optional peer", () => {
    const { files, dir, manifest } = pkg("alter-gen");
    const optional = Object.keys(manifest.peerDependenciesMeta ?? {}).filter((p) => manifest.peerDependenciesMeta[p].optional);
    expect(optional.length).toBeGreaterThan(0);
    const loads: string[] = [];
    for (const f of files.filter((f) => f.endsWith(".js"))) {
      for (const m of readFileSync(join(dir, f), "utf8").matchAll(SPECIFIER)) {
        const p = packageOf(m.slice(1).find(Boolean)!);
        // An adapter made of several modules (alter-gen/mcp) loads its framework from its own folder.
        const own = Object.keys(INTEGRATIONS).filter((e) => [INTEGRATIONS[e]].flat().includes(p)).map((e) => `dist/integrations/${e}/`);
        if (optional.includes(p) && !own.some((folder) => f.startsWith(folder)) && RUNTIME_OPTIONAL[p] !== f) loads.push(`${f} loads ${p}`);
      }
    }
    expect(loads).toEqual([]);
  });

  // Tracing's API package is loaded on first traced call, never by a static import of the runtime.
  it("alter-gen: @opentelemetry/api is loaded only by import() in the runtime's tracing module, and no declaration names it", () => {
    const { files, dir } = pkg("alter-gen");
    const otel = (f: string) => [...readFileSync(join(dir, f), "utf8").matchAll(SPECIFIER)].map((m) => m.slice(1).find(Boolean)!).filter((spec) => spec.startsWith("@opentelemetry/"));
    expect(files.filter((f) => /\.(d\.ts|js)$/.test(f) && otel(f).length > 0)).toEqual(Object.values(RUNTIME_OPTIONAL));
    const text = readFileSync(join(dir, RUNTIME_OPTIONAL["@opentelemetry/api"]!), "utf8");
    expect(text).toContain('import("@opentelemetry/api")');
    expect(text).not.toMatch(/from\s*["']@opentelemetry/);
  });

  // What importing alter-gen/<entry> loads, followed through its relative imports (alter-gen/ai
  // reuses alter-gen/mcp's failure wording): only that entry's own peers, alter-gen itself and its dependencies.
  it.each(Object.keys(INTEGRATIONS))("alter-gen/%s loads no package but its own peer and alter-gen's dependencies", (entry) => {
    const { dir, manifest } = pkg("alter-gen");
    // The runtime's own optional peers (tracing's API, loaded by import() only when on) come with it.
    const allowed = new Set([manifest.name, ...[INTEGRATIONS[entry]!].flat(), ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(RUNTIME_OPTIONAL)]);
    const RELATIVE = /^\s*(?:import|export)\b[^;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']/gm;
    const seen = new Set<string>();
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(dir, file), "utf8");
      for (const m of text.matchAll(SPECIFIER)) {
        const p = packageOf(m.slice(1).find(Boolean)!);
        if (!isBuiltin(p)) loaded.add(p);
      }
      for (const m of text.matchAll(RELATIVE)) visit(join(file, "..", m[1]!));
    };
    visit(`dist/integrations/${entry}/index.js`);
    expect(seen.size).toBeGreaterThan(1);
    expect([...loaded].filter((p) => !allowed.has(p)).sort()).toEqual([]);
  });
});

describe("the ecosystem's checkers", () => {
  it.each(["alter-gen", "@alter-gen/cli"])("publint --strict finds nothing in %s", async (name) => {
    const { messages } = await publint({ pkgDir: pkg(name).dir, strict: true, pack: false });
    expect(messages.map((m) => `${m.type} ${m.code} ${m.path.join(".")}`)).toEqual([]);
  });

  // ESM-only by design: a CommonJS app uses import(), or require() on Node >= 20.19 (README),
  // so attw's "ESM (dynamic import only)" for node16-cjs is the one finding accepted.
  it.each([
    ["alter-gen", ["runtime", ...Object.keys(INTEGRATIONS), ...CLIENT_IDS.flatMap((id) => [`generated/${id}`, `generated/${id}/tools`])], ["node16-cjs"]],
    ["@alter-gen/cli", ["."], ["node16-cjs", "node10"]],
  ] as const)("arethetypeswrong resolves every entry point of %s", (name, entrypoints, accepted) => {
    // Into a file: attw exits right after writing, which cuts a large report short on a pipe.
    const reportFile = join(out, `attw-${name.replace("/", "+")}.json`);
    const fd = openSync(reportFile, "w");
    try {
      execFileSync(ATTW, [pkg(name).file, "--format", "json", "--entrypoints", ...entrypoints], { stdio: ["ignore", fd, "inherit"] });
    } catch {
      // exit 1 when it finds problems: the report says which
    } finally {
      closeSync(fd);
    }
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as { analysis: { entrypoints: Record<string, unknown> }; problems?: Record<string, { kind: string; entrypoint: string; resolutionKind?: string }[]> };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(entrypoints.map((e) => (e === "." ? "." : `./${e}`)).sort());
    const problems = Object.values(report.problems ?? {})
      .flat()
      .filter((p) => !(p.resolutionKind && (accepted as readonly string[]).includes(p.resolutionKind)))
      .map((p) => `${p.kind} ${p.entrypoint} ${p.resolutionKind ?? ""}`);
    expect(problems).toEqual([]);
  }, 120_000);
});


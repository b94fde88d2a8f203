// Assembles the two published packages from the build and packs them (`npm run pack`):
//
//   .pack/alter-gen-<version>.tgz      alter-gen: what an app runs. dist/runtime and dist/protocol (JS + .d.ts), the
//                                      generated/ clients, and the `alter-gen` launcher. undici only;
//                                      the integrations (dist/integrations) take their framework
//                                      as an optional peer.
//   .pack/alter-gen-cli-<version>.tgz  @alter-gen/cli: the alter-gen program (cli/), the generator,
//                                      the catalog, the local vault (with its own copy of the
//                                      protocol modules it shares with the runtime) and specs/.
//
// The manifests are packages/alter-gen/package.json and packages/cli/package.json. This script
// refuses to pack when their version or a dependency range differs from the workspace's
// package.json, so the two cannot drift. Published files carry no TypeScript sources and no source
// maps (the maps would point at sources that are not shipped), and no .tsbuildinfo.
//
// The workspace stays one package (root package.json, sources in runtime/, generator/, catalog/,
// cli/, vault/): an npm workspace can only publish files inside its own folder, which would mean
// moving the sources or copying the build into packages/* anyway.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const workspace = readJson(join(root, "package.json"));

const PACKAGES = [
  {
    dir: "alter-gen",
    readme: "README.md",
    copy: [
      ["packages/alter-gen/bin", "bin"],
      ["dist/runtime", "dist/runtime", compiled],
      ["dist/integrations", "dist/integrations", compiled],
      // Seam 2 in code: what the runtime and the vault both run (signing, sealing, the error table).
      ["dist/protocol", "dist/protocol", compiled],
      ["generated", "generated"],
    ],
  },
  {
    dir: "cli",
    readme: "packages/cli/README.md",
    copy: [
      // A program: its JS, plus the declarations of its one export (main, for the launcher).
      ["dist/cli", "dist/cli", cliProgram],
      ["dist/generator", "dist/generator", cliProgram],
      ["dist/catalog", "dist/catalog", programOnly],
      ["dist/vault", "dist/vault", programOnly],
      // The vault runs protocol/ (shared with the runtime) and imports nothing of the runtime.
      ["dist/protocol", "dist/protocol", programOnly],
      ["specs", "specs"],
    ],
  },
];

function readJson(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

/** Compiled output only: .js and .d.ts, without the sourceMappingURL comment. */
function compiled(file, text) {
  if (!/\.(js|d\.ts)$/.test(file)) return undefined;
  return text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
}

function programOnly(file, text) {
  return file.endsWith(".d.ts") ? undefined : compiled(file, text);
}

/** main()'s declarations and the one file they import; cli/entry.ts only runs the sources under tsx. */
const CLI_DECLARATIONS = new Set(["dist/cli/main.d.ts", "dist/generator/commands/io.d.ts"]);

function cliProgram(file, text, path) {
  if (path.startsWith("dist/cli/entry.")) return undefined;
  return CLI_DECLARATIONS.has(path) ? compiled(file, text) : programOnly(file, text);
}

function copyTree(from, to, transform) {
  if (!existsSync(from)) throw new Error(`${relative(root, from)} is missing: run \`npm run build\` first.`);
  if (!transform) return cpSync(from, to, { recursive: true });
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    if (statSync(src).isDirectory()) {
      copyTree(src, join(to, name), transform);
      continue;
    }
    const text = transform(name, readFileSync(src, "utf8"), relative(root, src));
    if (text === undefined) continue;
    mkdirSync(to, { recursive: true });
    writeFileSync(join(to, name), text);
  }
}

/** The manifest must agree with the workspace: same version, same range for every dependency. */
function checkManifest(manifest, file) {
  const problems = [];
  if (manifest.version !== workspace.version) problems.push(`version ${manifest.version} (the workspace is ${workspace.version})`);
  const known = { ...workspace.devDependencies, ...workspace.dependencies };
  for (const field of ["dependencies", "peerDependencies"]) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (name === "alter-gen") {
        if (range !== workspace.version) problems.push(`${field}.alter-gen is ${range}, not the version being packed (${workspace.version})`);
      } else if (known[name] !== range && !testedAlternatives(name, range, known)) problems.push(`${field}.${name} is ${range}, the workspace has ${known[name] ?? "no such dependency"}`);
    }
  }
  for (const field of ["scripts", "allowScripts", "devDependencies"]) if (manifest[field]) problems.push(`has "${field}" (a published manifest must not)`);
  if (problems.length) throw new Error(`${relative(root, file)} disagrees with the workspace package.json:\n  ${problems.join("\n  ")}`);
}

/**
 * A peer range of several majors (`^5.0.277 || ^6.0.326`) where every alternative is installed in
 * the workspace and so tested: one is the package's own range, each other that of an npm alias
 * (`"ai-v5": "npm:ai@^5.0.277"`).
 */
function testedAlternatives(name, range, known) {
  const aliased = new Set(Object.values(known).filter((v) => v.startsWith(`npm:${name}@`)).map((v) => v.slice(`npm:${name}@`.length)));
  const alternatives = range.split("||").map((r) => r.trim());
  return alternatives.length > 1 && alternatives.includes(known[name]) && alternatives.every((r) => r === known[name] || aliased.has(r));
}

/** Packs both packages into `out` (default .pack/); returns the tarballs. */
export function assemble(out = join(root, ".pack")) {
  rmSync(out, { recursive: true, force: true });
  const tarballs = [];
  for (const pkg of PACKAGES) {
    const stage = join(out, pkg.dir);
    const manifestFile = join(root, "packages", pkg.dir, "package.json");
    const manifest = readJson(manifestFile);
    checkManifest(manifest, manifestFile);
    for (const [from, to, transform] of pkg.copy) copyTree(join(root, from), join(stage, to), transform);
    cpSync(join(root, "LICENSE"), join(stage, "LICENSE"));
    cpSync(join(root, pkg.readme), join(stage, "README.md"));
    writeFileSync(join(stage, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
    const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", out], { cwd: stage, encoding: "utf8" }));
    tarballs.push({ name: manifest.name, file: join(out, packed.filename), size: packed.size, unpackedSize: packed.unpackedSize, files: packed.entryCount });
  }
  return tarballs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    for (const t of assemble()) {
      console.log(`${relative(root, t.file)}  ${t.name}: ${t.files} files, ${(t.size / 1e6).toFixed(1)} MB packed, ${(t.unpackedSize / 1e6).toFixed(1)} MB unpacked`);
    }
  } catch (error) {
    console.error(`pack: ${error.message}`);
    process.exitCode = 1;
  }
}

// The generator's identity, written into every generated file header. Found by walking up from
// this file so it works from the sources and from dist/ alike.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findPackage(): { name: string; version: string; root: string } {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "alter-gen") return { name: pkg.name, version: pkg.version ?? "0.0.0", root: dir };
    } catch {
      // not here; keep walking
    }
    const parent = path.dirname(dir);
    if (parent === dir) return { name: "alter-gen", version: "0.0.0", root: process.cwd() };
    dir = parent;
  }
}

const pkg = findPackage();
export const GENERATOR_NAME: string = pkg.name;
export const GENERATOR_VERSION: string = pkg.version;
/** The package root (holds specs/ and generated/). */
export const PACKAGE_ROOT: string = pkg.root;

// The generator's identity, written into every generated file header. Found by walking up from
// this file to the package that holds it, so it works from the sources and dist/ of the
// development workspace (package "alter-gen") and from the published "@alter-gen/cli" alike.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The development workspace, and the published generator assembled from it (scripts/pack.mjs). */
const PACKAGE_NAMES = new Set(["alter-gen", "@alter-gen/cli"]);

function findPackage(): { name: string; version: string; root: string } {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name && PACKAGE_NAMES.has(pkg.name)) return { name: pkg.name, version: pkg.version ?? "0.0.0", root: dir };
    } catch {
      // not here; keep walking
    }
    const parent = path.dirname(dir);
    if (parent === dir) return { name: "alter-gen", version: "0.0.0", root: process.cwd() };
    dir = parent;
  }
}

const pkg = findPackage();
/** The product's name in file headers, whichever package runs the generator. */
export const GENERATOR_NAME = "alter-gen";
export const GENERATOR_VERSION: string = pkg.version;
/** The package root (holds specs/, and generated/ in the development workspace). */
export const PACKAGE_ROOT: string = pkg.root;
/**
 * The workspace's checked-in generated/ folder, where `--all` writes by default; undefined in the
 * published generator, whose `--all` writes to ./clients like `--provider`.
 */
export const WORKSPACE_GENERATED: string | undefined = pkg.name === "alter-gen" ? path.join(pkg.root, "generated") : undefined;

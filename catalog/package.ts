// The alter-gen package this code runs from, found by walking up from a module to the
// package.json that names it: the development workspace ("alter-gen", sources and dist/) or the
// published generator assembled from it ("@alter-gen/cli", scripts/pack.mjs). Its folder holds
// specs/ (the catalog) and, in the workspace, generated/.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The development workspace, and the published generator assembled from it. */
export const PACKAGE_NAMES: readonly string[] = ["alter-gen", "@alter-gen/cli"];

export interface AlterGenPackage {
  name: string;
  version: string;
  root: string;
}

/** The nearest package above `moduleUrl` (an `import.meta.url`) named in PACKAGE_NAMES. */
export function findAlterGenPackage(moduleUrl: string): AlterGenPackage | undefined {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
      if (typeof pkg.name === "string" && PACKAGE_NAMES.includes(pkg.name)) {
        return { name: pkg.name, version: typeof pkg.version === "string" ? pkg.version : "0.0.0", root: dir };
      }
    } catch {
      // no package.json here, or not JSON: not ours; keep walking
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

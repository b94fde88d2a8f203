// The generator's identity, written into every generated file header: the version of the package
// that holds this file (catalog/package.ts), from the sources and dist/ of the development
// workspace (package "alter-gen") and from the published "@alter-gen/cli" alike.
import path from "node:path";
import { findAlterGenPackage } from "../catalog/index.js";

const pkg = findAlterGenPackage(import.meta.url) ?? { name: "alter-gen", version: "0.0.0", root: process.cwd() };
/** The product's name in file headers, whichever package runs the generator. */
export const GENERATOR_NAME = "alter-gen";
export const GENERATOR_VERSION: string = pkg.version;
/**
 * The workspace's checked-in generated/ folder, where `--all` writes by default; undefined in the
 * published generator, whose `--all` writes to ./clients like `--provider`.
 */
export const WORKSPACE_GENERATED: string | undefined = pkg.name === "alter-gen" ? path.join(pkg.root, "generated") : undefined;

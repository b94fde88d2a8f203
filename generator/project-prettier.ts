// `--prettier`: emitted files formatted by the prettier of the project they are written into,
// with that project's own configuration (.prettierrc, package.json "prettier", .editorconfig)
// and .prettierignore. Without it the output is alter-gen's own printing, which already matches
// prettier's defaults, so alter-gen does not depend on prettier: it is loaded, on request only,
// from the consumer's node_modules.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError } from "./errors.js";

/** The part of prettier's API used here (2.x answers synchronously, 3.x with promises). */
interface Prettier {
  version: string;
  format(source: string, options: Record<string, unknown>): string | Promise<string>;
  resolveConfig(file: string, options?: { editorconfig?: boolean }): Promise<Record<string, unknown> | null>;
  getFileInfo(file: string, options?: { ignorePath?: string | string[]; resolveConfig?: boolean }): Promise<{ ignored: boolean }>;
}

/** Finds prettier from `dir` upwards, as Node resolves a package the project installed. */
export async function loadProjectPrettier(dir: string): Promise<Prettier> {
  let entry: string;
  try {
    entry = createRequire(path.join(dir, "noop.js")).resolve("prettier");
  } catch {
    throw new UsageError(
      `--prettier formats with the prettier your project installs, and none is reachable from ${dir}. Install it (npm install --save-dev prettier) or leave out --prettier: the output is already printed in prettier's default style.`,
      { flag: "--prettier" },
    );
  }
  const loaded = (await import(pathToFileURL(entry).href)) as Prettier & { default?: Prettier };
  const prettier = typeof loaded.format === "function" ? loaded : loaded.default;
  if (!prettier || typeof prettier.format !== "function" || typeof prettier.resolveConfig !== "function") {
    throw new UsageError(`The prettier found at ${entry} does not offer format() and resolveConfig().`, { flag: "--prettier", file: entry });
  }
  return prettier;
}

/**
 * `files` (name -> text) as they would be written into `dir`, each formatted with the config
 * prettier resolves for its path; files the project's .prettierignore names are left as they are.
 */
export async function formatWithProjectPrettier(prettier: Prettier, dir: string, cwd: string, files: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ignorePath = path.join(cwd, ".prettierignore");
  for (const [name, text] of files) {
    const filepath = path.join(dir, name);
    const info = await prettier.getFileInfo(filepath, { ignorePath, resolveConfig: false });
    if (info.ignored) {
      out.set(name, text);
      continue;
    }
    const config = (await prettier.resolveConfig(filepath, { editorconfig: true })) ?? {};
    try {
      out.set(name, await prettier.format(text, { ...config, filepath }));
    } catch (err) {
      throw new UsageError(`prettier ${prettier.version} could not format ${filepath} with your configuration: ${(err as Error).message.split("\n")[0]}.`, { flag: "--prettier", file: filepath });
    }
  }
  return out;
}

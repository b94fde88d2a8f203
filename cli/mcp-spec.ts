// `alter-gen mcp --spec <file>`: a document outside the catalog served as it is. The client and
// its tools table are generated in memory, as `alter-gen --spec` would write them, into a
// temporary folder that lives as long as the server (Node imports modules from files; the
// generated tables import each other by relative path), then the folder is removed. A document
// the generator refuses is reported as the generator reports it: the file and the JSON pointer.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { InputError } from "../catalog/index.js";
import { generateClient, MODULE_SCOPE_FILE, MODULE_SCOPE_JSON } from "../generator/generate.js";
import { options } from "../generator/options.js";
import type { ToolsTable } from "alter-gen/runtime";

export interface SpecTools {
  table: ToolsTable;
  /** Removes the generated files. */
  dispose(): Promise<void>;
}

/** The provider id a document is served as: `--name`, else the file's name (`petstore.yaml` -> `petstore`; `slack/openapi.json` -> `slack`). */
export function specProviderId(spec: string, name: string | undefined): string {
  if (name !== undefined) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new InputError(`${JSON.stringify(name)} is not a provider id: lower-case letters, digits and dashes, starting with a letter`, { flag: "--name" });
    return name;
  }
  const segments = new URL(spec, "file:///").pathname.split("/").filter(Boolean);
  let base = (segments.pop() ?? "").replace(/\.(ya?ml|json)$/i, "").replace(/[.-](openapi|swagger)$/i, "");
  // specs/slack/openapi.json is Slack's document: the folder names it.
  if (/^(openapi|swagger)$/i.test(base)) base = segments.pop() ?? "";
  const id = base.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^[^a-z]+|-+$/g, "");
  if (!id) throw new InputError(`cannot make a provider id from ${JSON.stringify(spec)}; name it with --name <id> (the id the vault's provider config and grants use)`, { flag: "--name" });
  return id;
}

/** Generates `spec`'s client with its tools table and loads the table. */
export async function toolsFromSpec(spec: string, name: string | undefined, cwd: string): Promise<SpecTools> {
  const source = /^https?:\/\//i.test(spec) ? spec : path.resolve(cwd, spec);
  const id = specProviderId(source, name);
  const generated = await generateClient({ id, name: id, spec: source, specFlag: "--spec", namespaceBy: options.namespaceBy.default });
  if (!generated.files.has("tools.js")) throw new InputError(`${source} gave no tools table (no operation left to offer)`, { flag: "--spec" });
  const dir = await mkdtemp(path.join(tmpdir(), `alter-gen-mcp-${id}-`));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    // Only the tables are loaded: tools.js, provider.js and the namespace modules, whose
    // imports of alter-gen/runtime are types in JSDoc comments.
    for (const [file, text] of generated.files) if (file.endsWith(".js")) await writeFile(path.join(dir, file), text);
    await writeFile(path.join(dir, MODULE_SCOPE_FILE), MODULE_SCOPE_JSON);
    const mod = (await import(pathToFileURL(path.join(dir, "tools.js")).href)) as { tools: ToolsTable };
    return { table: mod.tools, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

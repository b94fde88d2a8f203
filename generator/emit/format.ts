// How a client's modules are written: an output format turns what the emitters built (module
// declarations with their imports, operation tables, provider data) into files. Two formats:
// `js` (format-js.ts: .js data + .d.ts types, the default, cheapest for consumers' type-checks)
// and `ts` (format-ts.ts: single .ts modules, for projects that compile clients as their own
// sources, e.g. inside a `tsc --outDir` build).
import type { NamespaceModel } from "../model/api.js";
import { pascalCase } from "../model/names.js";
import type { ModuleText } from "./imports.js";
import type { Data } from "./js-data.js";
import type { NamespaceModule } from "./namespace.js";
import type { SchemaModule } from "./schema-module.js";
import type { ToolsModule } from "./tools/table.js";

export const OUTPUT_FORMATS = ["js", "ts"] as const;
export type OutputFormatName = (typeof OUTPUT_FORMATS)[number];

/** A file of the client: its name relative to the client folder and its text. */
export type ClientFile = [name: string, text: string];

/** What the index module wires together. */
export interface ClientInfo {
  providerId: string;
  displayName: string;
  namespaces: NamespaceModel[];
}

export interface OutputFormat {
  /** The schema types and the enum value objects. */
  schemas(header: string, schemas: SchemaModule): ClientFile[];
  /** Parameters many operations share (emit/shared-params.ts). */
  params(header: string, params: ModuleText): ClientFile[];
  /** One namespace: its types and its operation table. */
  namespace(header: string, module: NamespaceModule): ClientFile[];
  /** The provider's data (`ProviderSpec`). */
  provider(header: string, provider: Record<string, Data>): ClientFile[];
  /** The client factory, its interface and the re-exports. */
  index(header: string, info: ClientInfo, modules: readonly NamespaceModule[]): ClientFile[];
  /** The tools table (emit/tools/), which the index does not import. */
  tools(header: string, tools: ToolsModule): ClientFile[];
}

/** The client interface's name (`GithubClient`). */
export function clientTypeName(providerId: string): string {
  return `${pascalCase(providerId) || "Api"}Client`;
}

/** The factory's name (`createGithubClient`). */
export function factoryName(providerId: string): string {
  return `create${clientTypeName(providerId)}`;
}

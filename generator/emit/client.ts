// One client's files from its model: the schema types, the shared parameters, a module per
// namespace, the provider data and the index, each written by the chosen output format.
import type { ApiModel } from "../model/api.js";
import type { ClientFile, OutputFormat } from "./format.js";
import type { Data } from "./js-data.js";
import { namespaceModule, paramsMembers, type NamespaceModule } from "./namespace.js";
import { schemaModule } from "./schema-module.js";
import { planSharedParams } from "./shared-params.js";
import type { ToolsConfig } from "../../catalog/index.js";
import { buildToolsModule } from "./tools/table.js";

export interface ClientInput {
  model: ApiModel;
  /** The comment every file starts with (header.ts). */
  header: string;
  format: OutputFormat;
  displayName: string;
  /** The `ProviderSpec` data of provider.js. */
  provider: Record<string, Data>;
  /** The tools table's curation; absent: no tools module. */
  tools?: ToolsConfig;
}

/**
 * File name -> text, sorted by name. `onNamespace` hears the running count of operations after
 * each namespace module (progress for the largest documents).
 */
export function emitClient(input: ClientInput, onNamespace?: (operations: number) => void): Map<string, string> {
  const { model, header, format } = input;
  const files = new Map<string, string>();
  const add = (list: ClientFile[]) => list.forEach(([name, text]) => files.set(name, text));
  const requestNodes = model.namespaces.flatMap((ns) => ns.operations.flatMap((op) => [...op.params.map((p) => p.schema), ...(op.body?.schema ? [op.body.schema] : [])]));
  const schemas = schemaModule(model.schemas, requestNodes);
  add(format.schemas(header, schemas));
  const sharedParams = planSharedParams(model.namespaces, (op) => paramsMembers(op, schemas.toType));
  const paramsModule = sharedParams.module();
  if (paramsModule) add(format.params(header, paramsModule));
  const modules: NamespaceModule[] = [];
  let operations = 0;
  const nsFiles = new Map(model.namespaces.map((ns) => [ns.name, ns.file]));
  const moduleOf = (namespace: string) => (nsFiles.has(namespace) ? { specifier: `./${nsFiles.get(namespace)}.js` } : undefined);
  for (const ns of model.namespaces) {
    const module = namespaceModule(ns, schemas.toType, sharedParams, moduleOf);
    modules.push(module);
    add(format.namespace(header, module));
    operations += ns.operations.length;
    onNamespace?.(operations);
  }
  add(format.provider(header, input.provider));
  add(format.index(header, { providerId: model.providerId, displayName: input.displayName, namespaces: model.namespaces }, modules));
  if (input.tools) add(format.tools(header, buildToolsModule(model, input.tools)));
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

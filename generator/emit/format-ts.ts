// The `ts` output format: the same client as single `.ts` modules, for projects that compile
// clients as their own sources (their compiler then checks them fully; the default .js/.d.ts
// pairs stay cheaper for consumers' type-checks).
import { bindArgument } from "./aliases.js";
import { clientTypeName, factoryName, type ClientInfo, type OutputFormat } from "./format.js";
import { importLayout, RUNTIME } from "./imports.js";
import { exportConst } from "./js-data.js";
import { group, hardline, ifBreak, indent, join, line, printLayout, softline, type Layout } from "./layout.js";
import type { NamespaceModule } from "./namespace.js";
import { operationTableTs } from "./operation-table.js";
import { propertyKey } from "./types/literals.js";
import { toolsTs } from "./tools/module.js";

export const tsFormat: OutputFormat = {
  schemas(header, schemas) {
    // The enum value objects are real objects here (`as const`), not `declare const` + `.js`.
    const types = header + "\n" + schemas.imports.print() + schemas.types.trimEnd();
    const enums = schemas.enums.ts.trimEnd();
    if (enums) return [["schemas.ts", `${types.replace(/\n+$/, "")}\n\n${enums}\n`]];
    return [["schemas.ts", schemas.types.trim() ? types + "\n" : types + "export {};\n"]];
  },
  params: (header, params) => [["params.ts", header + "\n" + params.imports.print() + params.body]],
  namespace(header, module) {
    // A namespace that only keeps old names (aliases.ts) has no table of its own.
    if (!module.ns.operations.length) return [[`${module.ns.file}.ts`, header + "\n" + module.imports.print() + module.body]];
    module.imports.add(RUNTIME, "OperationTable");
    return [[`${module.ns.file}.ts`, header + "\n" + module.imports.print() + module.body + "\n" + operationTableTs(module.ns.operations)]];
  },
  provider: (header, provider) => [["provider.ts", header + '\nimport type { ProviderSpec } from "alter-gen/runtime";\n\n' + exportConst("provider: ProviderSpec", provider, undefined, "ts")]],
  index: (header, info, modules) => [["index.ts", indexTs(header, info, modules)]],
  tools: (header, tools) => [["tools.ts", toolsTs(header, tools)]],
};

function indexTs(header: string, info: ClientInfo, modules: readonly NamespaceModule[]): string {
  const client = clientTypeName(info.providerId);
  const imports: Layout[] = [importLayout(["bindOperations", "type AlterVault", "type ClientDefaults", "type OperationTable"], "alter-gen/runtime", false)];
  for (const ns of info.namespaces) {
    imports.push(importLayout([...(ns.operations.length ? [`operations as ${ns.name}Ops`] : []), `type ${ns.typeName}Methods`], `./${ns.file}.js`, false));
  }
  imports.push('import { provider } from "./provider.js";');
  const reexports: Layout[] = modules.map((m) => importLayout(m.typeNames, `./${m.ns.file}.js`, true, "export"));
  reexports.push('export * as Schemas from "./schemas.js";', "export { provider };");
  const members: Layout[] = info.namespaces.map((ns) => `${propertyKey(ns.name)}: ${ns.typeName}Methods;`);
  const entries: Layout[] = info.namespaces.map((ns) =>
    ns.aliases?.length
      ? [propertyKey(ns.name), `: bind<${ns.typeName}Methods>(`, bindArgument(ns, (n) => `${n}Ops`), "),"]
      : group([propertyKey(ns.name), `: bind<${ns.typeName}Methods>(`, indent([softline, `${ns.name}Ops`]), ifBreak(","), softline, "),"]),
  );
  const params = ["vault: AlterVault", "defaults?: ClientDefaults"];
  const factory: Layout = [
    `/** Creates the ${info.displayName} client; \`defaults\` apply to every call (reason, base URL, mode, …). */`,
    hardline,
    group([`export function ${factoryName(info.providerId)}(`, indent([softline, join([",", line], params)]), ifBreak(","), softline, `): ${client} {`]),
    indent([
      hardline,
      "const bind = <M>(ops: OperationTable): M =>",
      indent([hardline, "bindOperations<M>(vault, provider, ops, defaults);"]),
      hardline,
      entries.length ? ["return {", indent([hardline, join(hardline, entries)]), hardline, "};"] : "return {};",
    ]),
    hardline,
    "}",
  ];
  const doc: Layout = [
    join(hardline, imports),
    hardline,
    hardline,
    join(hardline, reexports),
    hardline,
    hardline,
    `/** The ${info.displayName} client: one property per namespace of operations. */`,
    hardline,
    `export interface ${client} {`,
    members.length ? [indent([hardline, join(hardline, members)]), hardline] : "",
    "}",
    hardline,
    hardline,
    factory,
    hardline,
  ];
  return header + "\n" + printLayout(doc);
}


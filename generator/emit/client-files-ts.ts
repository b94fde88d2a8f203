// The `--format ts` layout: the same client as single `.ts` modules, for projects that want
// sources (their compiler then checks them fully; the default .js/.d.ts pairs stay cheaper).
import type { NamespaceModel } from "../model/api.js";
import { clientTypeName, factoryName, type IndexInfo } from "./client-files.js";
import { exportConst, type Data } from "./js-data.js";
import { importLayout } from "./namespace.js";
import { group, hardline, ifBreak, indent, join, line, printLayout, softline, type Layout } from "./layout.js";
import { propertyKey, stringLiteral } from "./types/literals.js";

export function providerTs(header: string, provider: Record<string, Data>): string {
  return header + '\nimport type { ProviderSpec } from "alter-gen/runtime";\n\n' + exportConst("provider: ProviderSpec", provider);
}

/**
 * schemas.ts from the declaration text (`schemas.d.ts`) and the enum objects (`schemas.js`):
 * the ambient `declare const` blocks are replaced by the real objects, `as const`.
 */
export function schemasTs(dts: string, js: string): string {
  const types = dts.replace(/^export declare const [^\n]*\{\n(?:[^\n]*\n)*?\};\n\n?/gm, "").replace(/\n+$/, "\n");
  const consts = js
    .replace(/^\/\/[^\n]*\n/gm, "")
    .replace(/^\n+/, "")
    .replace(/^export \{\};\n/m, "")
    .replace(/^\};$/gm, "} as const;");
  return consts.trim() ? `${types.replace(/\n+$/, "")}\n\n${consts.replace(/\n+$/, "")}\n` : types;
}

function typeNames(dts: string): string[] {
  const names = new Set<string>();
  for (const m of dts.matchAll(/^export (?:interface|type) ([A-Za-z0-9_$]+)/gm)) names.add(m[1]!);
  return [...names];
}

export function indexTs(header: string, info: IndexInfo, namespaceTypes: ReadonlyMap<NamespaceModel, string>): string {
  const client = clientTypeName(info.providerId);
  const imports: Layout[] = [importLayout(["bindOperations", "type AlterVault", "type ClientDefaults", "type OperationTable"], "alter-gen/runtime", false)];
  for (const ns of info.namespaces) imports.push(importLayout([`operations as ${ns.name}Ops`, `type ${ns.typeName}Methods`], `./${ns.file}.js`, false));
  imports.push('import { provider } from "./provider.js";');
  const reexports: Layout[] = info.namespaces.map((ns) => importLayout(typeNames(namespaceTypes.get(ns) ?? ""), `./${ns.file}.js`, true, "export"));
  reexports.push('export * as Schemas from "./schemas.js";', "export { provider };");
  const members: Layout[] = info.namespaces.map((ns) => `${propertyKey(ns.name)}: ${ns.typeName}Methods;`);
  const entries: Layout[] = info.namespaces.map((ns) =>
    group([propertyKey(ns.name), `: bind<${ns.typeName}Methods>(`, indent([softline, `${ns.name}Ops`]), ifBreak(","), softline, "),"]),
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

export { stringLiteral };

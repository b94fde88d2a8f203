// The wiring modules: provider.js/.d.ts (catalog data) and index.js/.d.ts (the client factory
// and the re-exports). Thin by design: behaviour lives in alter-gen/runtime.
import type { NamespaceModel } from "../model/api.js";
import { pascalCase } from "../model/names.js";
import { exportConst, type Data } from "./js-data.js";
import { importLayout } from "./namespace.js";
import { group, hardline, ifBreak, indent, join, line, printLayout, softline, type Layout } from "./layout.js";
import { propertyKey, stringLiteral } from "./types/literals.js";

export function clientTypeName(providerId: string): string {
  return `${pascalCase(providerId) || "Api"}Client`;
}

export function factoryName(providerId: string): string {
  return `create${clientTypeName(providerId)}`;
}

export function providerJs(header: string, provider: Record<string, Data>): string {
  return header + "\n" + exportConst("provider", provider, 'import("alter-gen/runtime").ProviderSpec');
}

export function providerDts(header: string): string {
  return header + '\nimport type { ProviderSpec } from "alter-gen/runtime";\n\nexport declare const provider: ProviderSpec;\n';
}

function opsAlias(ns: NamespaceModel): string {
  return `${ns.name}Ops`;
}

export interface IndexInfo {
  providerId: string;
  displayName: string;
  namespaces: NamespaceModel[];
}

export function indexJs(header: string, info: IndexInfo): string {
  const imports: Layout[] = [importLayout(["bindOperations"], "alter-gen/runtime", false)];
  for (const ns of info.namespaces) imports.push(importLayout([`operations as ${opsAlias(ns)}`], `./${ns.file}.js`, false));
  imports.push('import { provider } from "./provider.js";');
  const entries: Layout[] = info.namespaces.map((ns) => group([propertyKey(ns.name), ": bind(", indent([softline, opsAlias(ns)]), ifBreak(","), softline, "),"]));
  const factory: Layout = [
    "/**",
    hardline,
    ` * Creates the ${info.displayName} client: one object per namespace, every method calling through the vault.`,
    hardline,
    " *",
    hardline,
    ' * @param {import("alter-gen/runtime").AlterVault} vault',
    hardline,
    ' * @param {import("alter-gen/runtime").ClientDefaults} [defaults]',
    hardline,
    ` * @returns {import("./index.js").${clientTypeName(info.providerId)}}`,
    hardline,
    " */",
    hardline,
    `export function ${factoryName(info.providerId)}(vault, defaults) {`,
    indent([
      hardline,
      "const bind = (ops) => bindOperations(vault, provider, ops, defaults);",
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
    'export * as Schemas from "./schemas.js";',
    hardline,
    "export { provider };",
    hardline,
    hardline,
    factory,
    hardline,
  ];
  return header + "\n" + printLayout(doc);
}

export function indexDts(header: string, info: IndexInfo): string {
  const client = clientTypeName(info.providerId);
  const imports: Layout[] = [importLayout(["AlterVault", "ClientDefaults"], "alter-gen/runtime")];
  for (const ns of info.namespaces) imports.push(importLayout([`${ns.typeName}Methods`], `./${ns.file}.js`));
  const reexports: Layout[] = info.namespaces.map((ns) => `export type * from ${stringLiteral(`./${ns.file}.js`)};`);
  reexports.push('export * as Schemas from "./schemas.js";', 'export { provider } from "./provider.js";');
  const members: Layout[] = info.namespaces.map((ns) => group([propertyKey(ns.name), ": ", `${ns.typeName}Methods`, ";"]));
  const clientDecl: Layout = [
    `/** The ${info.displayName} client: one property per namespace of operations. */`,
    hardline,
    `export interface ${client} {`,
    members.length ? indent([hardline, join(hardline, members)]) : "",
    members.length ? hardline : "",
    "}",
  ];
  const params = ["vault: AlterVault", "defaults?: ClientDefaults"];
  const factory: Layout = [
    `/** Creates the ${info.displayName} client; \`defaults\` apply to every call (reason, base URL, mode, …). */`,
    hardline,
    group([`export declare function ${factoryName(info.providerId)}(`, indent([softline, join([",", line], params)]), ifBreak(","), softline, `): ${client};`]),
  ];
  const doc: Layout = [join(hardline, imports), hardline, hardline, join(hardline, reexports), hardline, hardline, clientDecl, hardline, hardline, factory, hardline];
  return header + "\n" + printLayout(doc);
}

// The default output format: `.js` modules hold data and thin wiring, `.d.ts` modules the types,
// so a consumer's type-check (with skipLibCheck) only parses declarations. Behaviour lives in
// alter-gen/runtime.
import { bindArgument } from "./aliases.js";
import { clientTypeName, factoryName, type ClientFile, type ClientInfo, type OutputFormat } from "./format.js";
import { importLayout } from "./imports.js";
import { exportConst } from "./js-data.js";
import { group, hardline, ifBreak, indent, join, line, printLayout, softline, type Layout } from "./layout.js";
import { operationTableJs } from "./operation-table.js";
import { propertyKey, stringLiteral } from "./types/literals.js";
import { toolsDts, toolsJs } from "./tools/module.js";

export const jsFormat: OutputFormat = {
  schemas(header, schemas) {
    const dts = [schemas.types, schemas.enums.dts].filter(Boolean).join("\n").trimEnd();
    const js = schemas.enums.js.trimEnd();
    return [
      ["schemas.d.ts", header + "\n" + schemas.imports.print() + (dts ? dts + "\n" : "export {};\n")],
      ["schemas.js", header + "\n" + (js ? js + "\n" : "export {};\n")],
    ];
  },
  params: (header, params) => [["params.d.ts", header + "\n" + params.imports.print() + params.body]],
  namespace: (header, module): ClientFile[] => [
    [`${module.ns.file}.d.ts`, header + "\n" + module.imports.print() + module.body],
    // A namespace that only keeps old names (aliases.ts) has no table of its own.
    ...(module.ns.operations.length ? [[`${module.ns.file}.js`, header + "\n" + operationTableJs(module.ns.operations)] as ClientFile] : []),
  ],
  provider: (header, provider): ClientFile[] => [
    ["provider.js", header + "\n" + exportConst("provider", provider, 'import("alter-gen/runtime").ProviderSpec')],
    ["provider.d.ts", header + '\nimport type { ProviderSpec } from "alter-gen/runtime";\n\nexport declare const provider: ProviderSpec;\n'],
  ],
  index: (header, info) => [
    ["index.js", indexJs(header, info)],
    ["index.d.ts", indexDts(header, info)],
  ],
  tools: (header, tools) => [
    ["tools.js", toolsJs(header, tools)],
    ["tools.d.ts", toolsDts(header, tools)],
  ],
};

function opsAlias(namespace: string): string {
  return `${namespace}Ops`;
}

function indexJs(header: string, info: ClientInfo): string {
  const imports: Layout[] = [importLayout(["bindOperations"], "alter-gen/runtime", false)];
  for (const ns of info.namespaces) if (ns.operations.length) imports.push(importLayout([`operations as ${opsAlias(ns.name)}`], `./${ns.file}.js`, false));
  imports.push('import { provider } from "./provider.js";');
  const entries: Layout[] = info.namespaces.map((ns) =>
    ns.aliases?.length ? [propertyKey(ns.name), ": bind(", bindArgument(ns, opsAlias), "),"] : group([propertyKey(ns.name), ": bind(", indent([softline, opsAlias(ns.name)]), ifBreak(","), softline, "),"]),
  );
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

function indexDts(header: string, info: ClientInfo): string {
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

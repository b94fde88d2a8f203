// The tools module of a client (`tools.js` + `tools.d.ts`, or `tools.ts`): the definitions as
// data and a `ToolsTable` that points at the operation tables and provider data the client already
// has. The client's index does not import it, so only code that offers tools loads it.
import { importLayout } from "../imports.js";
import { exportConst, valueOnOwnLine } from "../js-data.js";
import { hardline, indent, join, printLayout, type Layout } from "../layout.js";
import { propertyKey } from "../types/literals.js";
import type { ToolsModule } from "./table.js";

const RUNTIME_TYPE = (name: string) => `import("alter-gen/runtime").${name}`;

function opsAlias(namespace: string): string {
  return `${namespace}Ops`;
}

function imports(module: ToolsModule): string {
  const lines: Layout[] = module.namespaces.map((ns) => importLayout([`operations as ${opsAlias(ns.name)}`], `./${ns.file}.js`, false));
  lines.push('import { provider } from "./provider.js";');
  return printLayout([join(hardline, lines), hardline]);
}

function table(module: ToolsModule, declaration: string): string {
  // Entries sit 4 columns in, laid out as prettier lays out `key: value,` (js-data.ts).
  const entries: Layout[] = module.namespaces.map((ns) => {
    const key = propertyKey(ns.name);
    const alias = opsAlias(ns.name);
    return valueOnOwnLine(4, key, alias) ? [`${key}:`, indent([hardline, `${alias},`])] : `${key}: ${alias},`;
  });
  const operations: Layout = entries.length ? ["operations: {", indent([hardline, join(hardline, entries)]), hardline, "},"] : "operations: {},";
  return printLayout([`export const ${declaration} = {`, indent([hardline, "provider,", hardline, operations, hardline, "definitions,"]), hardline, "};", hardline]);
}

const TABLE_SUMMARY = "The provider's tools: call one with `callTool(client or vault, tools, name, input, options)` from alter-gen/runtime.";
const TABLE_DOC = `/** ${TABLE_SUMMARY} */`;

export function toolsJs(header: string, module: ToolsModule): string {
  return [
    header,
    imports(module),
    exportConst("definitions", module.definitions, `${RUNTIME_TYPE("ToolDefinition")}[]`),
    `/**\n * ${TABLE_SUMMARY}\n *\n * @type {${RUNTIME_TYPE("ToolsTable")}}\n */\n${table(module, "tools")}`,
  ].join("\n");
}

export function toolsDts(header: string, module: ToolsModule): string {
  return (
    header +
    '\nimport type { ToolDefinition, ToolsTable } from "alter-gen/runtime";\n\n' +
    `/** One definition per operation offered as a tool (${module.definitions.length}). */\n` +
    "export declare const definitions: readonly ToolDefinition[];\n\n" +
    `${TABLE_DOC}\nexport declare const tools: ToolsTable;\n`
  );
}

export function toolsTs(header: string, module: ToolsModule): string {
  return [
    header + '\nimport type { ToolDefinition, ToolsTable } from "alter-gen/runtime";\n' + imports(module),
    exportConst("definitions: ToolDefinition[]", module.definitions, undefined, "ts"),
    `${TABLE_DOC}\n${table(module, "tools: ToolsTable")}`,
  ].join("\n");
}

// The emitted side of renamed methods (model/aliases.ts): in a namespace's types, the old method
// name as a deprecated member typed like the new one, and deprecated aliases of the old type
// names; in the index, the old name bound to the same operation-table entry as the new one
// (`users: bind({ ...usersOps, getUser: peopleOps.retrieve })`). The wiring lives in the index so
// namespace modules never import each other's tables (two namespaces that swapped names would
// otherwise import each other before either table exists).
import type { AliasModel, NamespaceModel, OperationModel } from "../model/api.js";
import { importedRef, RUNTIME, type Imports } from "./imports.js";
import { hardline, indent, join, type Layout } from "./layout.js";
import { propertyKey } from "./types/literals.js";
import { jsdocLayout, typeAliasLayout, type ModuleRef, type TsMember, type TsType } from "./types/ts-ast.js";

/** Where the types of a namespace's operations are declared, by namespace name. */
export type ModuleOf = (namespace: string) => ModuleRef | undefined;

/** The sentence every alias carries. */
function deprecation(alias: AliasModel, renamedTo: string): string {
  return `@deprecated Use \`${renamedTo}\`; this alias is removed after ${alias.until}.`;
}

/** A reference to one of the target operation's types, imported when it lives in another module. */
function targetRef(alias: AliasModel, suffix: string, ns: NamespaceModel, moduleOf: ModuleOf): TsType {
  const name = alias.target.typeName + suffix;
  const module = alias.target.namespace === ns.name ? undefined : moduleOf(alias.target.namespace);
  return module ? importedRef(module, name) : { t: "ref", name };
}

export interface AliasDeclarations {
  /** Members of the namespace's Methods interface. */
  members: TsMember[];
  /** `export type Old… = New…;` declarations. */
  blocks: Layout[];
  typeNames: string[];
}

/** The deprecated members and type aliases of `ns`'s aliases; records what they import. */
export function aliasDeclarations(
  ns: NamespaceModel,
  moduleOf: ModuleOf,
  imports: Imports,
  methodTypeName: (op: OperationModel) => string,
  methodTypeSuffixes: (op: OperationModel) => string[],
): AliasDeclarations {
  const out: AliasDeclarations = { members: [], blocks: [], typeNames: [] };
  for (const alias of ns.aliases ?? []) {
    const op = alias.target;
    const suffixes = methodTypeSuffixes(op);
    const args = suffixes.map((s) => targetRef(alias, s, ns, moduleOf));
    const method = importedRef(RUNTIME, methodTypeName(op), args);
    imports.addType(method);
    out.members.push({ key: alias.name, type: method, doc: [deprecation(alias, `${op.namespace}.${op.name}`)] });
    if (!alias.typeName) continue;
    suffixes.forEach((suffix, i) => {
      const name = alias.typeName + suffix;
      out.typeNames.push(name);
      out.blocks.push([jsdocLayout([deprecation(alias, op.typeName + suffix)]), hardline, typeAliasLayout(name, args[i]!)]);
    });
  }
  return out;
}

/**
 * The argument of `bind(…)` for `ns` in the index: its table, or, with aliases, a new table of
 * its entries and the old names, each a reference to the entry it calls.
 */
export function bindArgument(ns: NamespaceModel, opsOf: (namespace: string) => string): Layout {
  if (!ns.aliases?.length) return opsOf(ns.name);
  const entries: Layout[] = ns.operations.length ? [`...${opsOf(ns.name)}`] : [];
  for (const alias of ns.aliases) entries.push(`${propertyKey(alias.name)}: ${opsOf(alias.target.namespace)}${memberAccess(alias.target.name)}`);
  return ["{", indent([hardline, join([",", hardline], entries), ","]), hardline, "}"];
}

function memberAccess(name: string): string {
  const key = propertyKey(name);
  return key === name ? `.${name}` : `[${key}]`;
}

// Puts the aliases in force (names-lock.ts) into the model: each old `namespace.method` becomes
// an AliasModel of its namespace, pointing at the operation under its new name. A namespace that
// only holds aliases (its operations all moved) is added, so `client.users.getUser` keeps working
// after `getUser` moved to `people.retrieve`.
import type { AliasModel, ApiModel, NamespaceModel, OperationModel } from "./api.js";
import type { ActiveAlias } from "./names-lock.js";
import { namespaceFile, pascalCase, RESERVED_FILES } from "./names.js";

/** Adds `aliases` to the model's namespaces (those whose operation the client keeps). */
export function attachAliases(model: ApiModel, aliases: readonly ActiveAlias[]): void {
  if (!aliases.length) return;
  const byRoute = new Map<string, OperationModel>();
  const typeNames = new Set<string>();
  for (const ns of model.namespaces) {
    typeNames.add(`${ns.typeName}Methods`);
    for (const op of ns.operations) {
      byRoute.set(`${op.method} ${op.path}`, op);
      typeNames.add(op.typeName);
    }
  }
  const routes = new Map(model.operationNames.map((n) => [n.key, n.route]));
  const files = new Set<string>([...RESERVED_FILES, ...model.namespaces.map((ns) => ns.file)]);
  const byName = new Map(model.namespaces.map((ns) => [ns.name, ns]));
  for (const alias of aliases) {
    const target = byRoute.get(routes.get(alias.operation) ?? "");
    if (!target) continue;
    const dot = alias.name.lastIndexOf(".");
    const [nsName, method] = [alias.name.slice(0, dot), alias.name.slice(dot + 1)];
    let ns = byName.get(nsName);
    if (!ns) {
      ns = { name: nsName, typeName: pascalCase(nsName), file: namespaceFile(nsName, files), operations: [] };
      byName.set(nsName, ns);
      model.namespaces.push(ns);
    }
    const entry: AliasModel = { name: method, target, until: alias.until };
    const typeName = pascalCase(nsName) + pascalCase(method);
    if (!typeNames.has(typeName)) {
      entry.typeName = typeName;
      typeNames.add(typeName);
    }
    (ns.aliases ??= []).push(entry);
  }
  model.namespaces.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const ns of model.namespaces) ns.aliases?.sort((a, b) => (a.name < b.name ? -1 : 1));
}

// Parameters that many operations declare identically are declared once, in `params.d.ts`, and
// each operation's Params interface extends them: `interface ReposGetParams extends P.Owner,
// P.Repo {}`. GitHub documents `owner` on 520 operations and `per_page` on 250, each time with
// the same JSDoc; printed per operation they were a fifth of every namespace file, and every
// consumer parses all of it. Hovers and errors are unchanged: a property keeps its JSDoc through
// the base interface, and a missing one is still reported against `ReposGetParams`.
import type { NamespaceModel, OperationModel } from "../model/api.js";
import { typeNameFor } from "../model/type-names.js";
import { Imports, importedRef, PARAMS, SCHEMAS, type ModuleText } from "./imports.js";
import { hardline, join, printLayout } from "./layout.js";
import { byCodeUnits } from "./types/declarations.js";
import { interfaceLayout, type TsMember, type TsRef } from "./types/ts-ast.js";

/** A member shared by fewer operations than this stays where it is. */
const MIN_USES = 3;

export interface SharedParams {
  /**
   * An operation's Params members: the shared ones as base names to extend (`P.Owner`), the rest
   * as its own members, in the namespace module's order.
   */
  split(op: OperationModel): { bases: TsRef[]; own: TsMember[] };
  /** The declarations of `params.d.ts` (or `params.ts`); undefined when nothing is shared. */
  module(): ModuleText | undefined;
}

/** A member as planned: its identity key, or undefined when it is never shared (no JSDoc, body). */
interface Planned {
  member: TsMember;
  key: string | undefined;
}

/**
 * `membersOf(op)` are the parameter members exactly as the namespace module would print them;
 * each is computed once here and reused by `split`. Only documented members are shared: an
 * undocumented `page?: number;` is shorter than the reference to it.
 */
export function planSharedParams(namespaces: readonly NamespaceModel[], membersOf: (op: OperationModel) => TsMember[]): SharedParams {
  const planned = new Map<OperationModel, Planned[]>();
  const uses = new Map<string, { member: TsMember; count: number }>();
  for (const ns of namespaces) {
    for (const op of ns.operations) {
      const list = membersOf(op).map((member): Planned => ({ member, key: member.doc?.length && member.key !== "body" ? JSON.stringify(member) : undefined }));
      planned.set(op, list);
      for (const { member, key } of list) {
        if (key === undefined) continue;
        const entry = uses.get(key);
        if (entry) entry.count++;
        else uses.set(key, { member, count: 1 });
      }
    }
  }
  // The most used variant of a name gets the plain name (`Owner`), others a number (`Owner2`).
  const shared = [...uses].filter(([, u]) => u.count >= MIN_USES).sort(([ka, a], [kb, b]) => b.count - a.count || byCodeUnits(ka, kb));
  const names = new Map<string, string>();
  // The module imports the schemas as a namespace, so no interface may take that name.
  const taken = new Set<string>([SCHEMAS.namespace!]);
  for (const [key, { member }] of shared) names.set(key, typeNameFor(String(member.key), taken));
  return {
    split(op) {
      const bases: TsRef[] = [];
      const own: TsMember[] = [];
      for (const { member, key } of planned.get(op) ?? membersOf(op).map((m) => ({ member: m, key: undefined }))) {
        const name = key === undefined ? undefined : names.get(key);
        if (name) bases.push(importedRef(PARAMS, name));
        else own.push(member);
      }
      return { bases, own };
    },
    module() {
      if (names.size === 0) return undefined;
      const decls = shared.map(([key, { member }]) => [names.get(key)!, member] as const).sort(([a], [b]) => byCodeUnits(a, b));
      const imports = new Imports().addMembers(decls.map(([, member]) => member));
      return { imports, body: printLayout([join([hardline, hardline], decls.map(([name, member]) => interfaceLayout(name, [member]))), hardline]) };
    },
  };
}

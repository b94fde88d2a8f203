// Parameters that many operations declare identically are declared once, in `params.d.ts`, and
// each operation's Params interface extends them: `interface ReposGetParams extends P.Owner,
// P.Repo {}`. GitHub documents `owner` on 520 operations and `per_page` on 250, each time with
// the same JSDoc; printed per operation they were a fifth of every namespace file, and every
// consumer parses all of it. Hovers and errors are unchanged: a property keeps its JSDoc through
// the base interface, and a missing one is still reported against `ReposGetParams`.
import type { NamespaceModel } from "../model/api.js";
import { typeBaseName } from "../model/type-names.js";
import { hardline, join, printDoc, type Doc } from "./types/doc.js";
import { interfaceDoc, type TsMember } from "./types/ts-ast.js";
import { importDoc, runtimeTypesUsed } from "./namespace.js";

/** A member shared by fewer operations than this stays where it is. */
const MIN_USES = 3;

export interface SharedParams {
  /** The shared interface's name for a printed member (without `P.`), or undefined. */
  nameOf(member: TsMember): string | undefined;
  /** `params.d.ts` (or `params.ts`) text; undefined when nothing is shared. */
  module(header: string): string | undefined;
}

const keyOf = (member: TsMember): string => JSON.stringify(member);

/**
 * `membersOf(op)` are the parameter members exactly as the namespace module would print them.
 * Only documented members are shared: an undocumented `page?: number;` is shorter than the
 * reference to it.
 */
export function planSharedParams(namespaces: readonly NamespaceModel[], membersOf: (op: NamespaceModel["operations"][number]) => TsMember[]): SharedParams {
  const uses = new Map<string, { member: TsMember; count: number }>();
  for (const ns of namespaces) {
    for (const op of ns.operations) {
      for (const member of membersOf(op)) {
        if (!member.doc?.length || member.key === "body") continue;
        const key = keyOf(member);
        const entry = uses.get(key);
        if (entry) entry.count++;
        else uses.set(key, { member, count: 1 });
      }
    }
  }
  // The most used variant of a name gets the plain name (`Owner`), others a number (`Owner2`).
  const shared = [...uses].filter(([, u]) => u.count >= MIN_USES).sort(([ka, a], [kb, b]) => b.count - a.count || (ka < kb ? -1 : ka > kb ? 1 : 0));
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const [key, { member }] of shared) {
    const base = typeBaseName(String(member.key));
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
    taken.add(name);
    names.set(key, name);
  }
  return {
    nameOf: (member) => names.get(keyOf(member)),
    module(header) {
      if (names.size === 0) return undefined;
      const decls = shared
        .map(([key, { member }]) => [names.get(key)!, member] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const usesSchemas = decls.some(([, m]) => JSON.stringify(m.type).includes('"name":"S.'));
      const body = printDoc([join([hardline, hardline], decls.map(([name, member]) => interfaceDoc(name, [member]))), hardline]);
      const imports: Doc[] = [];
      const runtimeTypes = runtimeTypesUsed(body);
      if (runtimeTypes.length) imports.push(importDoc(runtimeTypes, "alter-gen/runtime"));
      if (usesSchemas) imports.push('import type * as S from "./schemas.js";');
      return header + "\n" + (imports.length ? printDoc([join(hardline, imports), hardline, hardline]) : "") + body;
    },
  };
}

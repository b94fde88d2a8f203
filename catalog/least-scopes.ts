// The least OAuth scopes a set of operations needs, from the scopes the document requires per
// operation. "Least" means least privilege, not fewest names: Google Calendar accepts its broad
// `calendar` scope on every operation, so one scope would do, but its reading operations also
// accept `calendar.readonly`. So a set of scopes is measured by what it opens: how many of the
// document's operations a token with those scopes could call. The choice covers every operation
// asked for while opening as few as possible: greedy (each step takes the alternative that opens
// least), then pruned of any scope the others make redundant. Operations with one alternative
// (Slack's, all of them) are settled without search.
import type { SecurityRequirementSpec, SecuritySchemeSpec } from "../runtime/operation.js";

type Schemes = Readonly<Record<string, SecuritySchemeSpec>>;
type Requirements = readonly SecurityRequirementSpec[];

const isOAuth = (s: SecuritySchemeSpec | undefined) => s?.type === "oauth2" || s?.type === "openIdConnect";

/**
 * The OAuth alternatives of an operation, each as the scopes it needs (the union over its OAuth
 * schemes: Google's documents name two schemes of one server with the same scope). Alternatives
 * without an OAuth scheme (an API key) are not ways to be connected with OAuth and are left out.
 */
export function oauthAlternatives(requirements: Requirements, schemes: Schemes): string[][] {
  const out: string[][] = [];
  for (const req of requirements) {
    const names = Object.keys(req).filter((n) => isOAuth(schemes[n]));
    if (names.length === 0) continue;
    out.push([...new Set(names.flatMap((n) => req[n] ?? []))].sort());
  }
  return out;
}

/** Every operation of the document as its OAuth alternatives: what a set of scopes is measured against. */
export function scopeUniverse(operations: readonly Requirements[], schemes: Schemes): string[][][] {
  return operations.map((reqs) => oauthAlternatives(reqs, schemes)).filter((alts) => alts.length > 0);
}

const within = (alt: readonly string[], have: ReadonlySet<string>) => alt.every((s) => have.has(s));

/** How many operations of the document a token with `scopes` could call. */
export function opened(scopes: ReadonlySet<string>, universe: readonly string[][][]): number {
  let n = 0;
  for (const alts of universe) if (alts.some((a) => within(a, scopes))) n++;
  return n;
}

/**
 * The least scopes of one operation: the OAuth alternative that opens the fewest operations,
 * then the one with fewer scopes. Undefined when it has no OAuth alternative (it needs no
 * credential, or only an API key).
 */
export function operationLeastScopes(requirements: Requirements, schemes: Schemes, universe: readonly string[][][]): string[] | undefined {
  const alternatives = oauthAlternatives(requirements, schemes);
  const cost = (a: string[]) => opened(new Set(a), universe);
  return alternatives.length ? alternatives.map((a) => ({ a, c: cost(a) })).sort((x, y) => x.c - y.c || x.a.length - y.a.length || x.a.join(" ").localeCompare(y.a.join(" ")))[0]!.a : undefined;
}

/** The least scopes that let every one of `operations` be called, sorted by name. */
export function leastScopes(operations: readonly Requirements[], schemes: Schemes, universe: readonly string[][][]): string[] {
  // Operations with no OAuth alternative, or one needing no scope, are covered whatever is chosen.
  const needs = operations.map((reqs) => oauthAlternatives(reqs, schemes)).filter((alts) => alts.length > 0 && alts.every((a) => a.length > 0));
  const chosen = new Set<string>(needs.filter((alts) => alts.length === 1).flatMap((alts) => alts[0]!));
  for (;;) {
    const open = needs.filter((alts) => !alts.some((a) => within(a, chosen)));
    if (open.length === 0) break;
    let best: { alt: string[]; opens: number; covers: number } | undefined;
    for (const alts of open) {
      for (const alt of alts) {
        const next = new Set([...chosen, ...alt]);
        const opens = opened(next, universe);
        const covers = open.filter((o) => o.some((a) => within(a, next))).length;
        if (!best || opens < best.opens || (opens === best.opens && (covers > best.covers || (covers === best.covers && alt.length < best.alt.length)))) best = { alt, opens, covers };
      }
    }
    for (const s of best!.alt) chosen.add(s);
  }
  // A scope whose operations the rest already cover is dropped (dropping never opens more).
  for (const scope of [...chosen].sort()) {
    chosen.delete(scope);
    if (!needs.every((alts) => alts.some((a) => within(a, chosen)))) chosen.add(scope);
  }
  return [...chosen].sort();
}

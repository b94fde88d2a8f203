// Compares two client surfaces (surface.ts) loaded into one TypeScript program, so the checker
// decides what "changed in type" means: a request type breaks callers when what they passed
// before is no longer assignable to it; a response type breaks them when what it holds now is
// no longer assignable to what they read before. Methods are matched by name, and a method that
// lost its name is found again by its operationId (then its route): a rename, not a removal.
import { ts } from "ts-morph";
import type { ApiChange, ChangeKind, Impact } from "./changes.js";
import type { ClientSurface, MethodSurface } from "./surface.js";

type Direction = "request" | "response";

/** How deep nested objects are compared (responses of large APIs nest deeply and repeat). */
const MAX_DEPTH = 8;

export function compareSurfaces(before: ClientSurface, after: ClientSurface, checker: ts.TypeChecker): ApiChange[] {
  const changes: ApiChange[] = [];
  const matched = new Set<string>();
  const byOperation = (m: MethodSurface) =>
    [...after.methods.values()].find((n) => !n.aliasOf && ((m.operationId && n.operationId === m.operationId) || (m.route && n.route === m.route)));
  for (const old of before.methods.values()) {
    if (old.aliasOf) continue; // an alias already published: its own fate is its target's
    const now = after.methods.get(old.name);
    const base = { method: old.name, ...(old.operationId ? { operationId: old.operationId } : {}) };
    if (now) {
      matched.add(now.aliasOf ?? now.name);
      if (now.aliasOf) {
        changes.push({ ...base, kind: "method-renamed", impact: "deprecated", renamedTo: now.aliasOf, until: now.until!, message: `\`${old.name}\` was renamed \`${now.aliasOf}\`; the old name stays as a deprecated alias until ${now.until}.` });
      }
      changes.push(...new MethodComparison(checker, old.name).compare(old, now));
      continue;
    }
    const renamed = byOperation(old);
    if (renamed) {
      matched.add(renamed.name);
      changes.push({ ...base, kind: "method-renamed", impact: "breaking", renamedTo: renamed.name, message: `\`${old.name}\` was renamed \`${renamed.name}\` (no alias keeps the old name: regenerate with the names.lock.json of the old client to keep one).` });
      changes.push(...new MethodComparison(checker, old.name).compare(old, renamed));
    } else {
      changes.push({ ...base, kind: "method-removed", impact: "breaking", message: `\`${old.name}\` was removed.` });
    }
  }
  for (const m of after.methods.values()) {
    if (m.aliasOf || matched.has(m.name) || before.methods.has(m.name)) continue;
    changes.push({ kind: "method-added", impact: "additive", method: m.name, ...(m.operationId ? { operationId: m.operationId } : {}), message: `\`${m.name}\` was added.` });
  }
  return changes;
}

class MethodComparison {
  readonly #changes: ApiChange[] = [];
  readonly #seen = new Set<string>();
  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly method: string,
  ) {}

  compare(old: MethodSurface, now: MethodSurface): ApiChange[] {
    if (old.params && now.params) this.type(old.params, now.params, "", "request", 0);
    this.#side = "response";
    if (old.response && now.response) this.type(old.response, now.response, "", "response", 0);
    return this.#changes;
  }

  #side: "params" | "response" = "params";

  #push(kind: ChangeKind, impact: Impact, path: string, message: string, extra: Partial<ApiChange> = {}): void {
    this.#changes.push({ kind, impact, method: this.method, ...(path ? { path, side: this.#side } : {}), message: `\`${this.method}\`: ${message}`, ...extra });
  }

  private type(o: ts.Type, n: ts.Type, path: string, dir: Direction, depth: number): void {
    const key = `${dir}:${path}:${(o as { id?: number }).id}:${(n as { id?: number }).id}`;
    if (depth > MAX_DEPTH || this.#seen.has(key)) return;
    this.#seen.add(key);
    const what = dir === "request" ? `parameter \`${path}\`` : path ? `response property \`${path}\`` : "the response";
    const c = this.checker;
    // Nothing could rely on a response that was void, unknown or any, and a parameter that is now
    // unknown or any takes whatever it took before.
    if ((dir === "response" && opaque(o)) || (dir === "request" && opaque(n) && !(n.flags & ts.TypeFlags.Void))) return;
    if (dir === "response" && n.flags & ts.TypeFlags.Void) {
      this.#push("response-type-changed", "breaking", path, `${what} is gone: the call now answers no body.`, { before: this.#text(o), after: "void" });
      return;
    }
    if (dir === "response" && hasNull(n) && !hasNull(o)) this.#push("response-type-changed", "breaking", path, `${what} may now be null.`, { before: this.#text(o), after: this.#text(n) });
    if (dir === "request" && path && hasNull(o) && !hasNull(n)) this.#push("param-type-changed", "breaking", path, `${what} no longer accepts null.`, { before: this.#text(o), after: this.#text(n) });
    const [os, ns] = [c.getNonNullableType(o), c.getNonNullableType(n)];
    const [ol, nl] = [literals(os, c), literals(ns, c)];
    if (ol && nl) return this.#enum(ol, nl, path, dir, what);
    if (c.isArrayType(os) && c.isArrayType(ns)) return this.type(c.getTypeArguments(os as ts.TypeReference)[0]!, c.getTypeArguments(ns as ts.TypeReference)[0]!, `${path}[]`, dir, depth + 1);
    if (isObjectLike(os, c) && isObjectLike(ns, c)) return this.#object(os, ns, path, dir, depth);
    const fits = dir === "request" ? c.isTypeAssignableTo(os, ns) : c.isTypeAssignableTo(ns, os);
    if (!fits) {
      const kind = dir === "request" ? "param-type-changed" : "response-type-changed";
      this.#push(kind, "breaking", path, `${what} changed type from \`${this.#text(os)}\` to \`${this.#text(ns)}\`.`, { before: this.#text(os), after: this.#text(ns) });
    }
  }

  #enum(old: string[], now: string[], path: string, dir: Direction, what: string): void {
    const removed = old.filter((v) => !now.includes(v));
    const added = now.filter((v) => !old.includes(v));
    if (removed.length) {
      // A response value no longer sent still type-checks against an open enum, but the code that
      // handles it stops running: a reviewer needs to see it as much as a compile error.
      const verb = dir === "request" ? "no longer accepts" : "no longer holds";
      this.#push("enum-values-removed", "breaking", path, `${what} ${verb} ${removed.join(", ")}.`, { values: removed });
    }
    if (added.length) this.#push("enum-values-added", "additive", path, `${what} ${dir === "request" ? "also accepts" : "may also hold"} ${added.join(", ")}.`, { values: added });
  }

  #object(o: ts.Type, n: ts.Type, path: string, dir: Direction, depth: number): void {
    const c = this.checker;
    const oldProps = properties(o, c);
    const newProps = properties(n, c);
    const at = (name: string) => (path ? `${path}.${name}` : name);
    for (const [name, op] of oldProps) {
      const np = newProps.get(name);
      if (!np) {
        if (dir === "request") this.#push("param-removed", "breaking", at(name), `parameter \`${at(name)}\` was removed.`);
        else this.#push("response-property-removed", "breaking", at(name), `response property \`${at(name)}\` was removed.`);
        continue;
      }
      if (dir === "request" && op.optional && !np.optional) this.#push("param-required", "breaking", at(name), `parameter \`${at(name)}\` is now required.`);
      if (dir === "response" && !op.optional && np.optional) this.#push("response-property-optional", "breaking", at(name), `response property \`${at(name)}\` may now be absent.`);
      this.type(op.type, np.type, at(name), dir, depth + 1);
    }
    for (const [name, np] of newProps) {
      if (oldProps.has(name)) continue;
      if (dir === "request" && !np.optional) this.#push("param-required", "breaking", at(name), `parameter \`${at(name)}\` was added and is required.`);
      else if (dir === "request") this.#push("param-added", "additive", at(name), `optional parameter \`${at(name)}\` was added.`);
      else this.#push("response-property-added", "additive", at(name), `response property \`${at(name)}\` was added.`);
    }
  }

  #text(t: ts.Type): string {
    const text = this.checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  }
}

/** void, undefined, unknown or any: a type no code reads anything from. */
function opaque(t: ts.Type): boolean {
  return (t.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Unknown | ts.TypeFlags.Any)) !== 0;
}

function hasNull(t: ts.Type): boolean {
  return t.isUnion() ? t.types.some((m) => (m.flags & ts.TypeFlags.Null) !== 0) : (t.flags & ts.TypeFlags.Null) !== 0;
}

/**
 * The values of a union of literals (or one literal), as TypeScript prints them; else undefined.
 * A response enum is open (`"a" | "b" | (string & {})`: values added later still type-check), and
 * its literals are its values all the same.
 */
function literals(t: ts.Type, c: ts.TypeChecker): string[] | undefined {
  const members = t.isUnion() ? t.types : [t];
  const isLiteral = (m: ts.Type) => m.isLiteral() || (m.flags & ts.TypeFlags.BooleanLiteral) !== 0;
  const isOpen = (m: ts.Type) => m.isIntersection() && m.types.some((p) => (p.flags & ts.TypeFlags.String) !== 0);
  const values = members.filter(isLiteral);
  if (!values.length || !members.every((m) => isLiteral(m) || isOpen(m))) return undefined;
  return values.map((m) => c.typeToString(m)).sort();
}

function isObjectLike(t: ts.Type, c: ts.TypeChecker): boolean {
  if (!(t.flags & ts.TypeFlags.Object) || t.isUnion()) return false;
  if (c.getSignaturesOfType(t, ts.SignatureKind.Call).length) return false;
  return c.getPropertiesOfType(t).length > 0;
}

function properties(t: ts.Type, c: ts.TypeChecker): Map<string, { type: ts.Type; optional: boolean }> {
  const out = new Map<string, { type: ts.Type; optional: boolean }>();
  for (const s of c.getPropertiesOfType(t)) out.set(s.name, { type: c.getTypeOfSymbol(s), optional: (s.flags & ts.SymbolFlags.Optional) !== 0 });
  return out;
}

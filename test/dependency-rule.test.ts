// The dependency rule between modules (docs/architecture.md), checked by scanning the imports of
// every source file so the layering cannot rot: which top-level module may import which, the
// layers inside the vault, and no import cycle anywhere. Imports that break the rule today are
// listed in KNOWN with the part of issue 11 that removes them; the list can only shrink.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(".");

/** The top-level modules and what each may import besides itself (docs/architecture.md). */
const RULES: [module: string, rule: { may: string[]; typesFrom?: string[] }][] = [
  // `alter-gen mcp` serves a tools table through integrations/mcp with an AlterVault.
  ["cli", { may: ["generator", "vault", "catalog", "integrations", "runtime"] }],
  // Seam 1: generated code is typed by runtime/operation.ts, a file of types only.
  ["generator", { may: ["catalog"], typesFrom: ["runtime/operation.ts"] }],
  ["vault", { may: ["catalog", "protocol"] }],
  // The catalog's pagination and rate-limit entries are seam 1's types, copied into provider.js.
  ["catalog", { may: [], typesFrom: ["runtime/operation.ts"] }],
  ["runtime", { may: ["protocol"] }],
  ["protocol", { may: [] }],
  ["integrations", { may: ["runtime"] }],
  // Provider stand-ins for tests and examples (never shipped): documents read as the generator
  // reads them (catalog, spec fixes), pagination styles from seam 1.
  ["standins", { may: ["catalog", "generator"], typesFrom: ["runtime/operation.ts"] }],
];

/**
 * The vault's layers, top first: a file may import its own layer and the layers below it. Every
 * folder and top-level file of vault/ must be listed, so a new one is placed on purpose.
 */
const VAULT_LAYERS: [layer: string, members: string[]][] = [
  ["entry", ["index.ts"]],
  ["commands", ["cli", "admin"]],
  // state.ts opens a data folder into the running vault the server and admin functions share.
  ["http", ["http", "state.ts"]],
  // context.ts: the running vault, the app and the caller every domain function is given.
  ["domain", ["context.ts", "grants", "oauth", "identity", "proxy", "approvals", "audit"]],
  ["foundation", ["policy", "storage", "crypto", "keys", "outbound", "process-identity.ts"]],
  // grant-types.ts: the grant, credential and injection shapes policy and storage read (types only).
  ["shared", ["errors.ts", "version.ts", "quote.ts", "grant-types.ts", "README.md"]],
];

/**
 * Imports that break the rule today: [importer, imported, what removes it]. Empty since issue 11
 * §1 and §2 landed; a new entry needs the part of an issue that removes it.
 */
const KNOWN: [from: string, to: string, removedBy: string][] = [
];

interface Import {
  from: string;
  /** Repository-relative path of the imported file (`.ts` for a `.js` specifier). */
  to: string;
  line: number;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

function resolve(from: string, specifier: string): string | undefined {
  if (specifier === "alter-gen/runtime") return "runtime/index.ts";
  if (!specifier.startsWith(".")) return undefined;
  return path.relative(root, path.resolve(root, path.dirname(from), specifier)).replace(/\.js$/, ".ts");
}

/** Every import, export-from, `import()` and `import("…").T` of a file, with whether it is types only. */
function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(root, file), "utf8"), ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const add = (node: ts.Node, specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (!specifier || !ts.isStringLiteralLike(specifier)) return;
    const to = resolve(file, specifier.text);
    if (to) out.push({ from: file, to, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const allTypes = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier, allTypes);
    } else if (ts.isExportDeclaration(node)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node, node.moduleSpecifier, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, true);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

const moduleOf = (file: string) => file.split("/")[0]!;

function vaultLayer(file: string): number {
  const member = file.split("/")[1]!;
  const index = VAULT_LAYERS.findIndex(([, members]) => members.includes(member));
  if (index < 0) throw new Error(`vault/${member} is in no layer of VAULT_LAYERS; place it there`);
  return index;
}

/** Why `imp` breaks the rule, or undefined when it keeps it. */
function violation(imp: Import): string | undefined {
  const from = moduleOf(imp.from);
  const to = moduleOf(imp.to);
  if (from === "vault" && to === "vault") {
    const [a, b] = [vaultLayer(imp.from), vaultLayer(imp.to)];
    return b < a ? `the vault's ${VAULT_LAYERS[a]![0]} layer imports its ${VAULT_LAYERS[b]![0]} layer` : undefined;
  }
  if (from === to) return undefined;
  const rule = RULES.find(([name]) => name === from)?.[1];
  if (!rule) return `${from}/ has no rule in RULES`;
  if (rule.may.includes(to)) return undefined;
  if (rule.typesFrom?.includes(imp.to)) return imp.typeOnly ? undefined : `${imp.to} may be imported for its types only (import type)`;
  return `${from}/ may not import ${to}/`;
}

const modules = RULES.map(([name]) => name).filter((name) => {
  try {
    return readdirSync(path.join(root, name)).length > 0;
  } catch {
    return false;
  }
});
const files = modules.flatMap(sourceFiles);
const imports = files.flatMap(importsOf);
const key = (from: string, to: string) => `${from} -> ${to}`;

describe("the dependency rule", () => {
  it("is checked on every module's files", () => {
    expect(modules).toEqual(expect.arrayContaining(["catalog", "cli", "generator", "runtime", "vault"]));
    expect(imports.length).toBeGreaterThan(files.length);
  });

  it("holds for every import except the known ones", () => {
    const known = new Set(KNOWN.map(([from, to]) => key(from, to)));
    const broken = imports.flatMap((imp) => {
      const why = violation(imp);
      return why && !known.has(key(imp.from, imp.to)) ? [`${imp.from}:${imp.line} imports ${imp.to}: ${why}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it("knows only violations that still exist (the list only shrinks: delete an entry once fixed)", () => {
    const seen = new Set(imports.filter((imp) => violation(imp)).map((imp) => key(imp.from, imp.to)));
    expect(KNOWN.filter(([from, to]) => !seen.has(key(from, to))).map(([from, to, by]) => `${key(from, to)} (${by})`)).toEqual([]);
  });

  it("has no upward import inside the vault, known or not (issue 11 §2)", () => {
    expect(KNOWN.filter(([from, to]) => moduleOf(from) === "vault" && moduleOf(to) === "vault")).toEqual([]);
    expect(imports.filter((imp) => moduleOf(imp.from) === "vault" && moduleOf(imp.to) === "vault" && violation(imp))).toEqual([]);
  });

  it.each([
    ["a module another may not import", { from: "generator/emit/x.ts", to: "vault/state.ts", typeOnly: false }, "generator/ may not import vault/"],
    ["a value from a types-only file", { from: "generator/x.ts", to: "runtime/operation.ts", typeOnly: false }, "for its types only"],
    ["types from a types-only file", { from: "generator/x.ts", to: "runtime/operation.ts", typeOnly: true }, undefined],
    ["the catalog importing the generator", { from: "catalog/x.ts", to: "generator/options.ts", typeOnly: true }, "catalog/ may not import generator/"],
    ["the vault's domain importing its HTTP layer", { from: "vault/grants/x.ts", to: "vault/http/x.ts", typeOnly: true }, "domain layer imports its http layer"],
    ["the vault's HTTP layer importing its domain", { from: "vault/http/x.ts", to: "vault/grants/x.ts", typeOnly: false }, undefined],
    ["the CLI composing both", { from: "cli/main.ts", to: "vault/cli/index.ts", typeOnly: false }, undefined],
    ["the vault importing the protocol", { from: "vault/http/verify.ts", to: "protocol/signing.ts", typeOnly: false }, undefined],
    ["the runtime importing the protocol", { from: "runtime/internal/retrieve.ts", to: "protocol/injection.ts", typeOnly: false }, undefined],
    ["the vault importing the runtime", { from: "vault/proxy/send.ts", to: "runtime/internal/keys.ts", typeOnly: false }, "vault/ may not import runtime/"],
    ["the protocol importing upward", { from: "protocol/errors.ts", to: "runtime/errors.ts", typeOnly: true }, "protocol/ may not import runtime/"],
  ] as const)("judges %s", (_name, given, want) => {
    const why = violation({ ...given, line: 1 });
    if (want === undefined) expect(why).toBeUndefined();
    else expect(why).toContain(want);
  });

  it("has no import cycle, type-only imports included", () => {
    const graph = new Map<string, string[]>(files.map((f) => [f, []]));
    for (const imp of imports) if (graph.has(imp.to)) graph.get(imp.from)!.push(imp.to);
    expect(cycles(graph)).toEqual([]);
  });
});

/** Strongly connected components with more than one file (Tarjan), or a file importing itself. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return found;
}

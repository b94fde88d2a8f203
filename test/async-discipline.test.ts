// Every promise in shipped code is awaited, returned or handed to a handler on purpose. Issue 14
// turned most of the vault's storage calls asynchronous; a call that lost its `await` would not
// fail to compile when its result is ignored or only tested for truth, and an unawaited
// authorization check or policy read is a check that never runs. TypeScript refuses a promise
// in an `if` condition itself; this walks the type-checked program for the other shapes: a call
// whose promise is dropped as a statement, a promise under `!`, `&&`, `||`, `? :`, `===`, in a
// template, read for a property, spread, or returned by a callback of an array method that only
// looks at truth (filter, some, every, find, findIndex, sort, forEach).
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(".");
const SHIPPED = ["vault/", "runtime/", "integrations/", "protocol/", "cli/", "generator/", "catalog/"];
const TRUTH_CALLBACKS = new Set(["filter", "some", "every", "find", "findIndex", "sort", "forEach"]);
const HANDLERS = new Set(["then", "catch", "finally"]);

function findings(): string[] {
  const configPath = ts.findConfigFile(root, ts.sys.fileExists, "tsconfig.json")!;
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram(config.fileNames, config.options);
  const checker = program.getTypeChecker();
  const isPromise = (e: ts.Node) => checker.getTypeAtLocation(e).getSymbol()?.getName() === "Promise";
  const out: string[] = [];
  for (const sf of program.getSourceFiles()) {
    const rel = path.relative(root, sf.fileName);
    if (sf.isDeclarationFile || !SHIPPED.some((p) => rel.startsWith(p))) continue;
    const report = (n: ts.Node, shape: string) => {
      const { line } = sf.getLineAndCharacterOfPosition(n.getStart());
      out.push(`${rel}:${line + 1} ${shape}: ${n.getText().slice(0, 90).replace(/\s+/g, " ")}`);
    };
    const visit = (n: ts.Node): void => {
      if (ts.isExpressionStatement(n) && ts.isCallExpression(n.expression) && isPromise(n.expression)) {
        // `p.catch(h)` and `p.then(a, b)` as statements are handled on purpose.
        const callee = n.expression.expression;
        if (!(ts.isPropertyAccessExpression(callee) && HANDLERS.has(callee.name.text))) report(n, "dropped promise");
      }
      if (ts.isPrefixUnaryExpression(n) && n.operator === ts.SyntaxKind.ExclamationToken && isPromise(n.operand)) report(n, "!promise");
      if (ts.isBinaryExpression(n)) {
        const op = n.operatorToken.kind;
        if ((op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) && isPromise(n.left)) report(n, "promise as a truth value");
        if ((op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken) && (isPromise(n.left) || isPromise(n.right))) report(n, "promise compared");
      }
      if (ts.isConditionalExpression(n) && isPromise(n.condition)) report(n, "promise as a condition");
      if (ts.isTemplateSpan(n) && isPromise(n.expression)) report(n, "promise in a template");
      if (ts.isPropertyAccessExpression(n) && isPromise(n.expression) && !HANDLERS.has(n.name.text)) report(n, "property of a promise");
      if ((ts.isSpreadElement(n) || ts.isSpreadAssignment(n)) && isPromise(n.expression)) report(n, "spread promise");
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && TRUTH_CALLBACKS.has(n.expression.name.text) && n.arguments[0]) {
        const sig = checker.getSignaturesOfType(checker.getTypeAtLocation(n.arguments[0]), ts.SignatureKind.Call)[0];
        if (sig && checker.getReturnTypeOfSignature(sig).getSymbol()?.getName() === "Promise") report(n, "async callback of an array method");
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

describe("async discipline", () => {
  it("no shipped code drops a promise or reads one as a value", () => {
    expect(findings()).toEqual([]);
  }, 300_000);
});

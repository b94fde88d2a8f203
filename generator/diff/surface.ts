// A client's public API as the TypeScript compiler sees it: every `client.<namespace>.<method>`
// with its operation (from the operation tables), its Params and Response types, and whether it
// is a deprecated alias of a renamed method. Read from the files themselves (the old client on
// disk, the new one in memory), so the comparison covers exactly what a consumer compiles
// against, whatever produced it (a document update, an override, a new alter-gen).
import type { ObjectLiteralExpression, Project, SourceFile } from "ts-morph";
import { SyntaxKind, ts } from "ts-morph";

export interface MethodSurface {
  /** `namespace.method`. */
  name: string;
  operationId?: string;
  /** `METHOD /path`. */
  route?: string;
  /** For a deprecated alias of a renamed method: the method it calls and the last day it is promised. */
  aliasOf?: string;
  until?: string;
  params?: ts.Type;
  response?: ts.Type;
}

export interface ClientSurface {
  methods: Map<string, MethodSurface>;
}

/** Module stems that hold no namespace. */
const NOT_NAMESPACES = new Set(["index", "provider", "schemas", "params"]);
const ALIAS = /@deprecated Use `([^`]+)`; this alias is removed after (\d{4}-\d{2}-\d{2})/;

function stem(file: SourceFile): string {
  return file.getBaseName().replace(/(\.d)?\.[jt]s$/, "");
}

function unquote(text: string): string {
  return /^["']/.test(text) ? (JSON.parse(text.replace(/^'|'$/g, '"')) as string) : text;
}

/** `key -> {id, method, path}` of a module's `export const operations = {…}`. */
function operationTable(file: SourceFile): Map<string, { id?: string; route?: string }> {
  const out = new Map<string, { id?: string; route?: string }>();
  const table = file.getVariableDeclaration("operations")?.getInitializerIfKind(SyntaxKind.ObjectLiteralExpression);
  for (const prop of table?.getProperties() ?? []) {
    const entry = prop.asKind(SyntaxKind.PropertyAssignment);
    const value = entry?.getInitializerIfKind(SyntaxKind.ObjectLiteralExpression);
    if (!entry || !value) continue;
    const field = (name: string) => stringField(value, name);
    const [id, method, path] = [field("id"), field("method"), field("path")];
    out.set(unquote(entry.getNameNode().getText()), { ...(id ? { id } : {}), ...(method && path ? { route: `${method} ${path}` } : {}) });
  }
  return out;
}

function stringField(object: ObjectLiteralExpression, name: string): string | undefined {
  const init = object.getProperty(name)?.asKind(SyntaxKind.PropertyAssignment)?.getInitializer();
  return init?.isKind(SyntaxKind.StringLiteral) ? init.getLiteralValue() : undefined;
}

/** Adds a client's files (name -> text) under `root` to `project` (an in-memory one). */
export function addClientFiles(project: Project, root: string, files: ReadonlyMap<string, string>): void {
  for (const [name, text] of files) {
    if (/\.(d\.ts|ts|js)$/.test(name)) project.createSourceFile(`${root}/${name}`, text, { overwrite: true });
  }
}

/**
 * The surface of the client added under `root`, its types from `checker` (taken once every client
 * is added, so types of two clients compare). A folder without an index has no surface.
 */
export function readSurface(project: Project, root: string, checker: ts.TypeChecker): ClientSurface {
  const sources = new Map<string, SourceFile>();
  for (const file of project.getDirectory(root)?.getSourceFiles() ?? []) sources.set(file.getBaseName(), file);
  const methods = new Map<string, MethodSurface>();
  const index = sources.get("index.d.ts") ?? sources.get("index.ts");
  if (!index) return { methods };
  const tables = new Map<string, ReturnType<typeof operationTable>>();
  const interfaces = new Map<string, ReturnType<SourceFile["getInterfaces"]>[number]>();
  for (const file of sources.values()) {
    if (NOT_NAMESPACES.has(stem(file))) continue;
    if (!file.getFilePath().endsWith(".d.ts")) tables.set(stem(file), operationTable(file));
    for (const decl of file.getInterfaces()) if (decl.getName().endsWith("Methods")) interfaces.set(decl.getName(), decl);
  }
  const client = index.getInterfaces().find((i) => i.isExported() && i.getName().endsWith("Client"));
  for (const nsMember of client?.getProperties() ?? []) {
    const namespace = unquote(nsMember.getNameNode().getText());
    const decl = interfaces.get(nsMember.getTypeNode()?.getText() ?? "");
    if (!decl) continue;
    const table = tables.get(stem(decl.getSourceFile()));
    for (const member of decl.getProperties()) {
      const method = unquote(member.getNameNode().getText());
      const surface: MethodSurface = { name: `${namespace}.${method}`, ...table?.get(method) };
      const alias = ALIAS.exec(member.getJsDocs().map((d) => d.getText()).join("\n"));
      if (alias) [surface.aliasOf, surface.until] = [alias[1]!, alias[2]!];
      const args = member.getTypeNode()?.asKind(SyntaxKind.TypeReference)?.getTypeArguments() ?? [];
      if (args[0]) surface.params = checker.getTypeFromTypeNode(args[0].compilerNode);
      if (args[1]) surface.response = checker.getTypeFromTypeNode(args[1].compilerNode);
      methods.set(surface.name, surface);
    }
  }
  // An alias calls its target's operation.
  for (const m of methods.values()) {
    const target = m.aliasOf ? methods.get(m.aliasOf) : undefined;
    if (!target) continue;
    if (target.operationId) m.operationId = target.operationId;
    if (target.route) m.route = target.route;
  }
  return { methods };
}

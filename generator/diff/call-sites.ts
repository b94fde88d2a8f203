// The consumer's own uses of a changed method: the references the language service finds to its
// member of the client's `<Namespace>Methods` interface, in the consumer's program (its
// tsconfig), outside the client folder. The old client on disk is what that program compiles
// against, so every use the change touches is found, however the client object was passed around.
import path from "node:path";
import { Node, Project, SyntaxKind, type PropertySignature, type ReferenceFindableNode, type Type } from "ts-morph";
import { UsageError } from "../errors.js";
import type { ApiChange, CallSite } from "./changes.js";

/** `items[].owner.name` -> items, [], owner, name. */
function segments(dotPath: string): string[] {
  return dotPath.split(".").flatMap((part) => {
    const name = part.replace(/(\[\])+$/, "");
    return [...(name ? [name] : []), ...Array<string>((part.length - name.length) / 2).fill("[]")];
  });
}

/** The declaration of the property at `dotPath` in the method's Params or Response type, if it has one. */
function propertyAt(member: PropertySignature, side: "params" | "response", dotPath: string): (ReferenceFindableNode & Node) | undefined {
  const arg = member.getTypeNode()?.asKind(SyntaxKind.TypeReference)?.getTypeArguments()[side === "params" ? 0 : 1];
  let type: Type | undefined = arg?.getType();
  let declaration: Node | undefined;
  for (const segment of segments(dotPath)) {
    if (!type) return undefined;
    type = type.getNonNullableType();
    if (segment === "[]") {
      type = type.getArrayElementType();
      continue;
    }
    const symbol = type.getProperty(segment);
    declaration = symbol?.getDeclarations()[0];
    type = declaration ? symbol!.getTypeAtLocation(declaration) : undefined;
  }
  return declaration && (Node.isPropertySignature(declaration) || Node.isPropertyDeclaration(declaration)) ? declaration : undefined;
}

export class ConsumerProject {
  readonly #project: Project;

  private constructor(project: Project) {
    this.#project = project;
  }

  /** The program of `tsconfig` (a path to a tsconfig.json). */
  static open(tsconfig: string): ConsumerProject {
    try {
      return new ConsumerProject(new Project({ tsConfigFilePath: tsconfig }));
    } catch (err) {
      throw new UsageError(`The TypeScript project ${tsconfig} cannot be read: ${(err as Error).message.split("\n")[0]}`, { file: tsconfig, flag: "--project" });
    }
  }

  /**
   * The code outside the client in `clientDir` that `change` touches, sorted by file and line;
   * `cwd` makes the file names relative. A change to a parameter or response property that
   * existed before is where the code uses that property (`pet.status`); any other change is
   * where the code uses the method.
   */
  callSites(clientDir: string, change: Pick<ApiChange, "method" | "path" | "side">, cwd: string): CallSite[] {
    const dot = change.method.lastIndexOf(".");
    const member = this.#member(clientDir, change.method.slice(0, dot), change.method.slice(dot + 1));
    if (!member) return [];
    const property = change.path && change.side ? propertyAt(member, change.side, change.path) : undefined;
    return this.#references(property ?? member, clientDir, cwd);
  }

  /**
   * The modules the client in `clientDir` imports that this program cannot resolve (typically
   * `alter-gen/runtime` when alter-gen is not installed where the consumer compiles): without
   * them the method types are `any`, and no use of a changed property can be found.
   */
  unresolvedImports(clientDir: string): string[] {
    const index = this.#file(path.join(clientDir, "index.d.ts")) ?? this.#file(path.join(clientDir, "index.ts"));
    if (!index) return [];
    const missing = new Set<string>();
    for (const decl of index.getImportDeclarations()) {
      if (!decl.getModuleSpecifierSourceFile()) missing.add(decl.getModuleSpecifierValue());
    }
    return [...missing].sort();
  }

  #references(target: ReferenceFindableNode & Node, clientDir: string, cwd: string): CallSite[] {
    const inside = path.resolve(clientDir) + path.sep;
    const sites = new Map<string, CallSite>();
    for (const node of target.findReferencesAsNodes()) {
      const file = node.getSourceFile();
      if (path.resolve(file.getFilePath()).startsWith(inside)) continue;
      const { line, column } = file.getLineAndColumnAtPos(node.getStart());
      const name = path.relative(cwd, file.getFilePath()).split(path.sep).join("/");
      const text = file.getFullText().split("\n")[line - 1]?.trim() ?? "";
      sites.set(`${name}:${line}:${column}`, { file: name, line, column, text });
    }
    return [...sites.values()].sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1));
  }

  /** The `method` member of the Methods interface of `namespace` in the client's declarations. */
  #member(clientDir: string, namespace: string, method: string) {
    const index = this.#file(path.join(clientDir, "index.d.ts")) ?? this.#file(path.join(clientDir, "index.ts"));
    const client = index?.getInterfaces().find((i) => i.isExported() && i.getName().endsWith("Client"));
    const nsMember = client?.getProperties().find((p) => p.getNameNode().getText().replace(/^["']|["']$/g, "") === namespace);
    const methodsName = nsMember?.getTypeNode()?.getText();
    if (!methodsName) return undefined;
    const methods = nsMember!.getType().getSymbol()?.getDeclarations().find((d) => d.isKind(SyntaxKind.InterfaceDeclaration))?.asKind(SyntaxKind.InterfaceDeclaration);
    return methods?.getProperties().find((p) => p.getNameNode().getText().replace(/^["']|["']$/g, "") === method);
  }

  #file(file: string) {
    return this.#project.getSourceFile(file) ?? (this.#project.getFileSystem().fileExistsSync(file) ? this.#project.addSourceFileAtPath(file) : undefined);
  }
}

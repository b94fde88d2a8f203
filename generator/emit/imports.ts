// What one generated module imports, collected from the types it declares (each imported type
// reference carries its module, see ts-ast.ts `ModuleRef`) and never read back from printed
// text: a name that merely appears in a comment or inside another name cannot add an import, and
// a type that was built but dropped (a union that collapsed to `unknown`) adds none either.
import { group, hardline, ifBreak, indent, join, line, printLayout, type Layout } from "./layout.js";
import { stringLiteral } from "./types/literals.js";
import type { ModuleRef, TsMember, TsRef, TsType } from "./types/ts-ast.js";

/** The runtime's public types: `BinaryInput`, `Method`, `OperationTable`, … */
export const RUNTIME: ModuleRef = { specifier: "alter-gen/runtime" };
/** The client's schema types and enum objects. */
export const SCHEMAS: ModuleRef = { specifier: "./schemas.js", namespace: "Schemas" };
/** Parameters many operations share (emit/shared-params.ts). */
export const PARAMS: ModuleRef = { specifier: "./params.js", namespace: "P" };

/** A reference to type `name` of `module`. */
export function importedRef(module: ModuleRef, name: string, args?: TsType[]): TsRef {
  return args ? { t: "ref", name, args, module } : { t: "ref", name, module };
}

/** A module's declarations and what they import; the output format adds header and layout. */
export interface ModuleText {
  imports: Imports;
  /** The declarations, ending with a newline. */
  body: string;
}

export class Imports {
  /** Specifier -> the names imported from it by name. */
  readonly #named = new Map<string, Set<string>>();
  /** Specifier -> the module when it is imported as a namespace. */
  readonly #namespaces = new Map<string, ModuleRef>();

  /** Records `name` of `module` (for a namespace import, the module itself). */
  add(module: ModuleRef, name: string): this {
    if (module.namespace) this.#namespaces.set(module.specifier, module);
    else {
      let names = this.#named.get(module.specifier);
      if (!names) this.#named.set(module.specifier, (names = new Set()));
      names.add(name);
    }
    return this;
  }

  /** Records every imported type `type` refers to. */
  addType(type: TsType): this {
    switch (type.t) {
      case "ref":
        if (type.module) this.add(type.module, type.name);
        if (type.args) for (const arg of type.args) this.addType(arg);
        break;
      case "array":
        this.addType(type.element);
        break;
      case "tuple":
        for (const element of type.elements) this.addType(element);
        if (type.rest) this.addType(type.rest);
        break;
      case "union":
      case "intersection":
        for (const member of type.types) this.addType(member);
        break;
      case "object":
        this.addMembers(type.members);
        break;
      default:
        break;
    }
    return this;
  }

  addMembers(members: readonly TsMember[]): this {
    for (const member of members) this.addType(member.type);
    return this;
  }

  /** Names imported from `module` by name, sorted (for tests and the typecheck harness). */
  namesFrom(module: ModuleRef): string[] {
    return [...(this.#named.get(module.specifier) ?? [])].sort();
  }

  /**
   * The import declarations followed by a blank line, or "" when the module imports nothing:
   * packages first, then the client's own modules, each group sorted by specifier.
   */
  print(): string {
    const bySpecifier = (a: string, b: string) => (a.startsWith(".") === b.startsWith(".") ? (a < b ? -1 : a > b ? 1 : 0) : a.startsWith(".") ? 1 : -1);
    const lines: Layout[] = [];
    for (const specifier of [...new Set([...this.#named.keys(), ...this.#namespaces.keys()])].sort(bySpecifier)) {
      const names = this.#named.get(specifier);
      if (names) lines.push(importLayout([...names].sort(), specifier));
      const namespace = this.#namespaces.get(specifier)?.namespace;
      if (namespace) lines.push(`import type * as ${namespace} from ${stringLiteral(specifier)};`);
    }
    return lines.length ? printLayout([join(hardline, lines), hardline, hardline]) : "";
  }
}

/** `import { a, b } from "x";` (or `export …`) as prettier lays it out. */
export function importLayout(names: string[], from: string, typeOnly = true, keyword = "import"): Layout {
  // prettier never breaks an import with a single specifier.
  if (names.length === 1 && keyword === "import") return `${typeOnly ? "import type" : "import"} { ${names[0]} } from ${stringLiteral(from)};`;
  return group([
    typeOnly ? `${keyword} type {` : `${keyword} {`,
    indent([line, join([",", line], names)]),
    ifBreak(","),
    line,
    "} from ",
    stringLiteral(from),
    ";",
  ]);
}

// Module structure of checked-in clients, read with ts-morph: every operation in a namespace's
// `.js` table has a typed member in its `.d.ts` Methods interface (and nothing else does), the
// types a member names are declared beside it, the index wires every namespace module, and the
// schema types are named by the namespace users import (what hovers in the modules show).
import { readdirSync } from "node:fs";
import path from "node:path";
import { Project, SyntaxKind } from "ts-morph";
import { describe, expect, it } from "vitest";

const generated = path.resolve("generated");
const providers = ["slack", "notion", "google-calendar", "asana"];

describe.each(providers)("generated/%s", (id) => {
  const dir = path.join(generated, id);
  const project = new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: { allowJs: true } });
  const files = readdirSync(dir);
  for (const f of files) project.addSourceFileAtPath(path.join(dir, f));
  const namespaces = files.filter((f) => f.endsWith(".js") && !["index.js", "provider.js", "schemas.js", "tools.js"].includes(f)).map((f) => f.slice(0, -3));

  it("pairs every .js module with a .d.ts", () => {
    for (const f of files.filter((x) => x.endsWith(".js"))) expect(files).toContain(f.replace(/\.js$/, ".d.ts"));
  });

  /** The old names the index binds beside a table (`bind({ ...xOps, old: xOps.new })`, emit/aliases.ts). */
  function aliasKeys(ns: string): string[] {
    const indexJs = project.getSourceFileOrThrow(path.join(dir, "index.js"));
    const local = indexJs.getImportDeclarations().find((d) => d.getModuleSpecifierValue() === `./${ns}.js`)!.getNamedImports()[0]!.getAliasNode()!.getText();
    for (const call of indexJs.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const arg = call.getArguments()[0]?.asKind(SyntaxKind.ObjectLiteralExpression);
      if (!arg?.getProperties().some((p) => p.isKind(SyntaxKind.SpreadAssignment) && p.getExpression().getText() === local)) continue;
      return arg.getProperties().filter((p) => p.isKind(SyntaxKind.PropertyAssignment)).map((p) => p.asKindOrThrow(SyntaxKind.PropertyAssignment).getNameNode().getText().replace(/^"|"$/g, ""));
    }
    return [];
  }

  it.each(namespaces)("%s: table keys (and old names bound beside it) equal the Methods members, whose types are declared", (ns) => {
    const js = project.getSourceFileOrThrow(path.join(dir, `${ns}.js`));
    const table = js.getVariableDeclarationOrThrow("operations").getInitializerIfKindOrThrow(SyntaxKind.ObjectLiteralExpression);
    const keys = table.getProperties().map((p) => (p.asKindOrThrow(SyntaxKind.PropertyAssignment).getNameNode().getText().replace(/^"|"$/g, "")));
    const dts = project.getSourceFileOrThrow(path.join(dir, `${ns}.d.ts`));
    const methods = dts.getInterfaces().find((i) => i.getName().endsWith("Methods"));
    expect(methods).toBeDefined();
    const members = methods!.getProperties().map((p) => p.getName().replace(/^"|"$/g, ""));
    const aliases = aliasKeys(ns);
    expect(members).toEqual([...keys, ...aliases]);
    for (const alias of aliases) expect(methods!.getPropertyOrThrow(alias).getJsDocs()[0]?.getText(), `${ns}.${alias}`).toMatch(/@deprecated Use `/);
    // An old name's types may be another namespace's (its operation moved there): imported by name.
    const imported = dts.getImportDeclarations().filter((d) => d.getModuleSpecifierValue().startsWith("./")).flatMap((d) => d.getNamedImports().map((n) => n.getName()));
    const declared = new Set([...dts.getInterfaces().map((i) => i.getName()), ...dts.getTypeAliases().map((t) => t.getName()), ...imported]);
    for (const member of methods!.getProperties()) {
      const ref = member.getTypeNodeOrThrow().asKindOrThrow(SyntaxKind.TypeReference);
      expect(ref.getTypeName().getText()).toMatch(/^(Paginated)?Method(Opt)?$/);
      for (const arg of ref.getTypeArguments()) expect(declared.has(arg.getText()), `${ns}.${member.getName()}: ${arg.getText()}`).toBe(true);
      const paginated = ref.getTypeName().getText().startsWith("Paginated");
      if (aliases.includes(member.getName())) continue;
      const entry = table.getPropertyOrThrow(member.getName()).asKindOrThrow(SyntaxKind.PropertyAssignment).getInitializerIfKindOrThrow(SyntaxKind.ObjectLiteralExpression);
      expect(entry.getProperty("paginate") !== undefined, `${ns}.${member.getName()} paginate`).toBe(paginated);
    }
  });

  it("names schema types through the namespace the index exports (Schemas), in code and in hovers", () => {
    const indexDts = project.getSourceFileOrThrow(path.join(dir, "index.d.ts"));
    const exported = indexDts.getExportDeclarations().find((d) => d.getModuleSpecifierValue() === "./schemas.js")?.getNamespaceExport()?.getName();
    expect(exported).toBe("Schemas");
    const services = project.getLanguageService().compilerObject;
    // A hover expands an alias of an alias (`= string`); one of an interface keeps its name.
    const interfaces = new Set(project.getSourceFileOrThrow(path.join(dir, "schemas.d.ts")).getInterfaces().map((i) => `${exported}.${i.getName()}`));
    let hovered = 0;
    for (const f of files.filter((x) => x.endsWith(".d.ts"))) {
      const source = project.getSourceFileOrThrow(path.join(dir, f));
      const schemasImport = source.getImportDeclarations().find((d) => d.getModuleSpecifierValue() === "./schemas.js");
      if (!schemasImport) continue;
      expect(schemasImport.getNamespaceImport()?.getText(), f).toBe(exported);
      const alias = source.getTypeAliases().find((t) => interfaces.has(t.getTypeNodeOrThrow().getText()));
      if (!alias || hovered >= 3) continue;
      const info = services.getQuickInfoAtPosition(source.getFilePath(), alias.getNameNode().getStart());
      expect(info?.displayParts?.map((p) => p.text).join(""), `${f}: ${alias.getName()}`).toContain(`= ${exported}.`);
      hovered++;
    }
    expect(hovered).toBeGreaterThan(0);
  });

  it("index wires every namespace module into the client", () => {
    const indexJs = project.getSourceFileOrThrow(path.join(dir, "index.js"));
    const imported = indexJs.getImportDeclarations().map((d) => d.getModuleSpecifierValue()).filter((s) => s.startsWith("./") && s !== "./provider.js");
    expect(imported.sort()).toEqual(namespaces.map((n) => `./${n}.js`).sort());
    const indexDts = project.getSourceFileOrThrow(path.join(dir, "index.d.ts"));
    const client = indexDts.getInterfaces().find((i) => i.getName().endsWith("Client"));
    expect(client?.getProperties()).toHaveLength(namespaces.length);
    expect(indexDts.getFunctionOrThrow((f) => f.getName()?.startsWith("create") ?? false).getReturnTypeNodeOrThrow().getText()).toBe(client!.getName());
  });
});

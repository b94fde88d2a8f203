// Component schema name → TypeScript type name.
//
// `simple-user` → `SimpleUser`, `account_capability` → `AccountCapability`,
// `microsoft.graph.user` → `MicrosoftGraphUser`, `3ds` → `_3ds`. Names that would shadow a
// global the generated declarations (or their readers) rely on get a `Schema` suffix
// (`Blob` → `BlobSchema`), and a numeric suffix keeps every name unique (`Pet2`).

/** Words TypeScript reserves in type or declaration positions (PascalCase ones are globals below). */
const RESERVED = new Set([
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do",
  "else", "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in",
  "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true", "try",
  "typeof", "var", "void", "while", "with", "implements", "interface", "let", "package",
  "private", "protected", "public", "static", "yield", "any", "boolean", "number", "string",
  "symbol", "bigint", "object", "never", "unknown", "undefined", "type", "declare", "namespace",
  "module", "keyof", "infer", "is", "asserts", "readonly", "unique", "global", "await", "async",
  "of", "satisfies", "accessor", "out", "arguments", "eval",
]);

/**
 * Globals a generated module or its consumer is likely to need unshadowed: the types our own
 * printer emits (`Record`, `Uint8Array`), common lib types, and web platform classes that
 * provider schemas are often named after (`Blob`, `File`, `Event`, `Request`, `Response`).
 */
const GLOBALS = new Set([
  "Array", "ArrayBuffer", "ArrayLike", "Awaited", "BigInt", "Blob", "Boolean", "DataView", "Date",
  "Error", "Event", "EventTarget", "Exclude", "Extract", "File", "FormData", "Function",
  "Headers", "InstanceType", "Iterable", "Iterator", "JSON", "Map", "Math", "NonNullable",
  "Number", "Object", "Omit", "Parameters", "Partial", "Pick", "Promise", "PromiseLike",
  "Readonly", "ReadonlyArray", "ReadonlyMap", "ReadonlySet", "Record", "RegExp", "Request",
  "Required", "Response", "ReturnType", "Set", "String", "Symbol", "URL", "URLSearchParams",
  "Uint8Array", "WeakMap", "WeakSet", "ReadableStream", "AbortSignal", "Buffer", "Error",
  "TextDecoder", "TextEncoder", "Intl", "Reflect", "Proxy", "Atomics", "WebAssembly",
  "NodeJS", "Uppercase", "Lowercase", "Capitalize", "Uncapitalize", "NoInfer", "ThisType",
  // Imported by name from alter-gen/runtime into schemas.d.ts and params.d.ts, where schema and
  // parameter types are declared by their own names, whenever a request takes binary data. It
  // stays reserved even where no binary field is, so a type's name never depends on another
  // field. (BinaryInput is imported only into namespace modules, which declare no such names.)
  "BlobLike",
]);

/** PascalCase words of `name` with everything that cannot be in an identifier removed. */
export function pascalCase(name: string): string {
  const words = name.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}

/**
 * A unique, valid TypeScript type name for a component schema; adds it to `taken`.
 * Deterministic: the same names in the same order give the same results.
 */
export function typeNameFor(schemaName: string, taken: Set<string>): string {
  const base = typeBaseName(schemaName);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  taken.add(name);
  return name;
}

/** The type name `typeNameFor` starts from, before a numeric suffix makes it unique. */
export function typeBaseName(schemaName: string): string {
  let base = pascalCase(schemaName);
  if (base === "") base = "Schema";
  if (/^\p{N}/u.test(base)) base = "_" + base;
  if (RESERVED.has(base) || GLOBALS.has(base)) base += "Schema";
  return base;
}

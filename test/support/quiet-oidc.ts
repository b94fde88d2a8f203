// oidc-provider 9 supports Node.js 22 LTS and later; on the project's Node 20 it prints
// "Unsupported runtime" once per process that imports it (every test file using the IDP). It is
// only the test IDP here and runs fine on Node 20, so that one line is dropped while it loads.
// Imported by idp.ts before oidc-provider, which calls restoreConsoleWarn() once it has loaded.
const original = console.warn;

console.warn = (...args: unknown[]) => {
  if (typeof args[0] === "string" && args[0].startsWith("oidc-provider WARNING: Unsupported runtime")) return;
  original.apply(console, args);
};

export function restoreConsoleWarn(): void {
  console.warn = original;
}

// `await using vault = new AlterVault(…)` needs Symbol.asyncDispose in the consumer's types.
// @types/node and lib esnext.disposable declare it the same way; declaring it here lets the
// runtime's declarations stand without either.
declare global {
  interface SymbolConstructor {
    readonly asyncDispose: unique symbol;
  }
}

export {};

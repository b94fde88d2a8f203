// Public entry point of alter-gen/runtime.
export type * from "./operation.js";
export * from "./errors.js";

// Baseline: what an empty program costs tsc with this tsconfig.
export {};

// The provider catalog (specs/providers.yaml, specs/specs.lock.json and the pinned documents),
// read by the generator, the vault and the provider stand-ins. Import it from here.
export * from "./types.js";
export { mergeToolsConfig, parseToolOverride, parseToolsConfig, TOOL_NAME_PATTERN, type FailAt, type ToolOverride, type ToolsConfig } from "./tools.js";
export { CatalogError, InputError, joinPointer, pointerSegment, type Location } from "./errors.js";
export { catalogPath, defaultSpecsDir, findProvider, loadCatalog } from "./load.js";
export { validateCatalogData } from "./validate.js";
export { checkPinnedSha256, loadLock, verifySha256, type LockEntry } from "./lock.js";
export { closest, levenshtein } from "./did-you-mean.js";
export { findAlterGenPackage, PACKAGE_NAMES, type AlterGenPackage } from "./package.js";

// The runtime's version, sent to the vault as audit metadata (`sdkVersion`). Kept equal to
// package.json's version by test/runtime/version.test.ts.
export const SDK_VERSION = "0.1.0";

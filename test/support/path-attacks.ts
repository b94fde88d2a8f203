// Path parameter values that would move a call to another endpoint, shared by the runtime's
// table (test/runtime/url.test.ts), the vault's (test/vault/proxy.test.ts) and the end-to-end
// proof (test/e2e/path-params.test.ts). Each row: the value, and why it is dangerous.
export const DOT_SEGMENT_VALUES: [string, string][] = [
  ["..", "parent segment"],
  [".", "current segment"],
  ["%2e%2e", "percent-encoded (URL parsers resolve it)"],
  ["%2E%2e", "mixed-case hex"],
  [".%2e", "half encoded"],
  ["%252e%252e", "encoded twice (a server that decodes twice)"],
  ["%25252e%25252e", "encoded three times"],
  ["../", "parent segment and a slash (%2F once encoded)"],
  ["..%2F", "parent segment and an encoded slash"],
  ["a/../..", "a slash-separated value with parent segments"],
  ["%2e%2e%2fuser", "encoded parent segment and slash"],
  ["..\\", "backslash (read as / by URL parsers)"],
  ["\\", "a lone backslash"],
  ["a\\b", "a backslash inside a value"],
  ["%5c", "an encoded backslash"],
  ["..%5C", "parent segment and an encoded backslash"],
  ["%255C..", "an encoded-twice backslash"],
];

/** Values with dots, percents and slashes that stay inside their segment. */
export const SAFE_PATH_VALUES: [string, string][] = [
  ["...", "three dots is a name"],
  [".hidden", "a leading dot"],
  ["v1.2.3", "dots inside"],
  ["a..b", "two dots inside"],
  ["100%", "a percent sign (sent as %25)"],
  ["a%2e", "a literal %2e, which decodes to a., not a dot segment"],
  ["a/b", "a slash (sent as %2F)"],
  ["名前", "non-ASCII"],
];

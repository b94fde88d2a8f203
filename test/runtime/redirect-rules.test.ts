// The redirect rules both sides follow (protocol/redirect.ts): which answers are followed, the
// next method and body per RFC 9110 §15.4, which targets are refused, and the policy a caller
// passes. End-to-end behaviour in both modes is test/e2e/redirects.test.ts.
import { describe, expect, it } from "vitest";
import {
  isFollowableRedirect,
  parseRedirectPolicy,
  redirectedMethod,
  DEFAULT_MAX_REDIRECTS,
} from "../../protocol/redirect.js";
import { redirectTarget } from "../../protocol/redirect-target.js";

describe("redirectedMethod", () => {
  it.each([
    // [method, status, { method, keepBody }]
    ["GET", 301, "GET", true],
    ["POST", 301, "GET", false],
    ["POST", 302, "GET", false],
    ["PUT", 302, "PUT", true],
    ["DELETE", 301, "DELETE", true],
    ["POST", 303, "GET", false],
    ["PUT", 303, "GET", false],
    ["DELETE", 303, "GET", false],
    ["PATCH", 303, "GET", false],
    ["GET", 303, "GET", true],
    ["HEAD", 303, "HEAD", true],
    ["POST", 307, "POST", true],
    ["PATCH", 307, "PATCH", true],
    ["POST", 308, "POST", true],
    ["post", 308, "POST", true],
  ] as const)("%s answered %i → %s (body kept: %s)", (method, status, next, keepBody) => {
    expect(redirectedMethod(method, status)).toEqual({ method: next, keepBody });
  });
});

describe("isFollowableRedirect", () => {
  it.each([
    [301, "/x", true],
    [302, "https://codeload.github.com/x", true],
    [303, "/task/1", true],
    [307, "/x", true],
    [308, "/x", true],
    [300, "/x", false],
    [304, "/x", false],
    [305, "/x", false],
    [302, undefined, false],
    [302, "  ", false],
    [200, "/x", false],
  ] as const)("%i with Location %j → %s", (status, location, want) => {
    expect(isFollowableRedirect(status, location)).toBe(want);
  });
});

describe("redirectTarget", () => {
  it.each([
    ["relative path", "https://api.github.com/repos/a/b", "/repositories/42", { url: "https://api.github.com/repositories/42" }],
    ["relative sibling", "https://api.github.com/repos/a/b", "c", { url: "https://api.github.com/repos/a/c" }],
    ["other host, query kept", "https://api.github.com/repos/a/b/tarball/", "https://codeload.github.com/a/b/legacy.tar.gz/refs/heads/main?token=T", { url: "https://codeload.github.com/a/b/legacy.tar.gz/refs/heads/main?token=T" }],
    ["fragment dropped", "https://api.github.com/x", "/y#frag", { url: "https://api.github.com/y" }],
    ["http loopback to http loopback", "http://127.0.0.1:9/x", "http://127.0.0.2:9/y", { url: "http://127.0.0.2:9/y" }],
    ["https down to http", "https://api.github.com/x", "http://api.github.com/x", { refused: "insecure_redirect" }],
    ["ftp", "https://api.github.com/x", "ftp://files.example/x", { refused: "insecure_redirect" }],
    ["javascript", "https://api.github.com/x", "javascript:alert(1)", { refused: "insecure_redirect" }],
    ["file", "https://api.github.com/x", "file:///etc/passwd", { refused: "insecure_redirect" }],
    ["data", "https://api.github.com/x", "data:text/plain,hi", { refused: "insecure_redirect" }],
    ["user info", "https://api.github.com/x", "https://u:p@evil.example/", { refused: "invalid_redirect" }],
    ["not a URL", "https://api.github.com/x", "https://[not-an-address/", { refused: "invalid_redirect" }],
  ] as const)("%s", (_name, current, location, want) => {
    const got = redirectTarget(current, location);
    if ("url" in want) expect("url" in got && got.url.href).toBe(want.url);
    else expect("refused" in got && got.refused).toBe(want.refused);
  });
});

describe("parseRedirectPolicy", () => {
  it.each([
    [undefined, undefined, { mode: "follow", maxRedirects: DEFAULT_MAX_REDIRECTS }],
    ["manual", undefined, { mode: "manual", maxRedirects: DEFAULT_MAX_REDIRECTS }],
    ["error", 0, { mode: "error", maxRedirects: 0 }],
    ["follow", 20, { mode: "follow", maxRedirects: 20 }],
    ["follow", 21, "maxRedirects must be a whole number from 0 to 20"],
    [undefined, -1, "maxRedirects must be a whole number from 0 to 20"],
    [undefined, 1.5, "maxRedirects must be a whole number from 0 to 20"],
    ["always", undefined, 'redirect must be "follow", "manual" or "error"'],
  ] as const)("redirect %j, maxRedirects %j", (mode, max, want) => {
    expect(parseRedirectPolicy(mode, max)).toEqual(want);
  });
});

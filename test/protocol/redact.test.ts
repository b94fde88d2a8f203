import { describe, expect, it } from "vitest";
import { isSensitiveHeader, redactHeaders, redactUrl } from "../../protocol/redact.js";

const CANARY = "CANARY9f8e7d6c5b4a";

describe("redactUrl", () => {
  const secretParams = [
    "token", "access_token", "refresh_token", "id_token", "key", "api_key", "apikey", "api-key", "secret",
    "client_secret", "password", "signature", "sig", "code", "auth", "X-Amz-Signature", "X-Amz-Credential",
    "X-Amz-Security-Token", "private_token", "sessionToken", "jwt",
  ];
  it.each(secretParams)("redacts %s", (name) => {
    const out = redactUrl(`https://api.example.com/v1/items?page=2&${encodeURIComponent(name)}=${CANARY}&per_page=10`);
    expect(out).toBe(`https://api.example.com/v1/items?page=2&${encodeURIComponent(name)}=REDACTED&per_page=10`);
  });

  it.each(["page", "per_page", "q", "sort", "country", "state", "owner", "repo"])("keeps %s", (name) => {
    const url = `https://api.example.com/x?${name}=${CANARY}`;
    expect(redactUrl(url)).toBe(url);
  });

  it.each([
    ["userinfo password", `https://user:${CANARY}@example.com/path`, "https://user:REDACTED@example.com/path"],
    ["fragment tokens", `https://app.example.com/cb#access_token=${CANARY}&state=abc`, "https://app.example.com/cb#access_token=REDACTED&state=abc"],
    ["a relative URL", `/v1/x?a=1&token=${CANARY}`, "/v1/x?a=1&token=REDACTED"],
    ["an encoded name", `https://e.com/?%61ccess_token=${CANARY}`, "https://e.com/?%61ccess_token=REDACTED"],
    ["repeated values", `https://e.com/?key=${CANARY}&key=${CANARY}`, "https://e.com/?key=REDACTED&key=REDACTED"],
    ["a URL without a query", "https://e.com/a/b", "https://e.com/a/b"],
    ["odd encodings are kept as they were", "https://e.com/?q=a%20b+c&x=%E2%9C%93", "https://e.com/?q=a%20b+c&x=%E2%9C%93"],
  ])("%s", (_name, url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe("redactHeaders", () => {
  it("hides credentials and keeps the rest", () => {
    const out = redactHeaders({
      Authorization: `Bearer ${CANARY}`,
      "proxy-authorization": `Basic ${CANARY}`,
      cookie: `session=${CANARY}`,
      "set-cookie": [`a=${CANARY}`, `b=${CANARY}`],
      "x-api-key": CANARY,
      "X-Custom-Token": CANARY,
      "x-client-secret": CANARY,
      "private-key": CANARY,
      "alter-user-token": CANARY,
      "content-type": "application/json",
      "x-ratelimit-remaining": 42,
      "idempotency-key": "op-1",
      "www-authenticate": 'Bearer realm="api"',
    });
    expect(JSON.stringify(out)).not.toContain(CANARY);
    expect(out["content-type"]).toBe("application/json");
    expect(out["x-ratelimit-remaining"]).toBe("42");
    expect(out["idempotency-key"]).toBe("op-1");
    expect(out["www-authenticate"]).toBe('Bearer realm="api"');
    expect(out["Authorization"]).toBe("REDACTED");
  });

  it.each(["accept", "user-agent", "etag", "link", "content-digest", "signature-input", "keep-alive"])("%s is not sensitive", (name) => {
    expect(isSensitiveHeader(name)).toBe(false);
  });
});

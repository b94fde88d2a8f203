import { describe, expect, it } from "vitest";
import { canonicalQuery, injectCredential, signSigV4, type OutgoingRequest } from "../../protocol/injection.js";

// AWS Signature Version 4 test suite (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html):
// service "service", region us-east-1, the documented example keys, 2015-08-30T12:36:00Z.
const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const now = Date.UTC(2015, 7, 30, 12, 36, 0);
const scope = "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
const STS =
  "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

const suite: { name: string; method: string; url: string; headers?: Record<string, string>; body?: string; sts?: boolean; want: string }[] = [
  { name: "get-vanilla", method: "GET", url: "https://example.amazonaws.com/", want: "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
  { name: "post-vanilla", method: "POST", url: "https://example.amazonaws.com/", want: "SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b" },
  { name: "get-vanilla-query-order-key-case", method: "GET", url: "https://example.amazonaws.com/?Param2=value2&Param1=value1", want: "SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
  { name: "get-unreserved", method: "GET", url: "https://example.amazonaws.com/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", want: "SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f" },
  { name: "post-header-value-case", method: "POST", url: "https://example.amazonaws.com/", headers: { "my-header1": "VALUE1" }, want: "SignedHeaders=host;my-header1;x-amz-date, Signature=cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d" },
  { name: "post-x-www-form-urlencoded", method: "POST", url: "https://example.amazonaws.com/", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "Param1=value1", want: "SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a" },
  { name: "post-sts-header-before", method: "POST", url: "https://example.amazonaws.com/", sts: true, want: "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead" },
];

describe("SigV4 against the AWS test suite", () => {
  it.each(suite)("$name", (c) => {
    const req: OutgoingRequest = { method: c.method, url: c.url, headers: c.headers ?? {}, body: c.body ? new TextEncoder().encode(c.body) : null };
    const out = signSigV4(req, { ...creds, sessionToken: c.sts ? STS : undefined }, "us-east-1", "service", now);
    expect(out.headers.authorization).toBe(`AWS4-HMAC-SHA256 ${scope}, ${c.want}`);
    expect(out.headers["x-amz-date"]).toBe("20150830T123600Z");
    if (c.sts) expect(out.headers["x-amz-security-token"]).toBe(STS);
    expect(req.headers.authorization).toBeUndefined(); // input untouched
  });

  it("leaves transport headers out of the signature", () => {
    const out = signSigV4({ method: "GET", url: "https://example.amazonaws.com/", headers: { "user-agent": "x", "content-length": "0" }, body: null }, creds, "us-east-1", "service", now);
    expect(out.headers.authorization).toContain("SignedHeaders=host;x-amz-date,");
  });

  it("adds x-amz-content-sha256 for S3 only", () => {
    const s3 = signSigV4({ method: "PUT", url: "https://b.s3.amazonaws.com/k", headers: {}, body: new TextEncoder().encode("hello world") }, creds, "us-east-1", "s3", now);
    expect(s3.headers["x-amz-content-sha256"]).toBe("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    expect(s3.headers.authorization).toContain("x-amz-content-sha256");
  });

  it.each([
    ["", ""],
    ["?b=2&a=1&a=0", "a=0&a=1&b=2"],
    ["?q=hello+world", "q=hello%2Bworld"],
    ["?flag", "flag="],
    ["?p=a/b:c", "p=a%2Fb%3Ac"],
  ])("canonical query %s", (q, want) => expect(canonicalQuery(q)).toBe(want));
});

describe("injectCredential", () => {
  const base: OutgoingRequest = { method: "GET", url: "https://api.example.com/x?a=1", headers: { accept: "application/json" }, body: null };
  it("bearer", () => {
    expect(injectCredential({ type: "bearer" }, { token: "t0k" }, base).headers.authorization).toBe("Bearer t0k");
  });
  it("header with prefix, lower-cased name", () => {
    const out = injectCredential({ type: "header", name: "X-Api-Key", prefix: "Key " }, { token: "abc" }, base);
    expect(out.headers["x-api-key"]).toBe("Key abc");
    expect(out.headers.accept).toBe("application/json");
  });
  it("query, encoded", () => {
    expect(injectCredential({ type: "query", name: "key" }, { token: "a+b/c" }, base).url).toBe("https://api.example.com/x?a=1&key=a%2Bb%2Fc");
    expect(injectCredential({ type: "query", name: "key" }, { token: "z" }, { ...base, url: "https://h/p" }).url).toBe("https://h/p?key=z");
  });
  it("basic", () => {
    const out = injectCredential({ type: "basic" }, { username: "user", password: "pa:ss" }, base);
    expect(out.headers.authorization).toBe("Basic " + Buffer.from("user:pa:ss").toString("base64"));
  });
  it("aws-sigv4", () => {
    const out = injectCredential({ type: "aws-sigv4", region: "us-east-1", service: "service" }, creds, { ...base, url: "https://example.amazonaws.com/", headers: {} }, now);
    expect(out.headers.authorization).toBe(`AWS4-HMAC-SHA256 ${scope}, ${suite[0]!.want}`);
  });
  it("does not change the input request", () => {
    injectCredential({ type: "bearer" }, { token: "t" }, base);
    expect(base.headers.authorization).toBeUndefined();
  });
  it("a malformed credential names the missing field, not the content", () => {
    const err = (() => {
      try {
        injectCredential({ type: "bearer" }, { tokn: "CANARY-SECRET-1" }, base);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/without "token"/);
    expect(err?.message).not.toContain("CANARY");
  });
});

describe("query injection over a URL that already names the parameter", () => {
  const inject = (url: string) => injectCredential({ type: "query", name: "access_token" }, { token: "t0k/en" }, { method: "GET", url, headers: {}, body: null }).url;
  it.each([
    ["a next-page link that kept the scrubbed copy", "https://h/x?page=2&access_token=%5BREDACTED%5D", "https://h/x?page=2&access_token=t0k%2Fen"],
    ["a link that kept the raw token", "https://h/x?access_token=t0k%2Fen&page=2", "https://h/x?page=2&access_token=t0k%2Fen"],
    ["the name percent-encoded", "https://h/x?access%5Ftoken=old&page=2", "https://h/x?page=2&access_token=t0k%2Fen"],
    ["repeated, and a bare name", "https://h/x?access_token=a&access_token&b=1", "https://h/x?b=1&access_token=t0k%2Fen"],
    ["only the parameter", "https://h/x?access_token=old", "https://h/x?access_token=t0k%2Fen"],
    ["a fragment (never sent)", "https://h/x?page=2#access_token=frag", "https://h/x?page=2&access_token=t0k%2Fen"],
    ["another parameter whose name only starts the same", "https://h/x?access_token_hint=1", "https://h/x?access_token_hint=1&access_token=t0k%2Fen"],
  ])("%s: the credential goes exactly once", (_name, url, want) => {
    expect(inject(url)).toBe(want);
  });
});

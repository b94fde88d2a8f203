import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createSignatureBase,
  headerValue,
  parseMessageSignature,
  signMessage,
  verifyMessage,
  type ComponentInput,
  type MessageView,
  type SignatureKey,
  type SignatureParams,
  type VerifyOptions,
} from "../../protocol/signing.js";
import { createContentDigest, verifyContentDigest } from "../../protocol/digest.js";
import { ProtocolError } from "../../protocol/errors.js";
import { parseDictionary, serializeDictionary } from "../../protocol/structured-fields.js";

// ---- RFC 9421 Appendix B.1 keys ----------------------------------------------------------------

// B.1.5 test-shared-secret
const sharedSecret = Buffer.from(
  "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==",
  "base64",
);
// B.1.4 test-key-ed25519
const ed25519Private = createPrivateKey({
  key: { kty: "OKP", crv: "Ed25519", d: "n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU", x: "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs" },
  format: "jwk",
});
const ed25519Public = createPublicKey({
  key: "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n-----END PUBLIC KEY-----\n",
  format: "pem",
});
// B.1.3 test-key-ecc-p256 (public part)
const eccP256Public = createPublicKey({
  key:
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf\n" +
    "w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==\n-----END PUBLIC KEY-----\n",
  format: "pem",
});

// B.1.2 test-key-rsa-pss (public part)
const rsaPssPublic = createPublicKey({
  key: {
    kty: "RSA",
    e: "AQAB",
    n:
      "r4tmm3r20Wd_PbqvP1s2-QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct-Lh1GH45x28Rw3Ry53mm-oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHqgDsznjPFmTOtCEcN2Z1FpWgchwuYLPL-Wokqltd11nqqzi-bJ9cvSKADYdUAAN5WUtzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4aOT9v6d-nb4bnNkQVklLQ3fVAvJm-xdDOp9LCNCN48V2pnDOkFV6-U9nV5oyc6XI2w",
  },
  format: "jwk",
});

// ---- RFC 9421 Appendix B.2 messages ------------------------------------------------------------

const requestDigest = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";
const testRequest: MessageView = {
  method: "POST",
  url: "https://example.com/foo?param=Value&Pet=dog",
  headers: {
    Host: "example.com",
    Date: "Tue, 20 Apr 2021 02:07:55 GMT",
    "Content-Type": "application/json",
    "Content-Digest": requestDigest,
    "Content-Length": "18",
  },
};
const testResponse: MessageView = {
  status: 200,
  headers: {
    date: "Tue, 20 Apr 2021 02:07:56 GMT",
    "content-type": "application/json",
    "content-digest": "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:",
    "content-length": "23",
  },
};
// §2.4: a 503 answering the test request, signed over request components with `;req`.
const busyDigest = "sha-512=:0Y6iCBzGg5rZtoXS95Ijz03mslf6KAMCloESHObfwnHJDbkkWWQz6PhhU9kxsTbARtY2PTBOzq24uJFpHsMuAg==:";
const busyResponse: MessageView = {
  status: 503,
  headers: {
    date: "Tue, 20 Apr 2021 02:07:56 GMT",
    "content-type": "application/json",
    "content-length": "62",
    "content-digest": busyDigest,
  },
  request: testRequest,
};

interface Vector {
  name: string;
  message: MessageView;
  label: string;
  components: ComponentInput[];
  params: SignatureParams;
  base: string[];
  /** The RFC's signature value; deterministic algorithms must reproduce it. */
  signature?: string;
  key?: SignatureKey;
  verifyKey?: SignatureKey;
  deterministic?: boolean;
}

const vectors: Vector[] = [
  {
    name: "B.2.1 minimal, rsa-pss-sha512",
    message: testRequest,
    label: "sig-b21",
    components: [],
    params: { created: 1618884473, keyid: "test-key-rsa-pss", nonce: "b3k2pp5k7z-50gnwp.yemd" },
    base: [`"@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"`],
    signature:
      "d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==",
    verifyKey: { alg: "rsa-pss-sha512", key: rsaPssPublic },
  },
  {
    name: "B.2.3 full coverage, rsa-pss-sha512",
    message: testRequest,
    label: "sig-b23",
    components: ["date", "@method", "@path", "@query", "@authority", "content-type", "content-digest", "content-length"],
    params: { created: 1618884473, keyid: "test-key-rsa-pss" },
    base: [
      `"date": Tue, 20 Apr 2021 02:07:55 GMT`,
      `"@method": POST`,
      `"@path": /foo`,
      `"@query": ?param=Value&Pet=dog`,
      `"@authority": example.com`,
      `"content-type": application/json`,
      `"content-digest": ${requestDigest}`,
      `"content-length": 18`,
      `"@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"`,
    ],
    signature:
      "bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==",
    verifyKey: { alg: "rsa-pss-sha512", key: rsaPssPublic },
  },
  {
    name: "B.2.4 response, ecdsa-p256-sha256",
    message: testResponse,
    label: "sig-b24",
    components: ["@status", "content-type", "content-digest", "content-length"],
    params: { created: 1618884473, keyid: "test-key-ecc-p256" },
    base: [
      `"@status": 200`,
      `"content-type": application/json`,
      `"content-digest": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:`,
      `"content-length": 23`,
      `"@signature-params": ("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"`,
    ],
    signature: "wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==",
    verifyKey: { alg: "ecdsa-p256-sha256", key: eccP256Public },
  },
  {
    name: "B.2.5 hmac-sha256",
    message: testRequest,
    label: "sig-b25",
    components: ["date", "@authority", "content-type"],
    params: { created: 1618884473, keyid: "test-shared-secret" },
    base: [
      `"date": Tue, 20 Apr 2021 02:07:55 GMT`,
      `"@authority": example.com`,
      `"content-type": application/json`,
      `"@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"`,
    ],
    signature: "pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=",
    key: { alg: "hmac-sha256", key: sharedSecret },
    verifyKey: { alg: "hmac-sha256", key: sharedSecret },
    deterministic: true,
  },
  {
    name: "B.2.6 ed25519",
    message: testRequest,
    label: "sig-b26",
    components: ["date", "@method", "@path", "@authority", "content-type", "content-length"],
    params: { created: 1618884473, keyid: "test-key-ed25519" },
    base: [
      `"date": Tue, 20 Apr 2021 02:07:55 GMT`,
      `"@method": POST`,
      `"@path": /foo`,
      `"@authority": example.com`,
      `"content-type": application/json`,
      `"content-length": 18`,
      `"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`,
    ],
    signature: "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==",
    key: { alg: "ed25519", key: ed25519Private },
    verifyKey: { alg: "ed25519", key: ed25519Public },
    deterministic: true,
  },
  {
    name: "§2.4 response bound to its request (;req), ecdsa-p256-sha256",
    message: busyResponse,
    label: "reqres",
    components: ["@status", "content-digest", "content-type", '"@authority";req', '"@method";req', '"@path";req', '"content-digest";req'],
    params: { created: 1618884479, keyid: "test-key-ecc-p256" },
    base: [
      `"@status": 503`,
      `"content-digest": ${busyDigest}`,
      `"content-type": application/json`,
      `"@authority";req: example.com`,
      `"@method";req: POST`,
      `"@path";req: /foo`,
      `"content-digest";req: ${requestDigest}`,
      `"@signature-params": ("@status" "content-digest" "content-type" "@authority";req "@method";req "@path";req "content-digest";req);created=1618884479;keyid="test-key-ecc-p256"`,
    ],
    signature: "dMT/A/76ehrdBTD/2Xx8QuKV6FoyzEP/I9hdzKN8LQJLNgzU4W767HK05rx1i8meNQQgQPgQp8wq2ive3tV5Ag==",
    verifyKey: { alg: "ecdsa-p256-sha256", key: eccP256Public },
  },
];

function withSignature(message: MessageView, signatureInput: string, signature: string): MessageView {
  return { ...message, headers: { ...message.headers, "signature-input": signatureInput, signature } };
}

function inputMember(v: Vector): string {
  return v.base[v.base.length - 1]!.replace(/^"@signature-params": /, `${v.label}=`);
}

describe("RFC 9421 Appendix B vectors", () => {
  it.each(vectors)("$name: signature base byte for byte", (v) => {
    expect(createSignatureBase(v.message, v.components, v.params)).toBe(v.base.join("\n"));
  });

  it.each(vectors.filter((v) => v.deterministic))("$name: signMessage reproduces the RFC's fields", (v) => {
    const out = signMessage(v.message, { label: v.label, components: v.components, params: v.params, key: v.key! });
    expect(out.signatureInput).toBe(inputMember(v));
    expect(out.signature).toBe(`${v.label}=:${v.signature}:`);
  });

  it.each(vectors.filter((v) => v.verifyKey))("$name: the RFC's signature verifies", (v) => {
    const signed = withSignature(v.message, inputMember(v), `${v.label}=:${v.signature}:`);
    const result = verifyMessage(signed, { label: v.label, resolveKey: () => v.verifyKey! });
    expect(result.base).toBe(v.base.join("\n"));
    expect(result.params.keyid).toBe(v.params.keyid);
  });

  it.each(vectors.filter((v) => v.verifyKey))("$name: a flipped signature bit fails", (v) => {
    const bytes = Buffer.from(v.signature!, "base64");
    bytes[5]! ^= 0x01;
    const signed = withSignature(v.message, inputMember(v), `${v.label}=:${bytes.toString("base64")}:`);
    expect(() => verifyMessage(signed, { label: v.label, resolveKey: () => v.verifyKey! })).toThrow(
      expect.objectContaining({ code: "signature_invalid" }),
    );
  });
});

describe("RFC 9530 Content-Digest", () => {
  const cases = [
    { body: '{"hello": "world"}', alg: "sha-256" as const, field: "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:" },
    { body: '{"hello": "world"}', alg: "sha-512" as const, field: requestDigest },
    { body: '{"busy": true, "message": "Your call is very important to us"}', alg: "sha-512" as const, field: busyDigest },
  ];
  it.each(cases)("$alg of $body", ({ body, alg, field }) => {
    expect(createContentDigest(body, alg)).toBe(field);
    expect(() => verifyContentDigest(field, Buffer.from(body), alg)).not.toThrow();
  });

  it("uses the digest of the empty string when there is no body", () => {
    expect(createContentDigest(undefined)).toBe("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
  });

  const bad: [string, string | undefined, string][] = [
    ["missing field", undefined, '{"hello": "world"}'],
    ["other body", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", '{"hello": "World"}'],
    ["truncated digest", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9D:", '{"hello": "world"}'],
    ["not a byte sequence", 'sha-256="X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="', '{"hello": "world"}'],
    ["malformed field", "sha-256=:X48E9", '{"hello": "world"}'],
    ["no sha-256 member", requestDigest, '{"hello": "world"}'],
    ["a wrong sha-512 next to a right sha-256", `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, ${busyDigest}`, '{"hello": "world"}'],
  ];
  it.each(bad)("rejects %s", (_name, field, body) => {
    expect(() => verifyContentDigest(field, body)).toThrow(expect.objectContaining({ code: "digest_mismatch", name: "ProtocolError" }));
  });
});

// ---- The vault protocol's own shape --------------------------------------------------------------

const hmacKey: SignatureKey = { alg: "hmac-sha256", key: Buffer.alloc(32, 7) };
const NOW = 1_760_000_000;

function protocolRequest(overrides: Partial<Record<string, string>> = {}): MessageView {
  const body = '{"grant":{"grantId":"g1"}}';
  return {
    method: "POST",
    url: "http://127.0.0.1:8787/v1/credentials/retrieve?x=1",
    headers: {
      "content-type": "application/json",
      "content-digest": createContentDigest(body),
      "alter-user-token": "eyJhbGciOi.payload.sig",
      ...overrides,
    },
  };
}
const REQUEST_COMPONENTS = ["@method", "@target-uri", "content-digest", "content-type", "alter-user-token"];
const requestParams: SignatureParams = { created: NOW, expires: NOW + 60, nonce: "bm9uY2Vub25jZW5vbmNl", keyid: "abcdefgh12345678", alg: "hmac-sha256" };

function signedRequest(): MessageView {
  const view = protocolRequest();
  const { signatureInput, signature } = signMessage(view, { label: "alter", components: REQUEST_COMPONENTS, params: requestParams, key: hmacKey });
  return withSignature(view, signatureInput, signature);
}

const verifyRequest = (view: MessageView, extra: Partial<VerifyOptions> = {}) =>
  verifyMessage(view, {
    label: "alter",
    resolveKey: () => hmacKey,
    requiredComponents: ["@method", "@target-uri", "content-digest"],
    requiredParams: ["created", "expires", "nonce", "keyid"],
    ...extra,
  });

describe("signing and verifying protocol messages", () => {
  it("serialises Signature-Input as protocol.md shows it", () => {
    const view = signedRequest();
    expect(headerValue(view.headers, "signature-input")).toBe(
      'alter=("@method" "@target-uri" "content-digest" "content-type" "alter-user-token");created=1760000000;expires=1760000060;nonce="bm9uY2Vub25jZW5vbmNl";keyid="abcdefgh12345678";alg="hmac-sha256"',
    );
    expect(verifyRequest(view).params).toEqual(requestParams);
  });

  const tamper: [string, (v: MessageView) => MessageView][] = [
    ["@method", (v) => ({ ...v, method: "PUT" })],
    ["@target-uri path", (v) => ({ ...v, url: "http://127.0.0.1:8787/v1/proxy?x=1" })],
    ["@target-uri query", (v) => ({ ...v, url: "http://127.0.0.1:8787/v1/credentials/retrieve?x=2" })],
    ["@target-uri authority", (v) => ({ ...v, url: "http://127.0.0.1:8788/v1/credentials/retrieve?x=1" })],
    ["content-digest", (v) => ({ ...v, headers: { ...v.headers, "content-digest": createContentDigest("{}") } })],
    ["content-type", (v) => ({ ...v, headers: { ...v.headers, "content-type": "text/plain" } })],
    ["alter-user-token", (v) => ({ ...v, headers: { ...v.headers, "alter-user-token": "eyJhbGciOi.other.sig" } })],
    ["created param", (v) => ({ ...v, headers: { ...v.headers, "signature-input": String(v.headers["signature-input"]).replace(`created=${NOW}`, `created=${NOW + 1}`) } })],
    ["nonce param", (v) => ({ ...v, headers: { ...v.headers, "signature-input": String(v.headers["signature-input"]).replace("bm9uY2Vub25jZW5vbmNl", "bm9uY2Vub25jZW5vbmNm") } })],
    ["keyid param", (v) => ({ ...v, headers: { ...v.headers, "signature-input": String(v.headers["signature-input"]).replace("abcdefgh12345678", "abcdefgh12345679") } })],
  ];
  it.each(tamper)("altering %s breaks verification", (_name, change) => {
    const view = signedRequest();
    expect(() => verifyRequest(view)).not.toThrow();
    expect(() => verifyRequest(change(view))).toThrow(expect.objectContaining({ code: "signature_invalid" }));
  });

  it("a removed covered header is signature_invalid, not a crash", () => {
    const view = signedRequest();
    const headers = { ...view.headers };
    delete headers["alter-user-token"];
    expect(() => verifyRequest({ ...view, headers })).toThrow(expect.objectContaining({ code: "signature_invalid" }));
  });

  it("a tag, when asked for, must be exactly that tag (RFC 9421 §2.3)", () => {
    const signedWith = (tag: string | undefined) => {
      const view = protocolRequest();
      const s = signMessage(view, { label: "alter", components: REQUEST_COMPONENTS, params: { ...requestParams, tag }, key: hmacKey });
      return withSignature(view, s.signatureInput, s.signature);
    };
    expect(verifyRequest(signedWith("alter-gen/v2/request"), { tag: "alter-gen/v2/request" }).params.tag).toBe("alter-gen/v2/request");
    for (const tag of [undefined, "alter-gen/v2/response", "alter-gen/v1/request", "other"]) {
      expect(() => verifyRequest(signedWith(tag), { tag: "alter-gen/v2/request" })).toThrow(expect.objectContaining({ code: "signature_invalid" }));
    }
  });

  // A covered field on two lines: RFC 9421 combines them, the protocol refuses them.
  const repeated: [string, Record<string, string | string[]>][] = [
    ["content-digest", { "content-digest": [createContentDigest('{"grant":{"grantId":"g1"}}'), createContentDigest("{}")] }],
    ["content-type", { "content-type": ["application/json", "text/plain"] }],
    ["alter-user-token", { "alter-user-token": ["eyJhbGciOi.payload.sig", "eyJhbGciOi.other.sig"] }],
    ["the same value twice", { "content-type": ["application/json", "application/json"] }],
  ];
  it.each(repeated)("with singleLineFields, a covered field on several lines is refused: %s", (_name, lines) => {
    const view = protocolRequest();
    // Signed over the combined value, so only the line rule can refuse it.
    const combined = { ...view, headers: { ...view.headers, ...lines } };
    const s = signMessage(combined, { label: "alter", components: REQUEST_COMPONENTS, params: requestParams, key: hmacKey });
    const signed = withSignature(combined, s.signatureInput, s.signature);
    expect(() => verifyRequest(signed)).not.toThrow();
    expect(() => verifyRequest(signed, { singleLineFields: true })).toThrow(
      expect.objectContaining({ code: "signature_invalid", message: expect.stringContaining("appears 2 times") }),
    );
  });

  it("a label that appears twice in Signature-Input or Signature is refused", () => {
    const view = signedRequest();
    const input = String(view.headers["signature-input"]);
    const sig = String(view.headers["signature"]);
    expect(() => verifyRequest(withSignature(view, `${input}, ${input}`, sig))).toThrow(expect.objectContaining({ code: "signature_invalid", message: expect.stringContaining("more than once") }));
    expect(() => verifyRequest(withSignature(view, input, `alter=:AAAA:, ${sig}`))).toThrow(expect.objectContaining({ code: "signature_invalid", message: expect.stringContaining("more than once") }));
  });

  it("missing fields, other labels and uncovered components are signature_missing", () => {
    const view = protocolRequest();
    expect(() => verifyRequest(view)).toThrow(expect.objectContaining({ code: "signature_missing" }));
    const other = signMessage(view, { label: "other", components: REQUEST_COMPONENTS, params: requestParams, key: hmacKey });
    expect(() => verifyRequest(withSignature(view, other.signatureInput, other.signature))).toThrow(
      expect.objectContaining({ code: "signature_missing" }),
    );
    const narrow = signMessage(view, { label: "alter", components: ["@method", "content-digest"], params: requestParams, key: hmacKey });
    expect(() => verifyRequest(withSignature(view, narrow.signatureInput, narrow.signature))).toThrow(
      expect.objectContaining({ code: "signature_missing", message: expect.stringContaining("@target-uri") }),
    );
  });

  it("finds its label among several signatures", () => {
    const view = signedRequest();
    const combined = withSignature(
      view,
      `first=("@method");created=1, ${String(view.headers["signature-input"])}`,
      `first=:AAAA:, ${String(view.headers["signature"])}`,
    );
    expect(verifyRequest(combined).label).toBe("alter");
  });

  it("rejects a missing required parameter and an alg that is not the key's", () => {
    const view = protocolRequest();
    const noNonce = signMessage(view, { label: "alter", components: REQUEST_COMPONENTS, params: { ...requestParams, nonce: undefined }, key: hmacKey });
    expect(() => verifyRequest(withSignature(view, noNonce.signatureInput, noNonce.signature))).toThrow(
      expect.objectContaining({ code: "signature_invalid", message: expect.stringContaining("nonce") }),
    );
    const wrongAlg = signMessage(view, { label: "alter", components: REQUEST_COMPONENTS, params: { ...requestParams, alg: "ed25519" }, key: hmacKey });
    expect(() => verifyRequest(withSignature(view, wrongAlg.signatureInput, wrongAlg.signature))).toThrow(
      expect.objectContaining({ code: "signature_invalid" }),
    );
  });

  const malformed: [string, string, string][] = [
    ["inner list not closed", 'alter=("@method";created=1', "alter=:AAAA:"],
    ["signature is a string", 'alter=("@method");created=1', 'alter="AAAA"'],
    ["input is an item", "alter=1", "alter=:AAAA:"],
    ["upper-case label", 'Alter=("@method")', "Alter=:AAAA:"],
    ["bad base64", 'alter=("@method")', "alter=:AA*A:"],
    ["component is a token", "alter=(method)", "alter=:AAAA:"],
  ];
  it.each(malformed)("strictly rejects %s", (_name, input, sig) => {
    const view = withSignature(protocolRequest(), input, sig);
    expect(() => parseMessageSignature(view, "alter")).toThrow(ProtocolError);
  });

  it("ed25519 request signatures verify with the public key and fail with another", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const other: KeyObject = generateKeyPairSync("ed25519").publicKey;
    const view = protocolRequest();
    const s = signMessage(view, {
      label: "alter",
      components: REQUEST_COMPONENTS,
      params: { ...requestParams, alg: "ed25519" },
      key: { alg: "ed25519", key: privateKey },
    });
    const signed = withSignature(view, s.signatureInput, s.signature);
    expect(verifyMessage(signed, { label: "alter", resolveKey: () => ({ alg: "ed25519", key: publicKey }) }).label).toBe("alter");
    expect(() => verifyMessage(signed, { label: "alter", resolveKey: () => ({ alg: "ed25519", key: other }) })).toThrow(
      expect.objectContaining({ code: "signature_invalid" }),
    );
  });

  it("passes through the resolver's own error (unknown key)", () => {
    expect(() =>
      verifyMessage(signedRequest(), {
        label: "alter",
        resolveKey: (p) => {
          throw new ProtocolError("unknown_key", `no key ${p.keyid}`);
        },
      }),
    ).toThrow(expect.objectContaining({ code: "unknown_key" }));
  });
});

describe("response signatures bound to the request", () => {
  const RESPONSE_COMPONENTS = ["@status", "content-digest", "content-type", '"@method";req', '"@target-uri";req', '"signature";req;key="alter"'];
  const responseKey: SignatureKey = { alg: "hmac-sha256", key: Buffer.alloc(32, 9) };

  function signedResponse(request: MessageView, body = '{"ok":true}', status = 200): MessageView {
    const view: MessageView = {
      status,
      headers: { "content-type": "application/json", "content-digest": createContentDigest(body) },
      request,
    };
    const s = signMessage(view, { label: "alter", components: RESPONSE_COMPONENTS, params: { created: NOW, keyid: "abcdefgh12345678", alg: "hmac-sha256" }, key: responseKey });
    return withSignature(view, s.signatureInput, s.signature);
  }
  const verifyResponse = (view: MessageView) =>
    verifyMessage(view, { label: "alter", resolveKey: () => responseKey, exactComponents: RESPONSE_COMPONENTS });

  it("covers the request signature's serialised value", () => {
    const request = signedRequest();
    const result = verifyResponse(signedResponse(request));
    const sigLine = result.base.split("\n").find((l) => l.startsWith('"signature";req;key="alter"'));
    expect(sigLine).toBe(`"signature";req;key="alter": ${String(request.headers["signature"]).slice("alter=".length)}`);
  });

  it("fails when attached to another request", () => {
    const response = signedResponse(signedRequest());
    const otherView = protocolRequest({ "content-type": "application/json; charset=utf-8" });
    const other = signMessage(otherView, { label: "alter", components: REQUEST_COMPONENTS, params: requestParams, key: hmacKey });
    expect(() => verifyResponse({ ...response, request: withSignature(otherView, other.signatureInput, other.signature) })).toThrow(
      expect.objectContaining({ code: "signature_invalid" }),
    );
  });

  it("fails when signed over other components", () => {
    const request = signedRequest();
    const view: MessageView = { status: 200, headers: { "content-type": "application/json", "content-digest": createContentDigest("{}") }, request };
    const s = signMessage(view, { label: "alter", components: ["@status", "content-digest"], params: { created: NOW }, key: responseKey });
    expect(() => verifyResponse(withSignature(view, s.signatureInput, s.signature))).toThrow(expect.objectContaining({ code: "signature_missing" }));
  });

  it("fails when the status changes", () => {
    const response = signedResponse(signedRequest());
    expect(() => verifyResponse({ ...response, status: 201 })).toThrow(expect.objectContaining({ code: "signature_invalid" }));
  });
});

describe("structured fields", () => {
  it.each([
    'a=1, b=?0, c="x\\"y", d=:AQID:, e=(1 2);p=t, f;q=1.5, g=tok/en',
    'sig1=("@method" "signature";req;key="alter");created=1;nonce="n"',
  ])("round-trips %s", (text) => {
    expect(serializeDictionary(parseDictionary(text))).toBe(text);
  });

  it.each(["a=1,", "a=(1", 'a="\u00e9"', "a=1.2345", "A=1", "a=1;", "a=1 b=2", "a=9999999999999999"])("rejects %s", (text) => {
    expect(() => parseDictionary(text)).toThrow();
  });
});

describe("component values (RFC 9421 §2.1-2.2)", () => {
  const view: MessageView = {
    method: "GET",
    url: "https://WWW.Example.com:443/a%20b/c?x=1&y=%20",
    headers: {
      "x-list": ["a", " b, c "],
      "example-dict": " a=1,    b=2;x=1;y=2,   c=(a   b   c)",
      "x-folded": "one\r\n two",
      "x-empty": "",
      "x-raw": ["value", "other"],
    },
  };
  const line = (component: ComponentInput) => createSignatureBase(view, [component], {}).split("\n")[0];

  it.each([
    ["@method", '"@method": GET'],
    ["@target-uri", '"@target-uri": https://WWW.Example.com:443/a%20b/c?x=1&y=%20'],
    ["@authority", '"@authority": www.example.com'],
    ["@scheme", '"@scheme": https'],
    ["@request-target", '"@request-target": /a%20b/c?x=1&y=%20'],
    ["@path", '"@path": /a%20b/c'],
    ["@query", '"@query": ?x=1&y=%20'],
    ["x-list", '"x-list": a, b, c'],
    ["x-folded", '"x-folded": one two'],
    ["x-empty", '"x-empty": '],
    ['"example-dict";key="b"', '"example-dict";key="b": 2;x=1;y=2'],
    ['"example-dict";key="c"', '"example-dict";key="c": (a b c)'],
    ['"x-raw";bs', '"x-raw";bs: :dmFsdWU=:, :b3RoZXI=:'],
  ])("%s", (component, expected) => {
    expect(line(component)).toBe(expected);
  });

  it("@query of a URL without a query is ?", () => {
    expect(createSignatureBase({ method: "GET", url: "https://e.com/p", headers: {} }, ["@query"], {}).split("\n")[0]).toBe('"@query": ?');
  });

  it("@status needs a response; ;req needs the request", () => {
    expect(() => createSignatureBase(view, ["@status"], {})).toThrow(ProtocolError);
    expect(() => createSignatureBase(view, ['"@method";req'], {})).toThrow(expect.objectContaining({ message: expect.stringContaining("request") }));
  });

  it.each([
    ["a missing field", ["x-missing"]],
    ["a missing dictionary member", ['"example-dict";key="zz"']],
    ["a component covered twice", ["@method", "@method"]],
    ["an unknown derived component", ["@nope"]],
    ["sf (not supported)", ['"x-list";sf']],
    ["key on a derived component", ['"@method";key="a"']],
  ])("refuses %s", (_name, components) => {
    expect(() => createSignatureBase(view, components, {})).toThrow(ProtocolError);
  });

  it("refuses a value with a bare line break (signature base injection)", () => {
    const evil: MessageView = { method: "GET", url: "https://e.com/", headers: { "x-a": 'v\n"@method": POST' } };
    expect(() => createSignatureBase(evil, ["x-a"], {})).toThrow(expect.objectContaining({ message: expect.stringContaining("line break") }));
  });

  it("finds headers whatever their case", () => {
    const mixed: MessageView = { method: "GET", url: "https://e.com/", headers: { "Content-Type": "text/plain" } };
    expect(createSignatureBase(mixed, ["content-type"], {}).split("\n")[0]).toBe('"content-type": text/plain');
  });
});

import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ApiKey, parseApiKey, parseSigningKey } from "../../runtime/internal/keys.js";
import { API_KEY_PATTERN, deriveKeys, generateApiKey } from "../../protocol/keys.js";
import { AlterValueError } from "../../runtime/errors.js";

// RFC 5869 written out with plain HMAC, to check deriveKeys against an independent computation.
function hkdfByHand(ikm: Buffer, salt: string, info: string): Buffer {
  const prk = createHmac("sha256", Buffer.from(salt)).update(ikm).digest();
  return createHmac("sha256", prk).update(Buffer.concat([Buffer.from(info), Buffer.from([1])])).digest();
}

const secretBytes = Buffer.from("c0ffee00".repeat(8), "hex");
const CANARY_SECRET = secretBytes.toString("base64url");
const CANARY_KEY = `alter_sk_abcdefgh12345678_${CANARY_SECRET}`;

describe("API keys", () => {
  it("parses the key id and derives the protocol's three keys with HKDF-SHA256", () => {
    const key = parseApiKey(CANARY_KEY);
    expect(key.keyId).toBe("abcdefgh12345678");
    expect(key.derivedKeys.requestSigning.equals(hkdfByHand(secretBytes, "alter-gen/v1", "request-signing"))).toBe(true);
    expect(key.derivedKeys.responseSigning.equals(hkdfByHand(secretBytes, "alter-gen/v1", "response-signing"))).toBe(true);
    expect(key.derivedKeys.credentialSealing.equals(hkdfByHand(secretBytes, "alter-gen/v1", "credential-sealing"))).toBe(true);
    const again = deriveKeys(secretBytes);
    expect(again.requestSigning.equals(key.derivedKeys.requestSigning)).toBe(true);
    expect(again.credentialSealing.equals(key.derivedKeys.credentialSealing)).toBe(true);
  });

  it("tolerates surrounding whitespace (a key pasted from a file)", () => {
    expect(parseApiKey(`  ${CANARY_KEY}\n`).keyId).toBe("abcdefgh12345678");
  });

  const bad: [string, unknown, string][] = [
    ["undefined", undefined, "missing"],
    ["empty", "", "missing"],
    ["a number", 42, "missing"],
    ["another prefix", `alter_pk_abcdefgh12345678_${CANARY_SECRET}`, "alter_sk_"],
    ["a short key id", `alter_sk_abcdefgh1234567_${CANARY_SECRET}`, "16 characters"],
    ["an upper-case key id", `alter_sk_ABCDEFGH12345678_${CANARY_SECRET}`, "lower-case"],
    ["a short secret", `alter_sk_abcdefgh12345678_${CANARY_SECRET.slice(1)}`, "43 characters"],
    ["a long secret", `alter_sk_abcdefgh12345678_${CANARY_SECRET}A`, "43 characters"],
    ["standard base64", `alter_sk_abcdefgh12345678_${CANARY_SECRET.slice(0, 42)}+`, "base64url"],
    // The last character 'B' sets one of the two padding bits: same bytes as 'A', so not canonical.
    ["a non-canonical secret", `alter_sk_abcdefgh12345678_${CANARY_SECRET.slice(0, 42)}B`, "canonical"],
  ];
  it.each(bad)("rejects %s with an AlterValueError that does not echo the value", (_name, value, hint) => {
    let caught: unknown;
    try {
      ApiKey.parse(value, "ALTER_API_KEY");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AlterValueError);
    const error = caught as AlterValueError;
    expect(error.message).toContain("ALTER_API_KEY");
    expect(error.message).toContain(hint);
    expect(error.code).toBe("invalid_api_key");
    const everything = `${error.message}\n${error.stack}\n${inspect(error)}\n${JSON.stringify(error)}`;
    expect(everything).not.toContain(CANARY_SECRET.slice(0, 20));
  });

  it("never shows the secret or a derived key through inspect, JSON or String", () => {
    const key = parseApiKey(CANARY_KEY);
    const shown = [inspect(key.derivedKeys), JSON.stringify(key.derivedKeys), inspect(key), inspect(key, { showHidden: true, depth: 10 }), JSON.stringify(key), String(key), `${key}`, JSON.stringify({ key })];
    const secrets = [
      CANARY_SECRET,
      secretBytes.toString("hex"),
      ...[key.derivedKeys.requestSigning, key.derivedKeys.responseSigning, key.derivedKeys.credentialSealing].flatMap((b) => [b.toString("hex"), b.toString("base64"), b.toString("base64url")]),
    ];
    for (const text of shown.slice(2)) expect(text).toContain("abcdefgh12345678");
    for (const text of shown) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    expect(Object.keys(key)).toEqual(["keyId"]);
  });

  it("generates keys that parse back to the same derived keys, and hides the key when logged", () => {
    const generated = generateApiKey();
    expect(generated.apiKey).toMatch(API_KEY_PATTERN);
    const parsed = parseApiKey(generated.apiKey);
    expect(parsed.keyId).toBe(generated.keyId);
    expect(parsed.derivedKeys.requestSigning.equals(generated.keys.requestSigning)).toBe(true);
    const secretPart = generated.apiKey.slice(-43);
    const keyHex = generated.keys.requestSigning.toString("hex");
    for (const text of [JSON.stringify(generated), inspect(generated, { depth: 5, showHidden: false })]) {
      expect(text).toContain(generated.keyId);
      expect(text).not.toContain(secretPart);
      expect(text).not.toContain(keyHex);
      expect(text).not.toMatch(/"data":\[/);
    }
    expect(generateApiKey().keyId).not.toBe(generated.keyId);
  });

  it("key ids use the whole alphabet", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) for (const c of generateApiKey().keyId) seen.add(c);
    expect(seen.size).toBe(36);
  });
});

describe("signing keys", () => {
  it("accepts an Ed25519 private KeyObject or PEM", () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    expect(parseSigningKey(privateKey)).toBe(privateKey);
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    expect(parseSigningKey(pem).asymmetricKeyType).toBe("ed25519");
  });

  it.each([
    ["a public key", () => generateKeyPairSync("ed25519").publicKey],
    ["an EC key", () => generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey],
    ["garbage PEM", () => `-----BEGIN PRIVATE KEY-----\n${randomBytes(30).toString("base64")}\n-----END PRIVATE KEY-----`],
    ["a number", () => 7],
  ])("rejects %s", (_name, make) => {
    expect(() => parseSigningKey(make(), "signingKey")).toThrow(AlterValueError);
  });
});

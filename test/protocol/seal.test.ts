import { createDecipheriv, randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { seal, unseal, type SealedValue } from "../../protocol/seal.js";
import { ProtocolError } from "../../protocol/errors.js";

const key = randomBytes(32);
const nonce = randomBytes(16).toString("base64url");
const CANARY = "ghp_CANARYcanaryCANARYcanary0123456789";

function flip(b64: string, index = 0): string {
  const bytes = Buffer.from(b64, "base64url");
  bytes[index]! ^= 0x01;
  return bytes.toString("base64url");
}

describe("sealed values", () => {
  it("round-trips a credential", () => {
    const sealed = seal({ token: CANARY }, key, nonce);
    expect(sealed.alg).toBe("A256GCM");
    expect(Buffer.from(sealed.iv, "base64url")).toHaveLength(12);
    expect(Buffer.from(sealed.tag, "base64url")).toHaveLength(16);
    expect(JSON.stringify(sealed)).not.toContain(CANARY);
    expect(unseal(sealed, key, nonce)).toEqual({ token: CANARY });
  });

  it("uses the protocol's AAD: alter-seal/v1: followed by the nonce", () => {
    const sealed = seal({ username: "u", password: CANARY }, key, nonce);
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64url"));
    decipher.setAAD(Buffer.from(`alter-seal/v1:${nonce}`));
    decipher.setAuthTag(Buffer.from(sealed.tag, "base64url"));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ct, "base64url")), decipher.final()]).toString();
    expect(JSON.parse(plain)).toEqual({ username: "u", password: CANARY });
  });

  it("uses a fresh IV each time", () => {
    expect(seal({ token: CANARY }, key, nonce).iv).not.toBe(seal({ token: CANARY }, key, nonce).iv);
  });

  const attacks: [string, (s: SealedValue) => [unknown, Buffer, string]][] = [
    ["another request's nonce", (s) => [s, key, randomBytes(16).toString("base64url")]],
    ["another key", (s) => [s, randomBytes(32), nonce]],
    ["a flipped ciphertext bit", (s) => [{ ...s, ct: flip(s.ct) }, key, nonce]],
    ["a flipped tag bit", (s) => [{ ...s, tag: flip(s.tag, 15) }, key, nonce]],
    ["a flipped IV bit", (s) => [{ ...s, iv: flip(s.iv, 11) }, key, nonce]],
    ["a truncated tag", (s) => [{ ...s, tag: s.tag.slice(0, 16) }, key, nonce]],
    ["another alg", (s) => [{ ...s, alg: "A128GCM" }, key, nonce]],
    ["a missing ct", (s) => [{ alg: s.alg, iv: s.iv, tag: s.tag }, key, nonce]],
    ["standard base64", (s) => [{ ...s, ct: `${s.ct}+/` }, key, nonce]],
    ["null", () => [null, key, nonce]],
    ["a string", (s) => [JSON.stringify(s), key, nonce]],
  ];
  it.each(attacks)("rejects %s with seal_invalid and no plaintext in the error", (_name, attack) => {
    const [value, k, n] = attack(seal({ token: CANARY }, key, nonce));
    let caught: unknown;
    try {
      unseal(value, k, n);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as ProtocolError).code).toBe("seal_invalid");
    expect(`${inspect(caught)} ${JSON.stringify(caught)} ${(caught as Error).stack}`).not.toContain(CANARY);
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => seal({}, randomBytes(16), nonce)).toThrow(TypeError);
  });
});

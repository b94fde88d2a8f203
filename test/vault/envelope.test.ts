// Envelope encryption (vault/crypto/envelope.ts over a keyring, folder-keyring.ts): a data key per
// value, wrapped by a KEK from a keyring. Values open only for their purpose and record, any
// changed part is refused, and a KEK rotation rewraps without touching the ciphertext. (Keyring
// files: test/vault/at-rest-envelope.test.ts.)
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Envelope } from "../../vault/crypto/envelope.js";
import { FolderKeyring, kekIdOf } from "../../vault/crypto/folder-keyring.js";
import { sealV1 } from "../support/seal-v1.js";

const CANARY = "canary-secret-Qx81Lm";
const k = (b: number) => Buffer.alloc(32, b);
const id = (b: number) => kekIdOf(k(b));
/** A ring of the KEKs `bytes` (the first is the master key), `current` the one new keys are wrapped under. */
function ring(bytes: number[], current: number): FolderKeyring {
  const r = FolderKeyring.ofKey(k(bytes[0]!));
  for (const b of bytes.slice(1)) r.adopt(k(b));
  r.useCurrent(id(current));
  return r;
}

describe("Envelope", () => {
  it.each([
    ["a string", CANARY],
    ["bytes", Buffer.from([0, 1, 2, 255])],
    ["nothing", ""],
  ])("round-trips %s, with a fresh data key each time", (_what, value) => {
    const env = new Envelope(ring([1], 1));
    const a = env.seal("managed-secret", "rec-1", value);
    const b = env.seal("managed-secret", "rec-1", value);
    expect(a).not.toBe(b);
    expect(a.startsWith(`e1.${id(1)}.`)).toBe(true);
    expect(env.open("managed-secret", "rec-1", a).equals(Buffer.from(value))).toBe(true);
    expect(a).not.toContain(CANARY);
    expect(a).not.toContain(Buffer.from(CANARY).toString("base64url"));
  });

  it.each([
    ["another purpose", "provider-client-secret", "rec-1"],
    ["another record", "managed-secret", "rec-2"],
  ])("a value does not open for %s", (_what, purpose, record) => {
    const env = new Envelope(ring([1], 1));
    const sealed = env.seal("managed-secret", "rec-1", CANARY);
    expect(() => env.open(purpose, record, sealed)).toThrow(`does not unwrap under KEK "${id(1)}" (wrong key, or the record was tampered with)`);
  });

  it.each([1, 2, 3, 4, 5])("a change in part %i is refused without showing the value", (part) => {
    const env = new Envelope(ring([1], 1));
    const parts = env.seal("managed-secret", "rec-1", CANARY).split(".");
    const p = parts[part]!;
    parts[part] = (p[0] === "A" ? "B" : "A") + p.slice(1);
    let message = "";
    try {
      env.open("managed-secret", "rec-1", parts.join("."));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/KEK|malformed|tampered/);
    expect(message).not.toContain(CANARY);
  });

  it("refuses a value in another format (AtRest v1) by saying so", () => {
    const v1 = sealV1(k(9), "managed-secret", "rec-1", CANARY);
    expect(() => new Envelope(ring([1], 1)).open("managed-secret", "rec-1", v1)).toThrow(/is not in the envelope format \(e1\)/);
  });

  it("rotates the KEK: both open during the rotation, rewrap keeps the ciphertext, the old KEK can then go", () => {
    const before = new Envelope(ring([1], 1));
    const sealed = before.seal("grant-credential", "g-1", CANARY);
    const during = new Envelope(ring([1, 2], 2));
    expect(during.open("grant-credential", "g-1", sealed).toString()).toBe(CANARY);
    const rewrapped = during.rewrap("grant-credential", "g-1", sealed);
    expect(Envelope.kekOf(rewrapped)).toBe(id(2));
    expect(rewrapped.split(".").slice(3)).toEqual(sealed.split(".").slice(3));
    expect(during.rewrap("grant-credential", "g-1", rewrapped)).toBe(rewrapped);
    const after = new Envelope(ring([2], 2));
    expect(after.open("grant-credential", "g-1", rewrapped).toString()).toBe(CANARY);
    expect(() => after.open("grant-credential", "g-1", sealed)).toThrow(`wrapped under KEK "${id(1)}", which this instance's keyring does not hold`);
  });

  it("prints no key material", () => {
    const keyring = FolderKeyring.ofKey(Buffer.from(CANARY.padEnd(32, "x")));
    const env = new Envelope(keyring);
    const shown = [inspect(keyring, { showHidden: true, depth: 5 }), JSON.stringify(keyring), inspect(env), JSON.stringify({ env })].join("\n");
    expect(shown).toMatch(/\[FolderKeyring mk-[0-9a-f]{16}\]/);
    expect(shown).not.toContain("canary");
    expect(FolderKeyring.ofKey(Buffer.from(CANARY.padEnd(32, "x"))).currentId).toBe(keyring.currentId);
  });
});

// Envelope encryption (vault/crypto/envelope.ts, keyring.ts): a data key per value, wrapped by a
// KEK from a keyring. Values open only for their purpose and record, any changed part is refused,
// a KEK rotation rewraps without touching the ciphertext, and a keyring file's problems are
// named by file and JSON pointer without printing a key.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { Envelope } from "../../vault/crypto/envelope.js";
import { LocalKeyring } from "../../vault/crypto/keyring.js";
import { sealV1 } from "../support/seal-v1.js";
import { tempDir } from "./helpers.js";

const CANARY = "canary-secret-Qx81Lm";
const k = (b: number) => Buffer.alloc(32, b);
const ring = (keys: Record<string, number>, current: string) => new LocalKeyring(new Map(Object.entries(keys).map(([id, b]) => [id, k(b)])), current);
const tmp = tempDir("alter-keyring-");
afterAll(() => tmp.remove());

describe("Envelope", () => {
  it.each([
    ["a string", CANARY],
    ["bytes", Buffer.from([0, 1, 2, 255])],
    ["nothing", ""],
  ])("round-trips %s, with a fresh data key each time", (_what, value) => {
    const env = new Envelope(ring({ k1: 1 }, "k1"));
    const a = env.seal("managed-secret", "rec-1", value);
    const b = env.seal("managed-secret", "rec-1", value);
    expect(a).not.toBe(b);
    expect(a.startsWith("e1.k1.")).toBe(true);
    expect(env.open("managed-secret", "rec-1", a).equals(Buffer.from(value))).toBe(true);
    expect(a).not.toContain(CANARY);
    expect(a).not.toContain(Buffer.from(CANARY).toString("base64url"));
  });

  it.each([
    ["another purpose", "provider-client-secret", "rec-1"],
    ["another record", "managed-secret", "rec-2"],
  ])("a value does not open for %s", (_what, purpose, record) => {
    const env = new Envelope(ring({ k1: 1 }, "k1"));
    const sealed = env.seal("managed-secret", "rec-1", CANARY);
    expect(() => env.open(purpose, record, sealed)).toThrow(/does not unwrap under KEK "k1" \(wrong key, or the record was tampered with\)/);
  });

  it.each([1, 2, 3, 4, 5])("a change in part %i is refused without showing the value", (part) => {
    const env = new Envelope(ring({ k1: 1 }, "k1"));
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
    expect(() => new Envelope(ring({ k1: 1 }, "k1")).open("managed-secret", "rec-1", v1)).toThrow(/is not in the envelope format \(e1\)/);
  });

  it("rotates the KEK: both open during the rotation, rewrap keeps the ciphertext, the old KEK can then go", () => {
    const before = new Envelope(ring({ k1: 1 }, "k1"));
    const sealed = before.seal("grant-credential", "g-1", CANARY);
    const during = new Envelope(ring({ k1: 1, k2: 2 }, "k2"));
    expect(during.open("grant-credential", "g-1", sealed).toString()).toBe(CANARY);
    const rewrapped = during.rewrap("grant-credential", "g-1", sealed);
    expect(Envelope.kekOf(rewrapped)).toBe("k2");
    expect(rewrapped.split(".").slice(3)).toEqual(sealed.split(".").slice(3));
    expect(during.rewrap("grant-credential", "g-1", rewrapped)).toBe(rewrapped);
    const after = new Envelope(ring({ k2: 2 }, "k2"));
    expect(after.open("grant-credential", "g-1", rewrapped).toString()).toBe(CANARY);
    expect(() => after.open("grant-credential", "g-1", sealed)).toThrow(/wrapped under KEK "k1", which this keyring does not hold/);
  });

  it("prints no key material", () => {
    const keyring = LocalKeyring.fromMasterKey(Buffer.from(CANARY.padEnd(32, "x")));
    const env = new Envelope(keyring);
    const shown = [inspect(keyring, { showHidden: true, depth: 5 }), JSON.stringify(keyring), inspect(env), JSON.stringify({ env })].join("\n");
    expect(shown).toMatch(/\[LocalKeyring mk-[0-9a-f]{16}\]/);
    expect(shown).not.toContain("canary");
    expect(LocalKeyring.fromMasterKey(Buffer.from(CANARY.padEnd(32, "x"))).currentId).toBe(keyring.currentId);
  });
});

describe("LocalKeyring.fromFile", () => {
  const key = k(3).toString("base64url");
  it("reads a keyring file", () => {
    const file = join(tmp.dir, "ok.json");
    writeFileSync(file, JSON.stringify({ current: "k2", keys: { k1: k(1).toString("base64url"), k2: key } }));
    const r = LocalKeyring.fromFile(file);
    expect([r.currentId, r.ids]).toEqual(["k2", ["k1", "k2"]]);
  });

  it.each([
    { name: "not JSON", text: "{ nope", error: /#?: not a readable JSON keyring/ },
    { name: "no current", text: JSON.stringify({ keys: { k1: key } }), error: /#\/current: must be the id of the KEK/ },
    { name: "keys not an object", text: JSON.stringify({ current: "k1", keys: [key] }), error: /#\/keys: must be an object/ },
    { name: "a short key", text: JSON.stringify({ current: "k1", keys: { k1: Buffer.from(CANARY).toString("base64url") } }), error: /#\/keys\/k1: must be 32 bytes in base64url/ },
    { name: "a bad id", text: JSON.stringify({ current: "k1", keys: { "k/1": key } }), error: /#\/keys\/k~11: a KEK id must be/ },
    { name: "current not held", text: JSON.stringify({ current: "k9", keys: { k1: key } }), error: /#\/current: "k9" is not one of the keys/ },
  ])("names the file and place of a problem: $name", (c) => {
    const file = join(tmp.dir, `bad-${c.name.replace(/\W/g, "")}.json`);
    writeFileSync(file, c.text);
    let message = "";
    try {
      LocalKeyring.fromFile(file);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.startsWith(file)).toBe(true);
    expect(message).toMatch(c.error);
    expect(message).not.toContain(key);
    expect(message).not.toContain(Buffer.from(CANARY).toString("base64url"));
  });
});

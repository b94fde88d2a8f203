// The vault's sealing object (vault/crypto/at-rest.ts) over a keyring (folder-keyring.ts): new
// values are envelopes under the current KEK, values of the format before envelopes (v1) still
// open, nothing moved to another row or column opens, an unknown KEK is named (and looked for in
// the data folder again), MACs stay what they were before envelopes, and no key, data key or
// plaintext shows in an error, util.inspect or JSON.stringify.
import { createHmac, hkdfSync } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { AtRest } from "../../vault/crypto/at-rest.js";
import { addKekToFolder, FolderKeyring, kekIdOf, KEYRING_FILE } from "../../vault/crypto/folder-keyring.js";
import { macRootFromMasterKey } from "../../vault/crypto/mac-root.js";
import { sealV1 } from "../support/seal-v1.js";
import { tempDir } from "./helpers.js";

const CANARY = "canary-plain-Zr71Qp";
const MASTER = Buffer.from("CANARYmasterKEYmaterial-32bytes!");
const NEXT = Buffer.from("CANARYnextKEKmaterial--32-bytes!");
const tmp = tempDir("alter-at-rest-");
afterAll(() => tmp.remove());

let n = 0;
function folder(master = MASTER): string {
  const dir = join(tmp.dir, `f${n++}`);
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(join(dir, "master.key"), master.toString("base64url") + "\n", { mode: 0o600 });
  return dir;
}
const fromFolder = (dir: string) => new AtRest(FolderKeyring.fromFolder(dir, { key: Buffer.from(MASTER), source: "file" }, {}));

/** Every way a secret could leak from a value: as is, and in the encodings a key or text takes. */
function leaks(text: string): string[] {
  const forms = (b: Buffer) => [b.toString("utf8"), b.toString("base64url"), b.toString("base64"), b.toString("hex")];
  return [...forms(MASTER), ...forms(NEXT), ...forms(Buffer.from(CANARY))].filter((f) => text.includes(f));
}

describe("sealing with AtRest", () => {
  it.each([
    ["an envelope (e1)", (a: AtRest) => a.seal("managed-secret", "rec-1", CANARY)],
    ["the format before envelopes (v1)", () => sealV1(MASTER, "managed-secret", "rec-1", CANARY)],
  ])("opens %s, and seals new values as envelopes under the master key's KEK", (_what, make) => {
    const a = new AtRest(Buffer.from(MASTER));
    const sealed = make(a);
    expect(a.open("managed-secret", "rec-1", sealed).toString()).toBe(CANARY);
    expect(a.seal("managed-secret", "rec-1", CANARY).startsWith(`e1.${kekIdOf(MASTER)}.`)).toBe(true);
  });

  it.each([
    ["e1", "another record", "managed-secret", "rec-2"],
    ["e1", "another column", "grant-credential", "rec-1"],
    ["v1", "another record", "managed-secret", "rec-2"],
    ["v1", "another column", "grant-credential", "rec-1"],
  ])("a %s value moved to %s does not open, and the error shows nothing of it", (format, _where, purpose, record) => {
    const a = new AtRest(Buffer.from(MASTER));
    const sealed = format === "e1" ? a.seal("managed-secret", "rec-1", CANARY) : sealV1(MASTER, "managed-secret", "rec-1", CANARY);
    let message = "";
    try {
      a.open(purpose, record, sealed);
    } catch (e) {
      message = `${(e as Error).message}\n${(e as Error).stack}`;
    }
    expect(message).toMatch(new RegExp(`a sealed ${purpose} value does not open`));
    expect(leaks(message)).toEqual([]);
  });

  it("a value under a KEK this keyring does not hold is refused naming the KEK, and opens once keyring.json brings it", () => {
    const dir = folder();
    const other = new AtRest(Buffer.from(NEXT)).seal("grant-credential", "g-1", CANARY);
    const a = fromFolder(dir);
    let message = "";
    try {
      a.open("grant-credential", "g-1", other);
    } catch (e) {
      message = `${(e as Error).message}\n${inspect(e)}`;
    }
    expect(message).toContain(`a sealed grant-credential value does not open: a data key is wrapped under KEK "${kekIdOf(NEXT)}", which this instance's keyring does not hold (copy ${KEYRING_FILE}`);
    expect(leaks(message)).toEqual([]);
    addKekToFolder(dir, Buffer.from(NEXT));
    a.keyring.reload(true);
    expect(a.open("grant-credential", "g-1", other).toString()).toBe(CANARY);
  });

  it("rewrap: a v1 value becomes an envelope under the current KEK; an envelope keeps its ciphertext", () => {
    const dir = folder();
    addKekToFolder(dir, Buffer.from(NEXT));
    const a = fromFolder(dir);
    const e1 = a.seal("api-key", "k-1", CANARY);
    const v1 = sealV1(MASTER, "api-key", "k-1", CANARY);
    expect(a.keyring.useCurrent(kekIdOf(NEXT))).toBe(true);
    const fromE1 = a.rewrap("api-key", "k-1", e1);
    const fromV1 = a.rewrap("api-key", "k-1", v1);
    for (const v of [fromE1, fromV1]) {
      expect(AtRest.kekOf(v)).toBe(kekIdOf(NEXT));
      expect(a.open("api-key", "k-1", v).toString()).toBe(CANARY);
    }
    expect(fromE1.split(".").slice(3)).toEqual(e1.split(".").slice(3));
    expect([AtRest.kekOf(v1), AtRest.kekOf(e1)]).toEqual(["v1", kekIdOf(MASTER)]);
    // Without the old KEK the rewrapped values still open.
    a.keyring.drop([kekIdOf(MASTER)]);
    expect(a.open("api-key", "k-1", fromE1).toString()).toBe(CANARY);
    expect(() => a.keyring.useCurrent("mk-0000000000000000")).not.toThrow();
    expect(a.keyring.currentId).toBe(kekIdOf(NEXT));
  });
});

describe("data keys kept for hot values", () => {
  it("a value opened before its KEK is dropped does not open after (no kept data key outlives its KEK)", () => {
    const dir = folder();
    addKekToFolder(dir, Buffer.from(NEXT));
    const a = fromFolder(dir);
    const sealed = a.seal("grant-credential", "g-1", CANARY);
    for (let i = 0; i < 3; i++) expect(a.open("grant-credential", "g-1", sealed).toString()).toBe(CANARY);
    // The kept key is bound to its record too.
    expect(() => a.open("grant-credential", "g-2", sealed)).toThrow(/does not open/);
    a.keyring.useCurrent(kekIdOf(NEXT));
    // The old KEK leaves the folder (as a finished rotation leaves it) and the process.
    writeFileSync(join(dir, "master.key"), NEXT.toString("base64url") + "\n", { mode: 0o600 });
    rmSync(join(dir, KEYRING_FILE));
    a.keyring.drop([kekIdOf(MASTER)]);
    expect(() => a.open("grant-credential", "g-1", sealed)).toThrow(new RegExp(`wrapped under KEK "${kekIdOf(MASTER)}", which this instance's keyring does not hold`));
  });
});

describe("MACs", () => {
  const old = (key: Buffer, purpose: string, data: string) =>
    createHmac("sha256", Buffer.from(hkdfSync("sha256", key, "alter-vault/v1", `mac:${purpose}`, 32))).update(data, "utf8").digest("hex");

  it.each(["approval-page-csrf", "approver-session", "audit-checkpoint", "audit-override"])("%s: a vault's MACs are those made before envelopes", (purpose) => {
    expect(new AtRest(Buffer.from(MASTER)).mac(purpose, "data\n1")).toBe(old(MASTER, purpose, "data\n1"));
  });

  it("do not change with the current KEK, only with the MAC root", () => {
    const dir = folder();
    addKekToFolder(dir, Buffer.from(NEXT));
    const a = fromFolder(dir);
    const before = a.mac("approval-page-csrf", "x");
    a.keyring.useCurrent(kekIdOf(NEXT));
    expect(a.mac("approval-page-csrf", "x")).toBe(before);
    a.useMacRoot(macRootFromMasterKey(NEXT));
    expect(a.mac("approval-page-csrf", "x")).not.toBe(before);
  });
});

describe("canary: no key, data key or plaintext is shown", () => {
  it("util.inspect, JSON.stringify and String of the sealing object and its keyring show ids only", () => {
    const dir = folder();
    addKekToFolder(dir, Buffer.from(NEXT));
    const a = fromFolder(dir);
    const shown = [inspect(a, { showHidden: true, depth: 10 }), JSON.stringify(a), JSON.stringify({ a }), inspect(a.keyring, { showHidden: true, depth: 10 }), JSON.stringify(a.keyring), String(a.keyring)].join("\n");
    expect(leaks(shown)).toEqual([]);
    expect(shown).toContain(kekIdOf(NEXT));
  });

  it.each([
    ["not JSON", "{ nope", /\.json: not a readable JSON keyring/],
    ["a short key", JSON.stringify({ keys: { k1: Buffer.from(CANARY).toString("base64url") } }), /\.json#\/keys\/k1: must be 32 bytes in base64url/],
    ["a bad id", JSON.stringify({ keys: { "k/1": NEXT.toString("base64url") } }), /\.json#\/keys\/k~11: a KEK id must be/],
    ["no keys", JSON.stringify({ current: "k1" }), /\.json#\/keys: must be an object/],
  ])("a keyring.json problem (%s) names the file and the JSON pointer, not the key", (_what, text, error) => {
    const dir = folder();
    writeFileSync(join(dir, KEYRING_FILE), text.replace("{ nope", `{ nope ${NEXT.toString("base64url")}`), { mode: 0o600 });
    let message = "";
    try {
      fromFolder(dir);
    } catch (e) {
      message = `${(e as Error).message}\n${(e as Error).stack}`;
    }
    expect(message).toMatch(error);
    // The folder is named (masked when the temporary folder's name looks random).
    expect(message).toMatch(/(keyring|\[hidden: looks like a secret\])\.json/);
    expect(leaks(message)).toEqual([]);
  });

  it("a keyring.json others may read is refused", () => {
    const dir = folder();
    writeFileSync(join(dir, KEYRING_FILE), JSON.stringify({ keys: {} }), { mode: 0o644 });
    expect(() => fromFolder(dir)).toThrow(/\.json is readable by other users \(mode 644\)/);
  });
});

// The vault with a missing or unbuilt better-sqlite3 (an optional peer dependency of
// @alter-gen/cli): one clear error naming the fix, and `vault init` leaves nothing behind.
// The same cases run for real in test/packaging/consumer.test.ts (a project without the module,
// then with it installed --ignore-scripts).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { initVault } from "../../vault/admin/init.js";
import { VaultUsageError } from "../../vault/errors.js";
import { checkSqlite } from "../../vault/storage/sqlite.js";

const work = mkdtempSync(join(tmpdir(), "alter-sqlite-check-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function notFound(): never {
  throw Object.assign(new Error("Cannot find module 'better-sqlite3'\nRequire stack:\n- /x/db.js"), { code: "MODULE_NOT_FOUND" });
}
class Unbuilt {
  constructor() {
    throw new Error("Could not locate the bindings file. Tried:\n → /x/build/better_sqlite3.node");
  }
}
class OtherNode {
  constructor() {
    throw new Error("The module '/x/better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 127.");
  }
}

describe("better-sqlite3 check", () => {
  it.each([
    ["not installed", notFound, /not installed\. Install it: npm install --save-dev better-sqlite3\..*npm approve-scripts better-sqlite3.*python3, make and a C\+\+ compiler/],
    ["installed without its install script", () => Unbuilt, /does not load \(Could not locate the bindings file\. Tried:\).*--ignore-scripts.*Fix: npm rebuild better-sqlite3\./],
    ["built for another Node.js", () => OtherNode, /does not load \(.*NODE_MODULE_VERSION 127\.\).*Fix: npm rebuild better-sqlite3\./],
  ] as const)("%s: one VaultUsageError naming the fix", (_name, load, message) => {
    let error: unknown;
    try {
      checkSqlite(load);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VaultUsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/\n/);
  });

  it("the real module passes the check", () => {
    expect(typeof checkSqlite(createRequire(import.meta.url))).toBe("function");
  });
});

describe("vault init never leaves a half-made data folder", () => {
  it("a failure after the folder was created removes the folder it created", async () => {
    const dir = join(work, "bad-key", ".alter");
    await expect(initVault({ dataDir: dir, masterKey: "too-short", env: {} })).rejects.toThrow(/masterKey/);
    expect(existsSync(join(work, "bad-key"))).toBe(false);
    // and the next init in the same place just works
    const ok = await initVault({ dataDir: dir, env: {} });
    expect(ok.apiKey).toMatch(/^alter_sk_/);
    expect(existsSync(join(dir, "vault.db"))).toBe(true);
  });

  it("a folder that was already there keeps what it held", async () => {
    const dir = join(work, "existing");
    await initVault({ dataDir: dir, env: {} });
    await expect(initVault({ dataDir: dir, env: {} })).rejects.toThrow(/already holds a vault/);
    expect(existsSync(join(dir, "vault.db"))).toBe(true);
    expect(existsSync(join(dir, "master.key"))).toBe(true);
  });
});

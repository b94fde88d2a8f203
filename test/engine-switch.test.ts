// An invariant over the vault and e2e test files the "postgres" vitest project runs (every file
// of test/vault and test/e2e but those test/support/sqlite-only.ts lists): each reaches its vault
// only through the engine-aware helpers, so on that project it really tests PostgreSQL. A test
// that imported the vault's admin functions directly, or opened the SQLite file, would still
// pass there, quietly testing SQLite twice; this fails instead, naming the file and the fix.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SQLITE_ONLY } from "./support/sqlite-only.js";

/** What a file on the postgres project may not do, and what to use instead. */
const RULES: [name: string, pattern: RegExp, fix: string][] = [
  [
    "imports the vault's admin functions directly",
    /(from |import\()"(\.\.\/)+vault\/(index|admin\/(init|start|open|secrets|grants|keys|providers|identity|oauth|approvals|audit))\.js"/,
    "import them from test/support/vault-admin.ts (it passes the folder's database URL)",
  ],
  ["opens the vault state directly", /import \{[^}]*\bopenVaultState\b[^}]*\} from "(\.\.\/)+vault\/state\.js"/, "import openVaultState from test/support/vault-admin.ts"],
  ["opens the SQLite file", /better-sqlite3|"vault\.db"|\bDB_FILE\b/, "use openTestDb / storedAtRest of test/support/vault-db.ts"],
  ["spawns a vault process without the folder's database", /spawn\([^)]*(vault-server-process|vault-process|cli\/entry)/, "pass env: { ...process.env, ...engineEnv(dataDir) }"],
];

/** Lines a rule matches on purpose, with the reason. */
const ALLOWED: [file: string, rule: string, why: string][] = [
  ["test/vault/cli-run.ts", "spawns a vault process without the folder's database", "the runner itself adds the engine's environment (engineEnv in cli-run.ts)"],
  ["test/vault/engine.test.ts", "opens the SQLite file", "checks that vault.db is absent on PostgreSQL"],
  ["test/vault/identity/vault-process.ts", "opens the vault state directly", "a child process: its parent hands it ALTER_VAULT_DATABASE_URL (engineEnv), which openVaultState reads"],
];

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join(dir, f).split(path.sep).join("/"));
}

function excluded(file: string): boolean {
  return Object.keys(SQLITE_ONLY).some((p) => (p.endsWith("/**") ? file.startsWith(p.slice(0, -2)) : file === p));
}

const onPostgresProject = [...files("test/vault"), ...files("test/e2e")].filter((f) => !excluded(f));

describe("the postgres project tests PostgreSQL", () => {
  it("covers most of the vault and e2e files", () => {
    expect(onPostgresProject.length).toBeGreaterThan(60);
  });

  it.each(RULES)("no file it runs %s", (name, pattern, fix) => {
    const offenders = onPostgresProject.filter((f) => {
      if (ALLOWED.some(([file, rule]) => file === f && rule === name)) return false;
      const text = readFileSync(f, "utf8");
      // A spawn's options follow its arguments: the rule holds when engineEnv is in the file.
      if (name.startsWith("spawns")) return pattern.test(text.replace(/\n/g, " ")) && !text.includes("engineEnv(");
      return pattern.test(text);
    });
    expect(offenders, `${name}: ${fix}`).toEqual([]);
  });

  it("every listed exclusion names an existing file or folder and says why", () => {
    for (const [p, why] of Object.entries(SQLITE_ONLY)) {
      const base = p.endsWith("/**") ? p.slice(0, -3) : p;
      expect(readdirSync(path.dirname(base)), p).toContain(path.basename(base));
      expect(why.length, p).toBeGreaterThan(10);
    }
  });
});

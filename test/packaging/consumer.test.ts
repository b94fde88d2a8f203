// The consumer check: a new project made by plain `npm init -y` follows README.md step by step
// with the packed tarballs (`npm run pack`), from installing to running the README's own snippet
// (copied from README.md, so the two cannot drift) against the local vault it set up and a Slack
// stand-in. Every command is the README's, checked to be there word for word; the only
// substitutions are the tarballs for the package names, pinned TypeScript / @types/node versions
// (the workspace's, so a new TypeScript release cannot turn CI red), and better-sqlite3's native
// module copied from the workspace's build of the same version instead of compiled again.
// Needs the npm registry for undici, commander, yaml, jose, typescript and @types/node; they come
// from the shared npm cache after the first run.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProviderStandin, type Standin } from "../../standins/index.js";
// @ts-expect-error: a plain .mjs script without declarations
import { assemble } from "../../scripts/pack.mjs";

const ROOT = join(import.meta.dirname, "../..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const WORKSPACE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string>; dependencies: Record<string, string> };
const SQLITE_VERSION = (JSON.parse(readFileSync(join(ROOT, "node_modules/better-sqlite3/package.json"), "utf8")) as { version: string }).version;
const BOT_TOKEN = "xoxb-consumer-check-token-never-printed";
const STEP_MS = 240_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Nested npm must not inherit `npm test`'s own npm_* settings or vitest's NODE_OPTIONS.
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "NODE_OPTIONS" && !k.startsWith("VITEST")));
const npmEnv = { ...baseEnv, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false", npm_config_yes: "true", ALTER_VAULT_MASTER_KEY: "" };

function run(cwd: string, command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...npmEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a README command (checked to be in README.md verbatim) with `args` standing in for it. */
async function step(readmeCommand: string, cwd: string, args: string[], env?: Record<string, string>): Promise<Run> {
  expect(README, `README.md no longer says: ${readmeCommand}`).toContain(readmeCommand);
  const [command, ...rest] = args;
  return run(cwd, command!, rest, env);
}

function ok(r: Run): Run {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The ```ts block the README marks for this check. */
function readmeSnippet(): string {
  const marker = README.indexOf("test/packaging/consumer.test.ts");
  expect(marker).toBeGreaterThan(0);
  const block = /```ts\n([\s\S]*?)```/.exec(README.slice(marker));
  return block![1]!;
}

let work: string;
let app: string;
let tarballs: { alterGen: string; cli: string };
let standin: Standin;
let vaultUrl: string;
let vaultProcess: ReturnType<typeof spawn> | undefined;
let vaultOutput = "";
let apiKey: string;
let grantId: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "alter-consumer-"));
  const packed = assemble(join(work, "pack")) as { name: string; file: string }[];
  tarballs = { alterGen: packed.find((p) => p.name === "alter-gen")!.file, cli: packed.find((p) => p.name === "@alter-gen/cli")!.file };
  app = join(work, "app");
  mkdirSync(app);
  ok(await run(app, "npm", ["init", "-y"]));
  standin = await startProviderStandin("slack");
  standin.expectCredential(BOT_TOKEN);
}, STEP_MS);

afterAll(async () => {
  vaultProcess?.kill("SIGKILL");
  await standin?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("consumer check: a new npm project follows the README with the packed tarballs", () => {
  it("installs alter-gen and @alter-gen/cli and generates the Slack client", async () => {
    ok(await step("npm pkg set type=module", app, ["npm", "pkg", "set", "type=module"]));
    ok(await step("npm install alter-gen", app, ["npm", "install", tarballs.alterGen]));
    ok(await step("npm install --save-dev @alter-gen/cli", app, ["npm", "install", "--save-dev", tarballs.cli]));
    const r = ok(await step("npx alter-gen --provider slack --out ./clients", app, ["npx", "alter-gen", "--provider", "slack", "--out", "./clients"]));
    expect(r.stderr).toMatch(/Done: 1 client/);
    for (const f of ["index.js", "index.d.ts", "chat.js", "package.json"]) expect(existsSync(join(app, "clients/slack", f))).toBe(true);
    // ts-morph is an optional peer: `alter-gen diff` without it names the fix, with no stack.
    const diff = await run(app, "npx", ["alter-gen", "diff", "--provider", "slack", "--out", "./clients"]);
    expect(diff.code).toBe(2);
    expect(diff.stderr).toContain("npm install --save-dev ts-morph");
    expect(diff.stderr).not.toMatch(/\n\s+at /);
  }, STEP_MS);

  it("vault init without better-sqlite3, then with it installed --ignore-scripts: the fix, and no half-made .alter/", async () => {
    const missing = await run(app, "npx", ["alter-gen", "vault", "init"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/better-sqlite3, which is not installed\. Install it: npm install --save-dev better-sqlite3/);
    expect(missing.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(join(app, ".alter"))).toBe(false);

    ok(await run(app, "npm", ["install", "--save-dev", "--ignore-scripts", `better-sqlite3@${SQLITE_VERSION}`]));
    const unbuilt = await run(app, "npx", ["alter-gen", "vault", "init"]);
    expect(unbuilt.code).toBe(2);
    expect(unbuilt.stderr).toMatch(/native module does not load .* Fix: npm rebuild better-sqlite3/);
    expect(existsSync(join(app, ".alter"))).toBe(false);
  }, STEP_MS);

  it("sets up the local vault with the README's commands and starts it with the installed binary", async () => {
    // The README's fix, `npm rebuild better-sqlite3`, compiles for 1-2 minutes; the workspace's
    // build of the same version is the same file, so it is copied in instead. (Never link the
    // workspace's folder: a later npm install in this project would rebuild it in place.)
    expect(README).toContain("npm install --save-dev better-sqlite3");
    expect(README).toContain("npm rebuild better-sqlite3");
    mkdirSync(join(app, "node_modules/better-sqlite3/build/Release"), { recursive: true });
    copyFileSync(join(ROOT, "node_modules/better-sqlite3/build/Release/better_sqlite3.node"), join(app, "node_modules/better-sqlite3/build/Release/better_sqlite3.node"));
    const init = ok(await step("npx alter-gen vault init", app, ["npx", "alter-gen", "vault", "init"]));
    apiKey = /alter_sk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}/.exec(init.stdout)![0];
    const secret = ok(
      await step("SLACK_BOT_TOKEN=xoxb-… npx alter-gen vault secrets add --provider slack --from-env SLACK_BOT_TOKEN", app, ["npx", "alter-gen", "vault", "secrets", "add", "--provider", "slack", "--from-env", "SLACK_BOT_TOKEN"], {
        SLACK_BOT_TOKEN: BOT_TOKEN,
      }),
    );
    expect(secret.stdout + secret.stderr).not.toContain(BOT_TOKEN);
    const secretId = /secret (\S+) for slack/.exec(secret.stdout)![1]!;
    const grant = ok(await step("npx alter-gen vault grants issue --secret <secret id> --principal system", app, ["npx", "alter-gen", "vault", "grants", "issue", "--secret", secretId, "--principal", "system"]));
    grantId = /Issued grant (\S+)/.exec(grant.stdout)![1]!;
    ok(await step("npx alter-gen vault providers set slack --base-url", app, ["npx", "alter-gen", "vault", "providers", "set", "slack", "--base-url", standin.url]));

    expect(README).toContain("./node_modules/.bin/alter-gen vault start");
    vaultProcess = spawn(join(app, "node_modules/.bin/alter-gen"), ["vault", "start", "--port", "0"], { cwd: app, env: npmEnv, stdio: ["ignore", "pipe", "pipe"] });
    vaultUrl = await new Promise<string>((resolve, reject) => {
      vaultProcess!.stderr!.on("data", (d: Buffer) => (vaultOutput += d.toString()));
      vaultProcess!.once("close", (code) => reject(new Error(`vault start exited ${code}: ${vaultOutput}`)));
      vaultProcess!.stdout!.on("data", (d: Buffer) => {
        vaultOutput += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(vaultOutput);
        if (m) resolve(m[1]!);
      });
    });
    expect(README).toContain("/v1/health");
    expect(await (await fetch(`${vaultUrl}/v1/health`)).json()).toMatchObject({ ok: true });
  }, STEP_MS);

  const appEnv = () => ({ ALTER_API_KEY: apiKey, ALTER_BASE_URL: vaultUrl, SLACK_GRANT_ID: grantId, SLACK_BASE_URL: standin.url });

  it("the README's snippet type-checks with `tsc --init` defaults and runs: the call goes through the vault with the bot token", async () => {
    writeFileSync(join(app, "app.ts"), readmeSnippet());
    ok(
      await step("npm install --save-dev typescript @types/node", app, [
        "npm",
        "install",
        "--save-dev",
        `typescript@${WORKSPACE.devDependencies.typescript}`,
        `@types/node@${WORKSPACE.devDependencies["@types/node"]}`,
      ]),
    );
    ok(await step("npx tsc --init --types node", app, ["npx", "tsc", "--init", "--types", "node"]));
    ok(await step("npx tsc && ALTER_API_KEY=alter_sk_… SLACK_GRANT_ID=… node app.js", app, ["npx", "tsc"]));
    const requestsBefore = standin.requests.length;
    const r = ok(await run(app, "node", ["app.js"], appEnv()));
    expect(r.stdout).toMatch(/^posted message \S+$/m);
    expect(r.stdout).toMatch(/^channel \S+/m);
    const post = standin.requests.slice(requestsBefore).find((q) => q.path.endsWith("/chat.postMessage"))!;
    expect(post.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(r.stdout + r.stderr).not.toContain(BOT_TOKEN);
    const audit = ok(await run(app, "npx", ["alter-gen", "vault", "audit", "--json"]));
    const rows = audit.stdout.trim().split("\n").map((l) => JSON.parse(l) as { action: string; provider: string | null; reason: string | null });
    expect(rows.filter((row) => row.action === "credential.retrieve" && row.provider === "slack" && row.reason === "release notes").length).toBeGreaterThanOrEqual(1);
  }, STEP_MS);

  // README "Building with tsc --outDir": both ways it names, with the same snippet.
  it.each([
    ["clients outside rootDir, imported as ../clients/slack/index.js", "outside", "../clients/slack/index.js", null],
    ["--format ts into the sources", "as-ts", "./clients/slack/index.js", "npx alter-gen --provider slack --format ts --out ./src/clients"],
  ] as const)("a tsc --outDir build runs: %s", async (_name, folder, importPath, generate) => {
    expect(README).toContain(importPath);
    const project = join(app, folder);
    mkdirSync(join(project, "src"), { recursive: true });
    writeFileSync(join(project, "src/app.ts"), readmeSnippet().replace('"./clients/slack/index.js"', JSON.stringify(importPath)));
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { module: "nodenext", target: "es2022", strict: true, skipLibCheck: true, types: ["node"], rootDir: "src", outDir: "dist" }, include: ["src"] }),
    );
    if (generate) ok(await step(generate, project, ["npx", "alter-gen", "--provider", "slack", "--format", "ts", "--out", "./src/clients", "-q"]));
    else ok(await run(project, "cp", ["-r", join(app, "clients"), join(project, "clients")]));
    ok(await run(project, "npx", ["tsc", "-p", "."]));
    const r = ok(await run(project, "node", ["dist/app.js"], appEnv()));
    expect(r.stdout).toMatch(/^posted message \S+$/m);
  }, STEP_MS);

  it("a CommonJS module loads the runtime and the generated client with require() (Node >= 20.19)", async () => {
    expect(README).toContain('require("alter-gen/runtime")');
    writeFileSync(
      join(app, "check.cjs"),
      'const { AlterVault } = require("alter-gen/runtime");\nconst { createSlackClient } = require("./clients/slack/index.js");\nconsole.log(typeof AlterVault, typeof createSlackClient);\n',
    );
    const r = ok(await run(app, "node", ["check.cjs"]));
    expect(r.stdout.trim()).toBe("function function");
  }, STEP_MS);

  it("the vault started with the installed binary stops cleanly on SIGTERM", async () => {
    const done = new Promise<number | null>((resolve) => vaultProcess!.once("close", (code) => resolve(code)));
    vaultProcess!.kill("SIGTERM");
    expect(await done).toBe(0);
    expect(vaultOutput).toContain("SIGTERM, shutting down");
    vaultProcess = undefined;
  }, STEP_MS);

  it("without @alter-gen/cli, `npx alter-gen` says exactly what to install", async () => {
    const bare = join(work, "bare");
    mkdirSync(bare);
    ok(await run(bare, "npm", ["init", "-y"]));
    ok(await run(bare, "npm", ["install", tarballs.alterGen]));
    const r = await run(bare, "npx", ["alter-gen", "--provider", "slack"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("npm install --save-dev @alter-gen/cli");
    const installed = JSON.parse(readFileSync(join(bare, "node_modules/.package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
    expect(Object.keys(installed.packages).filter((p) => p.startsWith("node_modules/")).sort()).toEqual(["node_modules/alter-gen", "node_modules/undici"]);
  }, STEP_MS);
});

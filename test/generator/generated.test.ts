// The checked-in clients under generated/: up to date with the pinned documents, formatted as
// prettier formats them, and type-correct under strict without skipLibCheck.
//
// Cost: with 31 clients (1,674 files) a full prettier --check takes ~30 s of CPU and tsc ~12 s.
// Both keep a cache in node_modules/.cache/alter-gen/ keyed on file content (prettier --cache
// --cache-strategy content, tsc --incremental), so a rerun checks only the clients that changed
// (3 s and 5 s of CPU when none did); a fresh checkout (CI) pays the full cost once. The three
// checks run concurrently: two are child processes.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";

const root = path.resolve(".");
const cache = path.join(root, "node_modules/.cache/alter-gen");

function runProcess(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe.concurrent("generated/", () => {
  it("alter-gen --all --check passes (regeneration is byte-identical)", async () => {
    let stderr = "";
    const code = await main(["--all", "--check", "--quiet"], { stdout: () => {}, stderr: (t) => void (stderr += t), cwd: root });
    expect(stderr).toBe("");
    expect(code).toBe(0);
  }, 300_000);

  it("type-checks under strict without skipLibCheck", async () => {
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    const r = await runProcess(process.execPath, [tsc, "-p", "test/generator/tsconfig.generated.json", "--incremental", "--tsBuildInfoFile", path.join(cache, "generated.tsbuildinfo")]);
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
  }, 300_000);

  it("is formatted as prettier formats it", async () => {
    const prettier = path.join(root, "node_modules/prettier/bin/prettier.cjs");
    const r = await runProcess(process.execPath, [prettier, "--check", "--cache", "--cache-strategy", "content", "--cache-location", path.join(cache, "prettier-generated.json"), "generated/"]);
    expect(r.output).toContain("All matched files use Prettier code style!");
    expect(r.code).toBe(0);
  }, 300_000);
});

// The checked-in clients under generated/: up to date with the pinned documents, formatted as
// prettier formats them, and type-correct under strict without skipLibCheck.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";

const root = path.resolve(".");

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

describe("generated/", () => {
  it("alter-gen --all --check passes (regeneration is byte-identical)", async () => {
    let stderr = "";
    const code = await main(["--all", "--check", "--quiet"], { stdout: () => {}, stderr: (t) => void (stderr += t), cwd: root });
    expect(stderr).toBe("");
    expect(code).toBe(0);
  }, 300_000);

  it("type-checks under strict without skipLibCheck", async () => {
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    const r = await runProcess(process.execPath, [tsc, "-p", "test/generator/tsconfig.generated.json"]);
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
  }, 300_000);

  it("is formatted as prettier formats it", async () => {
    const prettier = path.join(root, "node_modules/prettier/bin/prettier.cjs");
    const r = await runProcess(process.execPath, [prettier, "--check", "generated/"]);
    expect(r.output).toContain("All matched files use Prettier code style!");
    expect(r.code).toBe(0);
  }, 300_000);
});

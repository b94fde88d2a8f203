// The CI recipe of the README, run for real: the `run` steps of examples/ci/*.yml, in order and
// as written (`npx alter-gen` is this checkout's CLI), against a fixture project whose pinned
// document the provider then changes in a breaking way (test/fixtures/ci-refresh/). The check
// workflow must fail and log the breaking changes with the consumer's lines; the scheduled one
// must regenerate and leave a pull-request body naming them. The TypeScript compiler, run on the
// consumer after regenerating, must fail only on lines the report named.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = path.resolve(".");
const bin = path.join(root, "bin/alter-gen.js");
const fixture = path.join(root, "test/fixtures/ci-project");
const refreshed = path.join(root, "test/fixtures/ci-refresh/petstore.yaml");
mkdirSync(path.join(root, ".tmp"), { recursive: true });
const work = mkdtempSync(path.join(root, ".tmp", "ci-recipe-"));
// The consumer's `alter-gen/runtime` resolves as in an installed project, through node_modules (a
// link to this checkout): a generated client's folder is its own package scope, so the checkout's
// self-reference does not reach it. Without it the methods' types are `any` and no property use is found.
mkdirSync(path.join(work, "node_modules"));
symlinkSync(root, path.join(work, "node_modules/alter-gen"), "dir");
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
}

function workflow(file: string): Step[] {
  const doc = parse(readFileSync(path.join(root, "examples/ci", file), "utf8")) as { jobs: Record<string, { steps: Step[] }> };
  const jobs = Object.values(doc.jobs);
  expect(jobs).toHaveLength(1);
  return jobs[0]!.steps;
}

interface StepResult {
  step: Step;
  status: number;
  output: string;
}

/**
 * Runs the steps as GitHub Actions would on one runner: `uses` steps and the install are the
 * runner's business; a step runs after a failure only when its `if` asks for failure();
 * `replace` stands in for a step by id (the refresh, which downloads from the provider).
 */
function runSteps(steps: Step[], cwd: string, replace: Record<string, () => void> = {}): { results: StepResult[]; outputs: string } {
  const githubOutput = path.join(cwd, ".github-output");
  writeFileSync(githubOutput, "");
  const results: StepResult[] = [];
  let failed = false;
  for (const step of steps) {
    if (step.uses || step.run?.trim() === "npm ci") continue;
    if (!(step.if?.includes("failure()") ? failed : !failed)) continue;
    if (step.id && replace[step.id]) {
      replace[step.id]!();
      continue;
    }
    expect(step.run, step.name).toMatch(/npx alter-gen/);
    const script = step.run!.replaceAll("npx alter-gen", `node ${JSON.stringify(bin)}`);
    const r = spawnSync("bash", ["-e", "-c", script], { cwd, env: { ...process.env, GITHUB_OUTPUT: githubOutput, SOURCE_DATE_EPOCH: "1767225600" }, encoding: "utf8" });
    results.push({ step, status: r.status ?? -1, output: r.stdout + r.stderr });
    if (r.status !== 0) failed = true;
  }
  return { results, outputs: readFileSync(githubOutput, "utf8") };
}

/** A copy of the fixture project with its clients generated, as it would be committed. */
function project(): string {
  const dir = mkdtempSync(path.join(work, "project-"));
  cpSync(fixture, dir, { recursive: true });
  const r = spawnSync(process.execPath, [bin, "-q"], { cwd: dir, encoding: "utf8", env: { ...process.env, SOURCE_DATE_EPOCH: "1767225600" } });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return dir;
}

/** The lines of src/ where tsc reports an error in the consumer project. */
function compileErrors(dir: string): string[] {
  const r = spawnSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], { cwd: dir, encoding: "utf8" });
  return [...r.stdout.matchAll(/^(src\/[^(]+)\((\d+),\d+\): error/gm)].map((m) => `${m[1]}:${m[2]}`);
}

let dir: string;
beforeEach(() => {
  dir = project();
});

describe("examples/ci/alter-gen-check.yml", () => {
  const steps = workflow("alter-gen-check.yml");

  it("passes while the clients match their documents", () => {
    expect(compileErrors(dir)).toEqual([]);
    const { results } = runSteps(steps, dir);
    expect(results.map((r) => [r.step.id ?? r.step.name, r.status])).toEqual([["check", 0]]);
  });

  it("fails on a document changed in a breaking way, and logs the breaking changes with the consumer's lines", () => {
    cpSync(refreshed, path.join(dir, "specs/petstore.yaml"));
    const { results } = runSteps(steps, dir);
    expect(results.map((r) => [r.step.id ?? r.step.name, r.status])).toEqual([
      ["check", 1],
      ["What regenerating would change", 1],
    ]);
    expect(results[0]!.output).toMatch(/stale\s+clients\/petstore\/pets\.d\.ts/);
    const log = results[1]!.output;
    expect(log).toMatch(/petstore \(clients\/petstore\): 8 breaking, 1 deprecated, 1 additive/);
    expect(log).toMatch(/breaking\s+`pets\.delete` was removed\.\n\s+used at src\/app\.ts:12:23/);
    expect(log).toMatch(/breaking\s+`pets\.list`: parameter `shelter` was added and is required\.\n\s+used at src\/app\.ts:7:/);
    expect(log).toMatch(/breaking\s+`pets\.list`: parameter `status` no longer accepts "pending"\.\n\s+used at src\/app\.ts:7:61/);
    expect(log).toMatch(/breaking\s+`pets\.list`: response property `\[\]\.status` was removed\.\n\s+used at src\/app\.ts:8:/);
    expect(log).toMatch(/breaking\s+`store\.placeOrder`: response property `status` no longer holds "placed"\.\n\s+used at src\/app\.ts:11:/);
    expect(log).toMatch(/deprecated `pets\.getPet` was renamed `pets\.showPetById`; the old name stays as a deprecated alias until 2026-06-30\.\n\s+used at src\/app\.ts:9:/);
  });

  it("the same report as JSON for machines", () => {
    cpSync(refreshed, path.join(dir, "specs/petstore.yaml"));
    const r = spawnSync(process.execPath, [bin, "diff", "--project", "tsconfig.json", "--json", "-q"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toEqual({ breaking: 8, deprecated: 1, additive: 1 });
    const removed = report.clients[0].changes.find((c: { kind: string }) => c.kind === "method-removed");
    expect(removed).toMatchObject({ impact: "breaking", method: "pets.delete", callSites: [{ file: "src/app.ts", line: 12, column: 23 }] });
  });
});

describe("alter-gen diff --project where alter-gen is not installed", () => {
  it("warns that property uses cannot be found, and still reports the method uses", () => {
    // Outside `work`, nothing links alter-gen into node_modules: the client's import of the runtime is unresolved.
    const bare = mkdtempSync(path.join(root, ".tmp", "ci-bare-"));
    try {
      cpSync(dir, bare, { recursive: true });
      cpSync(refreshed, path.join(bare, "specs/petstore.yaml"));
      const r = spawnSync(process.execPath, [bin, "diff", "--project", "tsconfig.json", "--json"], { cwd: bare, encoding: "utf8" });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/petstore: warning: the project tsconfig\.json cannot resolve "alter-gen\/runtime" from clients\/petstore, so uses of changed parameters and response properties cannot be found/);
      const removed = JSON.parse(r.stdout).clients[0].changes.find((c: { kind: string }) => c.kind === "method-removed");
      expect(removed.callSites).toEqual([expect.objectContaining({ file: "src/app.ts", line: 12 })]);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it("says nothing of the kind where the runtime resolves", () => {
    cpSync(refreshed, path.join(dir, "specs/petstore.yaml"));
    const r = spawnSync(process.execPath, [bin, "diff", "--project", "tsconfig.json", "--json"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/cannot resolve/);
  });
});

describe("examples/ci/alter-gen-refresh.yml", () => {
  const steps = workflow("alter-gen-refresh.yml");

  it("regenerates and leaves a pull-request body naming the breaking changes and the consumer's lines", () => {
    const { results, outputs } = runSteps(steps, dir, { refresh: () => cpSync(refreshed, path.join(dir, "specs/petstore.yaml")) });
    expect(results.map((r) => [r.step.id ?? r.step.name, r.status])).toEqual([
      ["diff", 0],
      ["Regenerate the clients", 0],
    ]);
    expect(outputs).toContain("breaking=true");
    const pr = steps.find((s) => s.uses?.startsWith("peter-evans/create-pull-request"))!;
    const body = readFileSync(path.join(dir, pr.with!["body-path"]!), "utf8");
    expect(body).toContain("## API changes from regenerating the clients");
    expect(body).toContain("#### Breaking");
    expect(body).toContain("| `pets.delete` | `pets.delete` was removed. | `src/app.ts:12` |");
    expect(body).toContain("| `pets.list` | parameter `shelter` was added and is required. | `src/app.ts:7` |");
    expect(body).toContain("| `pets.getPet` | `pets.getPet` was renamed `pets.showPetById`; the old name stays as a deprecated alias until 2026-06-30. | `src/app.ts:9` |");
    // Regenerated: up to date, and the compiler now fails exactly where the report pointed.
    expect(spawnSync(process.execPath, [bin, "--check", "-q"], { cwd: dir }).status).toBe(0);
    const errors = compileErrors(dir);
    expect(errors.length).toBeGreaterThan(0);
    const reported = new Set([...body.matchAll(/`(src\/app\.ts:\d+)`/g)].map((m) => m[1]));
    for (const line of errors) expect(reported, `tsc fails at ${line}`).toContain(line);
  }, 180_000);

  it("reports no breaking change when the document did not change", () => {
    const { results, outputs } = runSteps(steps, dir, { refresh: () => {} });
    expect(results.map((r) => r.status)).toEqual([0, 0]);
    expect(outputs).toContain("breaking=false");
    expect(readFileSync(path.join(dir, "api-changes.md"), "utf8")).toContain("No change to the public API.");
  });
});

// The CLI's output paths when things around it go wrong: a reader that goes away (EPIPE), an
// output folder that cannot be made (Node's recursive mkdir loops under /proc), and progress
// that shows on a terminal and stays out of logs. Real processes run bin/alter-gen.js (dist/,
// built by `npm test`).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { statusLine } from "../../cli/output.js";

const root = path.resolve(".");
const bin = path.join(root, "bin/alter-gen.js");
const petstore = path.join(root, "test/fixtures/specs/petstore-3.0.yaml");
let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "alter-gen-output-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CLI with one of its streams closed by the reader before anything is written. */
function runClosed(args: string[], closed: "stdout" | "stderr"): Promise<{ code: number | null; other: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: work, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "1" } });
    child[closed].destroy();
    let other = "";
    child[closed === "stdout" ? "stderr" : "stdout"].on("data", (d) => (other += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, other }));
  });
}

describe("a reader that goes away", () => {
  const cases: [string, { args: () => string[]; closed: "stdout" | "stderr"; code: number; check?: () => void }][] = [
    ["--help | head", { args: () => ["--help"], closed: "stdout", code: 0 }],
    ["--version | head", { args: () => ["--version"], closed: "stdout", code: 0 }],
    ["list | head", { args: () => ["list"], closed: "stdout", code: 0 }],
    ["--names | head", { args: () => ["--names", "--spec", petstore, "--name", "p"], closed: "stdout", code: 0 }],
    ["vault --help | head", { args: () => ["vault", "--help"], closed: "stdout", code: 0 }],
    [
      "generating with stderr closed still writes every file",
      { args: () => ["--spec", petstore, "--name", "p", "--out", path.join(work, "closed-stderr")], closed: "stderr", code: 0, check: () => expect(readdirSync(path.join(work, "closed-stderr/p"))).toContain("index.d.ts") },
    ],
    ["an error with stderr closed keeps its exit code", { args: () => ["--spec", path.join(work, "nowhere.yaml"), "--name", "p"], closed: "stderr", code: 2 }],
  ];
  it.each(cases)("%s: no stack trace, the command's own exit code", async (_name, { args, closed, code, check }) => {
    const r = await runClosed(args(), closed);
    expect(r.other).not.toMatch(/EPIPE|\n\s+at /);
    expect(r.code).toBe(code);
    check?.();
  });

  it("another failure of stdout is one line and exit code 74", () => {
    if (!existsSync("/dev/full")) return;
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${bin}" --names --spec "${petstore}" --name p -q > /dev/full`], { encoding: "utf8" });
    expect(r.stderr).toBe("alter-gen: cannot write to standard output (ENOSPC).\n");
    expect(r.status).toBe(74);
  });
});

describe("an output folder that cannot be made", () => {
  async function run(out: string) {
    let stderr = "";
    const code = await main(["--spec", petstore, "--name", "p", "--out", out, "-q"], { stdout: () => {}, stderr: (t) => void (stderr += t), cwd: work });
    return { code, stderr };
  }

  it.skipIf(!existsSync("/proc/self"))("under /proc fails at once with the usual paragraph (Node's recursive mkdir never returns there)", async () => {
    const r = await run("/proc/alter-gen-test/clients");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^alter-gen: Cannot write the client into \/proc\/alter-gen-test\/clients\/p: \/proc\/alter-gen-test cannot be created \(the file system of \/proc does not hold new folders\)\. \(file .*, flag --out\)\n$/);
  }, 10_000);

  it("a file in the way higher up is named, before anything is generated", async () => {
    const file = path.join(work, "a-file");
    writeFileSync(file, "not a folder");
    const r = await run(path.join(file, "sub", "clients"));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`alter-gen: Cannot write clients into ${path.join(file, "sub", "clients")}: ${file} is a file, not a folder. (file ${path.join(file, "sub", "clients")}, flag --out)\n`);
  });

  it("missing parents are made, one level at a time", async () => {
    const r = await run(path.join(work, "new", "deeper", "clients"));
    expect(r.code).toBe(0);
    expect(readdirSync(path.join(work, "new/deeper/clients/p"))).toContain("index.d.ts");
  });
});

describe("progress", () => {
  const tty = () => {
    const written: string[] = [];
    return { written, stream: { isTTY: true, columns: 40, write: (t: string) => void written.push(t) } };
  };

  const envs: [string, { env: NodeJS.ProcessEnv; isTTY: boolean; shown: boolean }][] = [
    ["a terminal", { env: {}, isTTY: true, shown: true }],
    ["a terminal in CI", { env: { CI: "true" }, isTTY: true, shown: false }],
    ["CI=false on a terminal", { env: { CI: "false" }, isTTY: true, shown: true }],
    ["a dumb terminal", { env: { TERM: "dumb" }, isTTY: true, shown: false }],
    ["a pipe or a log file", { env: {}, isTTY: false, shown: false }],
  ];
  it.each(envs)("%s", (_name, { env, isTTY, shown }) => {
    const line = statusLine({ isTTY, columns: 80, write: () => {} }, env);
    expect(line !== undefined).toBe(shown);
  });

  it("redraws in place, at most every 100 ms, cut to the terminal's width, and clears", () => {
    let clock = 0;
    const { written, stream } = tty();
    const line = statusLine(stream, {}, () => clock)!;
    line("github: reading specs/github/openapi.json");
    clock = 50;
    line("github: emitted 10/1223 operations");
    clock = 150;
    line("github: emitted 900/1223 operations");
    line(undefined);
    line(undefined);
    expect(written).toEqual(["\r\x1b[Kgithub: reading specs/github/openapi.j…", "\r\x1b[Kgithub: emitted 900/1223 operations", "\r\x1b[K"]);
  });

  async function generate(args: string[], progress?: (line: string | undefined) => void) {
    const events: string[] = [];
    const io = { stdout: () => {}, stderr: (t: string) => void events.push(`stderr ${t.trim()}`), cwd: work, ...(progress ? { progress } : {}) };
    const code = await main(args, io);
    return { code, events };
  }
  const twoClients = () => {
    const config = path.join(work, "two.yaml");
    writeFileSync(config, `out: ./two\nproviders:\n  - {id: one, spec: ${JSON.stringify(petstore)}, name: One}\n  - {id: two, spec: ${JSON.stringify(petstore)}, name: Two}\n`);
    return ["--config", config];
  };

  it("a run reports each step of each client, and clears the line before each summary", async () => {
    const events: string[] = [];
    const r = await generate(twoClients(), (l) => void events.push(l === undefined ? "clear" : `status ${l}`));
    expect(r.code).toBe(0);
    const all = [...events];
    expect(all).toContain("status [1/2] one: building the model (4 paths)");
    expect(all).toContain("status [2/2] two: emitted 7/7 operations");
    // Every file the client folder holds (the package.json that makes an --out folder ESM included).
    const files = readdirSync(path.join(work, "two/two"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    expect(all).toContain(`status [2/2] two: writing ${files} files`);
    expect(all[all.length - 1]).toBe("clear");
  });

  it("--quiet shows none, and without a terminal stderr gets only what was done", async () => {
    const quiet: string[] = [];
    expect((await generate([...twoClients(), "--quiet"], (l) => void quiet.push(String(l)))).code).toBe(0);
    expect(quiet).toEqual([]);
    const plain = await generate(twoClients());
    expect(plain.events.some((e) => /reading|emitted|building/.test(e))).toBe(false);
    expect(plain.events.filter((e) => /operations in/.test(e))).toHaveLength(2);
  });

  const hasScript = spawnSync("script", ["--version"]).status === 0;
  it.skipIf(!hasScript)("a real terminal gets the status line; the same run in CI does not", () => {
    const command = `"${process.execPath}" "${bin}" --spec "${petstore}" --name p --out "${path.join(work, "tty")}"`;
    const env = (ci: Record<string, string>) => {
      const e: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm", ...ci };
      if (!("CI" in ci)) delete e.CI;
      return e;
    };
    const onTerminal = spawnSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8", env: env({}) });
    expect(onTerminal.stdout).toContain("\r\x1b[Kp: reading");
    expect(onTerminal.stdout).toMatch(/Done: 1 client/);
    const inCi = spawnSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8", env: env({ CI: "true" }) });
    expect(inCi.stdout).not.toContain("\x1b[K");
    expect(inCi.stdout).toMatch(/Done: 1 client/);
  });
});

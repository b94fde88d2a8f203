// One server per data folder (vault/admin/server-lock.ts): `vault start` processes launched at
// the same instant on one folder, exactly one serves and every other exits with a message naming
// it; a lock left by a killed server is taken over; admin commands see the live server only.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initVault, startVault } from "../../vault/index.js";
import { acquireServerLock, runningServer } from "../../vault/admin/server-lock.js";
import { tempDir } from "./helpers.js";

const ROOT = join(import.meta.dirname, "../..");

interface Starter {
  child: ChildProcess;
  pid: number;
  /** Resolves when the process serves (its URL) or exits (its code and stderr). */
  outcome: Promise<{ url: string } | { code: number | null; stderr: string }>;
}

function starter(dataDir: string): Promise<Starter> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test/vault/lock/start-process.ts"), dataDir], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const outcome = new Promise<{ url: string } | { code: number | null; stderr: string }>((resolve) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ url: m[1]! });
    });
    child.once("exit", (code) => resolve({ code, stderr: err }));
  });
  return new Promise((resolve, reject) => {
    const onData = () => {
      if (!out.includes("ready\n")) return;
      child.stdout!.off("data", onData);
      resolve({ child, pid: child.pid!, outcome });
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`starter exited before ready (${code}): ${err}`)));
  });
}

async function stop(s: Starter): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((r) => s.child.once("exit", r));
  s.child.kill("SIGTERM");
  await exited;
}

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
beforeAll(async () => {
  tmp = tempDir();
  dataDir = join(tmp.dir, "data");
  await initVault({ dataDir, env: {} });
});
afterAll(() => tmp.remove());

describe("racing starts on one data folder", () => {
  it("exactly one of several `vault start` launched together serves; the others name it and exit 2", async () => {
    for (let round = 0; round < 3; round++) {
      const starters = await Promise.all(Array.from({ length: 5 }, () => starter(dataDir)));
      try {
        for (const s of starters) s.child.stdin!.write("go\n"); // as close to the same instant as the OS allows
        // The winner serves; a loser exits at once, so wait for every loser and one winner.
        const outcomes = await Promise.all(starters.map((s) => s.outcome));
        const serving = outcomes.map((o, i) => ({ o, s: starters[i]! })).filter((x) => "url" in x.o);
        expect(serving).toHaveLength(1);
        const winner = serving[0]!.s;
        for (const [i, o] of outcomes.entries()) {
          if (starters[i] === winner) continue;
          expect(o).toMatchObject({ code: 2 });
          const stderr = (o as { stderr: string }).stderr;
          expect(stderr).toContain(`A vault is already serving ${dataDir} (pid ${winner.pid}, `);
          expect(stderr).not.toMatch(/\n\s+at /); // one paragraph, no stack trace
        }
        expect(runningServer(dataDir)?.pid).toBe(winner.pid);
      } finally {
        await Promise.all(starters.map(stop));
      }
      expect(runningServer(dataDir)).toBeUndefined();
    }
  }, 120_000);
});

describe("a lock left behind", () => {
  it("by a server killed with SIGKILL is taken over by the next start", async () => {
    const first = await starter(dataDir);
    first.child.stdin!.write("go\n");
    expect(await first.outcome).toHaveProperty("url");
    const killed = new Promise((r) => first.child.once("exit", r));
    first.child.kill("SIGKILL");
    await killed;
    // The dead server's description is still on disk; it does not count.
    expect(JSON.parse(readFileSync(join(dataDir, "server.lock"), "utf8")).pid).toBe(first.pid);
    expect(runningServer(dataDir)).toBeUndefined();

    const running = await startVault({ dataDir, port: 0 });
    try {
      expect(runningServer(dataDir)).toMatchObject({ pid: process.pid, url: running.url });
    } finally {
      await running.close();
    }
    expect(existsSync(join(dataDir, "server.lock"))).toBe(false);
  }, 60_000);

  it("a second start in the same process is refused while the first serves, and allowed after", async () => {
    const a = await startVault({ dataDir, port: 0 });
    try {
      await expect(startVault({ dataDir, port: 0 })).rejects.toThrow(`A vault is already serving ${dataDir} (pid ${process.pid}, ${a.url}`);
    } finally {
      await a.close();
    }
    const b = await startVault({ dataDir, port: 0 });
    await b.close();
  });

  it("a start during a master key rotation is refused, naming the rotation", async () => {
    const rotation = await acquireServerLock(dataDir, "rotating the master key", "rotating the master key of");
    try {
      await expect(startVault({ dataDir, port: 0 })).rejects.toThrow(
        `Another alter-gen process is rotating the master key of ${dataDir} (pid ${process.pid}, since `,
      );
    } finally {
      rotation.release();
    }
  });
});

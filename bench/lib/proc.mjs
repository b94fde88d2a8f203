// Runs a command as a child process and measures its wall time and peak resident memory.
// Peak RSS comes from GNU time's "%M" (the child's ru_maxrss) when /usr/bin/time exists,
// otherwise from sampling VmHWM in /proc/<pid>/status (which only sees the direct child).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const GNU_TIME = "/usr/bin/time";

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function readHwmKB(pid) {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * @returns {Promise<{ok: boolean, code: number|null, timedOut: boolean, wallMs: number,
 *   cpuMs: number, peakRssBytes: number, stdout: string, stderr: string}>}
 * (cpuMs is user+system of the command, NaN without GNU time.)
 */
export function runMeasured(cmd, args, { cwd, env, timeoutMs = 10 * 60_000, maxOutput = 64 * 1024 } = {}) {
  const useTime = existsSync(GNU_TIME);
  const tmp = useTime ? mkdtempSync(path.join(os.tmpdir(), "bench-time-")) : undefined;
  const timeFile = tmp && path.join(tmp, "time.txt");
  const [file, argv] = useTime ? [GNU_TIME, ["-f", "%M %U %S", "-o", timeFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    // Its own process group, so a timeout can end the generator and anything it started.
    const child = spawn(file, argv, { cwd, env: env ?? process.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => { if (stdout.length < maxOutput) stdout += d; });
    child.stderr.on("data", (d) => { if (stderr.length < maxOutput) stderr += d; });
    let hwmKB = 0;
    // Without GNU time: the child's own high-water mark, often. With it: the measured command
    // (time's child), rarely, only so that a run killed at the timeout still has a figure.
    const sampler = setInterval(() => {
      // The whole tree below: some CLIs re-launch themselves in a child process.
      const pids = [];
      const queue = useTime ? childrenOf(child.pid) : [child.pid];
      while (queue.length && pids.length < 64) {
        const pid = queue.shift();
        pids.push(pid);
        queue.push(...childrenOf(pid));
      }
      for (const pid of pids) hwmKB = Math.max(hwmKB, readHwmKB(pid));
    }, useTime ? 1000 : 25);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
    }, timeoutMs);
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      clearInterval(sampler);
      let peakKB = hwmKB;
      let cpuMs = Number.NaN;
      if (timeFile) {
        try {
          const last = readFileSync(timeFile, "utf8").trim().split("\n").at(-1).trim().split(/\s+/).map(Number);
          if (Number.isFinite(last[0]) && last[0] > 0) peakKB = last[0];
          if (last.length >= 3) cpuMs = (last[1] + last[2]) * 1000;
        } catch { /* killed before time wrote it */ }
        rmSync(tmp, { recursive: true, force: true });
      }
      resolve({ ok: code === 0 && !timedOut, code, timedOut, wallMs, cpuMs, peakRssBytes: peakKB * 1024, stdout, stderr });
    });
  });
}

/** Runs a command to completion, inheriting nothing, returning its output; throws on failure. */
export function run(cmd, args, { cwd, env, timeoutMs = 10 * 60_000 } = {}) {
  return runMeasured(cmd, args, { cwd, env, timeoutMs, maxOutput: 1024 * 1024 });
}

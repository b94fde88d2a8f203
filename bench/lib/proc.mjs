// Runs a command as a child process and measures its wall time and peak resident memory.
// Peak RSS comes from GNU time's "%M" (the child's ru_maxrss) when /usr/bin/time exists,
// otherwise from sampling VmHWM in /proc/<pid>/status (which only sees the direct child).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const GNU_TIME = "/usr/bin/time";

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
 *   peakRssBytes: number, stdout: string, stderr: string}>}
 */
export function runMeasured(cmd, args, { cwd, env, timeoutMs = 10 * 60_000, maxOutput = 64 * 1024 } = {}) {
  const useTime = existsSync(GNU_TIME);
  const tmp = useTime ? mkdtempSync(path.join(os.tmpdir(), "bench-time-")) : undefined;
  const timeFile = tmp && path.join(tmp, "time.txt");
  const [file, argv] = useTime ? [GNU_TIME, ["-f", "%M", "-o", timeFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    // Its own process group, so a timeout can end the generator and anything it started.
    const child = spawn(file, argv, { cwd, env: env ?? process.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => { if (stdout.length < maxOutput) stdout += d; });
    child.stderr.on("data", (d) => { if (stderr.length < maxOutput) stderr += d; });
    let hwmKB = 0;
    const sampler = useTime ? undefined : setInterval(() => { hwmKB = Math.max(hwmKB, readHwmKB(child.pid)); }, 25);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
    }, timeoutMs);
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      let peakKB = hwmKB;
      if (timeFile) {
        try {
          const lines = readFileSync(timeFile, "utf8").trim().split("\n");
          peakKB = Number(lines.at(-1)) || 0;
        } catch { /* killed before time wrote it */ }
        rmSync(tmp, { recursive: true, force: true });
      }
      resolve({ ok: code === 0 && !timedOut, code, timedOut, wallMs, peakRssBytes: peakKB * 1024, stdout, stderr });
    });
  });
}

/** Runs a command to completion, inheriting nothing, returning its output; throws on failure. */
export function run(cmd, args, { cwd, env, timeoutMs = 10 * 60_000 } = {}) {
  return runMeasured(cmd, args, { cwd, env, timeoutMs, maxOutput: 1024 * 1024 });
}

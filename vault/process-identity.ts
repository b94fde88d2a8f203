// Who a process is, durably enough to tell later whether it is still running: host, pid and the
// process's start time. A pid alone is not enough — after a crash the system may hand the same
// pid to an unrelated process — so a holder counts as alive only while a process with its pid
// exists *and* started when the holder did. Start times come from /proc on Linux (ticks since
// boot, with the boot id) and from `ps -o lstart=` elsewhere; where neither answers, the start
// is unknown and only a missing pid proves the holder gone.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface ProcessIdentity {
  host: string;
  pid: number;
  /** Opaque start-time stamp, null when this platform cannot tell. */
  start: string | null;
}

let bootId: string | null | undefined;

function linuxBootId(): string | null {
  if (bootId === undefined) {
    try {
      bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    } catch {
      bootId = null;
    }
  }
  return bootId;
}

/** The start-time stamp of `pid`, null when it cannot be read (or the process does not exist). */
export function processStart(pid: number): string | null {
  const boot = linuxBootId();
  if (boot !== null) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Field 22 (starttime); the command name (field 2) may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = fields[19];
      return ticks ? `${boot}:${ticks}` : null;
    } catch {
      return null;
    }
  }
  if (process.platform === "win32") return null;
  try {
    const out = execFileSync("ps", ["-o", "lstart=", "-p", String(pid)], { encoding: "utf8", timeout: 2_000, stdio: ["ignore", "pipe", "ignore"] }).trim();
    return out === "" ? null : out;
  } catch {
    return null;
  }
}

let self: ProcessIdentity | undefined;

export function currentProcess(): ProcessIdentity {
  self ??= { host: hostname(), pid: process.pid, start: processStart(process.pid) };
  return self;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * True only when `holder` certainly no longer runs: it was on this host and its pid is gone, or
 * the pid now belongs to a process that started at another time. On another host, or when the
 * start time cannot be compared, a live pid keeps the benefit of the doubt.
 */
export function isProcessGone(holder: ProcessIdentity): boolean {
  const me = currentProcess();
  if (holder.host !== me.host) return false;
  if (holder.pid === me.pid) return holder.start !== null && me.start !== null && holder.start !== me.start;
  if (!Number.isInteger(holder.pid) || holder.pid <= 0 || !pidExists(holder.pid)) return true;
  if (holder.start === null) return false;
  const now = processStart(holder.pid);
  return now !== null && now !== holder.start;
}

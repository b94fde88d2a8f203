// Whether a lease holder is gone: a pid that no longer exists, or one that now belongs to a
// process started at another time (the pid was reused), counts as gone; anything that cannot be
// told apart from the holder (another host, an unknown start time) keeps the benefit of the doubt.
import { spawn, type ChildProcess } from "node:child_process";
import { hostname } from "node:os";
import { afterAll, beforeAll, expect, it } from "vitest";
import { currentProcess, isProcessGone, processStart, type ProcessIdentity } from "../../../vault/process-identity.js";

let sleeper: ChildProcess;
let deadPid: number;

beforeAll(async () => {
  sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  const short = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
  await new Promise((r) => short.once("exit", r));
  deadPid = short.pid!;
  // Wait until the sleeper's start time is readable.
  for (let i = 0; i < 50 && processStart(sleeper.pid!) === null; i++) await new Promise((r) => setTimeout(r, 20));
});
afterAll(() => {
  sleeper?.kill("SIGKILL");
});

it("reads a start time for this process and a live child", () => {
  expect(currentProcess()).toMatchObject({ host: hostname(), pid: process.pid });
  expect(currentProcess().start).not.toBeNull();
  expect(processStart(sleeper.pid!)).not.toBeNull();
  expect(processStart(sleeper.pid!)).not.toBe(currentProcess().start);
});

const rows: [name: string, holder: () => ProcessIdentity, gone: boolean][] = [
  ["this very process", () => currentProcess(), false],
  ["a live process, same start time", () => ({ host: hostname(), pid: sleeper.pid!, start: processStart(sleeper.pid!) }), false],
  ["a pid that no longer exists", () => ({ host: hostname(), pid: deadPid, start: "any" }), true],
  ["a reused pid: alive, but started at another time", () => ({ host: hostname(), pid: sleeper.pid!, start: "boot:1" }), true],
  ["this pid with another start time (a previous process)", () => ({ host: hostname(), pid: process.pid, start: "boot:1" }), true],
  ["a live pid whose start time was not recorded", () => ({ host: hostname(), pid: sleeper.pid!, start: null }), false],
  ["a dead pid on another host", () => ({ host: `not-${hostname()}`, pid: deadPid, start: "any" }), false],
  ["an impossible pid", () => ({ host: hostname(), pid: 0, start: null }), true],
];

it.each(rows)("%s → gone: %s", (_name, holder, gone) => {
  expect(isProcessGone(holder())).toBe(gone);
});

// What was measured, on what: machine, Node, package versions, date.
import { readFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const PEERS = path.join(ROOT, "bench", ".peers");

export function packageVersion(name, base = PEERS) {
  const file = path.join(base, "node_modules", name, "package.json");
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")).version;
}

export function ourVersion() {
  return JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
}

export function machine() {
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism?.() ?? cpus.length,
    cpu: cpus[0]?.model?.trim() ?? "unknown",
    memGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    loadavg: os.loadavg().map((l) => l.toFixed(2)).join(" "),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}

export function machineLine(m = machine()) {
  return `${m.date}; Node ${m.node}; ${m.nproc} cores (${m.cpu}), ${m.memGiB} GiB RAM; load average at start ${m.loadavg}; ${m.platform}`;
}

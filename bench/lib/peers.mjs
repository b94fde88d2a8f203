// Installs the benchmark's peers into bench/.peers at exact versions (never project deps).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { PEERS, packageVersion } from "./env.mjs";

export function ensurePeers(wanted, log = console.error) {
  const missing = Object.entries(wanted).filter(([name, v]) => packageVersion(name) !== v);
  if (missing.length === 0) return;
  mkdirSync(PEERS, { recursive: true });
  const pkg = path.join(PEERS, "package.json");
  if (!existsSync(pkg)) writeFileSync(pkg, `${JSON.stringify({ name: "alter-gen-bench-peers", private: true }, null, 2)}\n`);
  log(`installing peers into bench/.peers: ${missing.map(([n, v]) => `${n}@${v}`).join(", ")}`);
  // --no-save prunes what is not listed, so always install the whole set in one go.
  const specs = Object.entries(wanted).map(([n, v]) => `${n}@${v}`);
  const r = spawnSync("npm", ["install", "--prefix", PEERS, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", ...specs], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) throw new Error(`npm install of the benchmark peers failed (exit ${r.status})`);
}

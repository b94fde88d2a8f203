// Rewrites one "## <Heading>" section of bench/README.md and leaves the others alone
// (the Vault section is written by another benchmark).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./env.mjs";

export const README = path.join(ROOT, "bench", "README.md");
const HEADINGS = ["Generator", "Runtime", "Vault"];

function skeleton() {
  return [
    "# Benchmarks",
    "",
    "`npm run bench` runs all three; each script rewrites its own section below.",
    "Peers are installed by the scripts into `bench/.peers/` (gitignored), never as project dependencies.",
    "The machine is shared (2 cores, other work running), so compare ratios measured in the same run,",
    "not absolute numbers across runs.",
    "",
    ...HEADINGS.flatMap((h) => [`## ${h}`, "", "_Not measured yet._", ""]),
  ].join("\n");
}

export function writeSection(heading, body) {
  let text = existsSync(README) ? readFileSync(README, "utf8") : skeleton();
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) {
    text = `${text.trimEnd()}\n\n## ${heading}\n\n${body.trim()}\n`;
  } else {
    const contentStart = start + `\n## ${heading}\n`.length;
    const next = text.indexOf("\n## ", contentStart);
    const end = next < 0 ? text.length : next + 1;
    text = `${text.slice(0, contentStart)}\n${body.trim()}\n\n${text.slice(end).replace(/^\n+/, "")}`;
  }
  writeFileSync(README, `${text.trimEnd()}\n`);
}

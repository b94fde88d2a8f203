#!/usr/bin/env node
// `alter-gen` in an app's project. This package (alter-gen) is what the app runs: the runtime and
// the generated clients. The generator and the local vault are the development package
// @alter-gen/cli; this launcher runs it in this same process (so a process manager's signals reach
// the vault directly) when the project has it, and otherwise says what to install.
// No dependencies of its own.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const CLI = "@alter-gen/cli";

function findCli() {
  // The project the command runs in first, then wherever this launcher is installed.
  for (const from of [join(process.cwd(), "package.json"), import.meta.url]) {
    try {
      return createRequire(from).resolve(CLI);
    } catch {
      // not installed there
    }
  }
  return undefined;
}

const entry = findCli();
if (entry === undefined) {
  process.stderr.write(
    `alter-gen: the generator and the local vault are in the development package ${CLI}, which this project does not have. Install it, then run the same command again:\n\n` +
      `  npm install --save-dev ${CLI}\n\n` +
      `(\`alter-gen vault\` also needs \`npm install --save-dev better-sqlite3\`.)\n`,
  );
  process.exitCode = 1;
} else {
  const { main } = await import(pathToFileURL(entry).href);
  process.exitCode = await main(process.argv.slice(2));
}

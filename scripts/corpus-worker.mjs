#!/usr/bin/env node
// One corpus worker (started by scripts/corpus.mjs): runs the compiled generator CLI in-process
// on a list of documents, one after the other, so Node and module start-up is paid once per
// batch instead of once per document. It reports one JSON line per event on stdout:
//   {"start": "<name>"}                               before a document
//   {"name", "code", "stderr", "ms"}                  after it (code 0, 1, 2, 70, or "throw")
// If the process dies, the parent charges the started document as a crash and requeues the rest.
import { readFile } from "node:fs/promises";
import { main } from "../dist/cli/main.js";

const [listFile, outDir] = process.argv.slice(2);
const docs = JSON.parse(await readFile(listFile, "utf8"));
for (const doc of docs) {
  process.stdout.write(JSON.stringify({ start: doc.name }) + "\n");
  let stderr = "";
  const started = Date.now();
  let code;
  try {
    code = await main(["--spec", doc.file, "--name", doc.name, "--out", outDir, "--quiet"], {
      stdout: () => {},
      stderr: (t) => void (stderr += t),
      cwd: outDir,
    });
  } catch (error) {
    code = "throw";
    stderr += String(error?.stack ?? error);
  }
  process.stdout.write(JSON.stringify({ name: doc.name, code, stderr, ms: Date.now() - started }) + "\n");
}

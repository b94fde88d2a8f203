// Reads the operations of a catalog provider's pinned OpenAPI document in a worker thread. The
// documents are large (GitHub's is 13 MB, Microsoft Graph's 20 MB: 330 and 610 ms of JSON.parse
// here), and the first operation-gated call of a provider needs them; parsed on the vault's own
// thread, every request in flight would wait that long. Only [operationId | null, method, path]
// triples cross back, a few hundred kilobytes at most.
//
// The worker's code is given as text (`eval`), not as a module file: it needs nothing but node:fs,
// and a file beside this one would not exist where the vault runs from its TypeScript sources.
import { Worker } from "node:worker_threads";

/** [operationId, or null when the document gives none; lower-case method; path template]. */
export type DeclaredTriple = [string | null, string, string];

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { readFileSync } = require("node:fs");
const doc = JSON.parse(readFileSync(workerData.file, "utf8"));
const out = [];
for (const [path, item] of Object.entries((doc && doc.paths) || {})) {
  for (const m of workerData.methods) {
    const op = item && item[m];
    if (!op) continue;
    out.push([typeof op.operationId === "string" && op.operationId !== "" ? op.operationId : null, m, path]);
  }
}
parentPort.postMessage(out);
`;

/** The operations a JSON document declares, read and parsed off the caller's thread. */
export function readDocumentOperations(file: string, methods: readonly string[]): Promise<DeclaredTriple[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { file, methods } });
    let answered = false;
    worker.once("message", (triples: DeclaredTriple[]) => {
      answered = true;
      resolve(triples);
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (!answered) reject(new Error(`the operation reader stopped (exit code ${code}) before answering for ${file}`));
    });
  });
}

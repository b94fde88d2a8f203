// A second vault process on the same data folder (run with `node --import tsx`), for tests of
// coordination between processes. Prints {"url": …} once listening. A stdin line
// `offset <ms>` moves its clock ahead of real time and is answered `ok`. SIGTERM closes it.
import { createInterface } from "node:readline";
import { startVault } from "../../../vault/index.js";

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error("usage: vault-process.ts <dataDir>");
let offset = 0;
// The clock starts real: requests signed before the start are refused as replays.
const vault = await startVault({ dataDir, port: 0, now: () => Date.now() + offset });
process.stdout.write(JSON.stringify({ url: vault.url }) + "\n");
createInterface({ input: process.stdin }).on("line", (line) => {
  const m = /^offset (-?\d+)$/.exec(line.trim());
  if (m) {
    offset = Number(m[1]);
    process.stdout.write("ok\n");
  }
});
process.on("SIGTERM", () => {
  void vault.close().then(() => process.exit(0));
});

// A real vault server in its own process, for tests that kill it (SIGKILL) mid-flight. Run with
// `node --import tsx vault-server-process.ts <dataDir>`. Prints `url <url>` once it serves; a
// stdin line `offset <ms>` moves its clock that far ahead of real time and answers `ok`.
import { createInterface } from "node:readline";
import { startVault } from "../../support/vault-admin.js";

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error("usage: vault-server-process.ts <dataDir>");
let offset = 0;
// On the postgres test project the parent names the folder's database (test/support/vault-engine.ts).
const databaseUrl = process.env.ALTER_VAULT_DATABASE_URL;
const vault = await startVault({ dataDir, port: 0, now: () => Date.now() + offset, ...(databaseUrl ? { databaseUrl } : {}) });
process.stdout.write(`url ${vault.url}\n`);
createInterface({ input: process.stdin }).on("line", (line) => {
  const m = /^offset (-?\d+)$/.exec(line.trim());
  if (!m) return;
  offset = Number(m[1]);
  process.stdout.write("ok\n");
});
process.on("SIGTERM", () => {
  void vault.close().then(() => process.exit(0));
});

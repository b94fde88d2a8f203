// The local vault as its own process for the runtime benchmark, as it runs in a deployment:
// `startVault` from the built package on a free loopback port. The master key comes from the
// environment (ALTER_VAULT_MASTER_KEY), the data folder from argv, then a PostgreSQL URL when the
// vault is served from one (else SQLite in the data folder). Prints the port; stops when its
// parent closes stdin.
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dist, dataDir, databaseUrl] = process.argv.slice(2);
const { startVault } = await import(pathToFileURL(path.join(dist, "vault/index.js")).href);
const vault = await startVault({ dataDir, port: 0, log: () => {}, ...(databaseUrl ? { databaseUrl } : {}) });
process.stdout.write(`${vault.port}\n`);
process.stdin.on("end", async () => {
  await vault.close();
  process.exit(0);
});
process.stdin.resume();
